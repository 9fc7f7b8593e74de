import request from 'supertest';
import { createTestApp, type TestApp, type TestAppOptions } from './create-test-app';
import { tokenRequest } from './factories';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/**
 * An admin access token from the built-in admin-cli client (password grant with `scope=admin`, as
 * the README's walkthrough does), from a test app or a server process alike. Throws unless the
 * server answers 200.
 */
export async function adminToken(server: { readonly url: string }, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await tokenRequest(server.url, { grant_type: 'password', client_id: 'admin-cli', username, password, scope: 'admin' });
  if (res.status !== 200) throw new Error(`admin token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

/**
 * The management API as an administrator: each call carries the admin token. Without `body`, a
 * call sends none, and the test may still chain `.send(...)` itself.
 */
export interface AdminApi {
  readonly auth: string;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  get(path: string): request.Test;
  delete(path: string): request.Test;
}

export async function adminApi(t: { readonly url: string }): Promise<AdminApi> {
  const auth = `Bearer ${await adminToken(t)}`;
  const withBody = (req: request.Test, body?: object) => (body === undefined ? req : req.send(body));
  return {
    auth,
    post: (path, body) => withBody(request(t.url).post(path).set('Authorization', auth), body),
    patch: (path, body) => withBody(request(t.url).patch(path).set('Authorization', auth), body),
    get: (path) => request(t.url).get(path).set('Authorization', auth),
    delete: (path) => request(t.url).delete(path).set('Authorization', auth),
  };
}

/**
 * A started test app whose admin user has ADMIN_PASSWORD (plus `options`), and its management API
 * as that administrator: what every admin spec sets up first. The caller closes the app.
 */
export async function appWithAdminApi(options: TestAppOptions = {}): Promise<{ t: TestApp; api: AdminApi }> {
  const t = await createTestApp({ ...options, env: { ADMIN_PASSWORD, ...options.env } });
  try {
    return { t, api: await adminApi(t) };
  } catch (error) {
    await t.close();
    throw error;
  }
}
