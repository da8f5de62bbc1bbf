import { ApiClient } from '@twurple/api';
import { AppTokenAuthProvider, StaticAuthProvider } from '@twurple/auth';
import { CLIENT_ID } from './config';

const appAuth = new AppTokenAuthProvider(CLIENT_ID, process.env.TWITCH_CLIENT_SECRET!);
const appClient = new ApiClient({ authProvider: appAuth });

const userAuth = new StaticAuthProvider(CLIENT_ID, process.env.TWITCH_USER_TOKEN!, ['moderator:read:followers', 'clips:edit']);
const userClient = new ApiClient({ authProvider: userAuth });

export async function report(login: string) {
  const user = await appClient.users.getUserByName(login);
  if (!user) return;
  const followers = await userClient.channels.getChannelFollowers(user.id);
  const clip = await appClient.clips.createClip({ channel: user.id });
  console.log(user.displayName, followers.total, clip);
}
