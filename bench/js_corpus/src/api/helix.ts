import axios, { AxiosInstance } from 'axios';
import { CLIENT_ID, HELIX_BASE } from '../config';
import { getAppToken } from '../auth/appToken';

export const helix: AxiosInstance = axios.create({
  baseURL: HELIX_BASE,
  headers: { 'Client-Id': CLIENT_ID },
  timeout: 10_000,
});

helix.interceptors.request.use(async (config) => {
  config.headers.Authorization = `Bearer ${await getAppToken()}`;
  return config;
});

export async function getStreams(logins: string[]) {
  const { data } = await helix.get('/streams', { params: { user_login: logins } });
  return data.data;
}

export async function getUser(login: string) {
  const response = await helix.get(`/users?login=${encodeURIComponent(login)}`);
  return response.data.data[0];
}

export async function createClip(broadcasterId: string) {
  return helix.post('/clips', undefined, { params: { broadcaster_id: broadcasterId } });
}
