import { CLIENT_ID } from '../config';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function deviceLogin(): Promise<{ accessToken: string; refreshToken: string }> {
  const start = await fetch('https://id.twitch.tv/oauth2/device', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, scopes: 'channel:manage:broadcast user:read:chat' }),
  });
  const { device_code, interval, verification_uri } = await start.json();
  console.log(`Open ${verification_uri} to log in.`);
  for (;;) {
    await sleep(interval * 1000);
    const poll = await fetch('https://id.twitch.tv/oauth2/token', {
      method: 'POST',
      body: new URLSearchParams({
        client_id: CLIENT_ID,
        device_code,
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        scopes: 'channel:manage:broadcast user:read:chat',
      }),
    });
    if (poll.ok) {
      const { access_token, refresh_token } = await poll.json();
      return { accessToken: access_token, refreshToken: refresh_token };
    }
  }
}

export async function setTitle(broadcasterId: string, title: string) {
  const { accessToken } = await deviceLogin();
  await fetch(`https://api.twitch.tv/helix/channels?broadcaster_id=${broadcasterId}`, {
    method: 'PATCH',
    headers: { 'Client-Id': CLIENT_ID, Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
}
