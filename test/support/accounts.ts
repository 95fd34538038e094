import type { HttpClient } from './http.js';

export interface Account {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers a user over the real API and returns its tokens. */
export async function registerUser(http: HttpClient, username: string, password = `${username}-password`): Promise<Account> {
  const response = await http.post('/api/v1/auth/register', { username, password });
  if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.user.id, username, accessToken: response.body.accessToken, refreshToken: response.body.refreshToken };
}
