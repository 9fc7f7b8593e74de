import request from 'supertest';
import type { TestApp } from './create-test-app';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/** An admin access token from the built-in admin-cli client (password grant, as the README shows). */
export async function adminToken(t: TestApp, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await request(t.url)
    .post('/oauth2/token')
    .type('form')
    .send({ grant_type: 'password', client_id: 'admin-cli', username, password, scope: 'admin' });
  if (res.status !== 200) throw new Error(`admin token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}
