import { CLIENT_ID, CLIENT_SECRET, OAUTH_BASE } from '../config';

interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
}

let cachedToken: string | null = null;
let expiresAt = 0;

export async function getAppToken(): Promise<string> {
  if (cachedToken && Date.now() < expiresAt) {
    return cachedToken;
  }
  const body = new URLSearchParams({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET ?? '',
    grant_type: 'client_credentials',
  });
  const response = await fetch(`${OAUTH_BASE}/token`, { method: 'POST', body });
  if (!response.ok) {
    throw new Error(`token request failed with ${response.status}`);
  }
  const json = (await response.json()) as TokenResponse;
  cachedToken = json.access_token;
  expiresAt = Date.now() + json.expires_in * 1000;
  return cachedToken;
}
