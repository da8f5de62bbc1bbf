import got from 'got';

const api = got.extend({
  prefixUrl: 'https://api.twitch.tv/helix/',
  headers: { 'Client-Id': process.env.TWITCH_CLIENT_ID },
  responseType: 'json',
});

export async function subscribeToFollows(broadcasterId, appToken, callback) {
  const { body } = await api.post('eventsub/subscriptions', {
    headers: { Authorization: `Bearer ${appToken}` },
    json: {
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: broadcasterId, moderator_user_id: broadcasterId },
      transport: { method: 'webhook', callback, secret: process.env.EVENTSUB_SECRET },
    },
  });
  return body.data[0];
}

export async function listSubscriptions(appToken) {
  return api.get('eventsub/subscriptions', {
    headers: { Authorization: `Bearer ${appToken}` },
    searchParams: { status: 'enabled' },
  }).json();
}
