// Settings shared by the bot's modules. Values come from the environment in production.
export const HELIX_BASE = 'https://api.twitch.tv/helix';
export const OAUTH_BASE = 'https://id.twitch.tv/oauth2';
export const CLIENT_ID = process.env.TWITCH_CLIENT_ID ?? 'fakeclientid000000000000000000';
export const CLIENT_SECRET = process.env.TWITCH_CLIENT_SECRET;
export const REDIRECT_URI = 'http://localhost:3000/auth/callback';
export const BOT_SCOPES = ['chat:read', 'chat:edit', 'moderator:manage:banned_users'];
