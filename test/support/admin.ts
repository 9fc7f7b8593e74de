import request from 'supertest';
import { createTestApp, createTestAppPair, type TestApp, type TestAppOptions, type TestAppPair } from './create-test-app';
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
  /** The same administrator's calls at another instance (with the same database behind it). */
  on(server: { readonly url: string }): AdminApi;
}

/** The management API of `t` (a test app or a server process) as the admin user with `password`. */
export async function adminApi(t: { readonly url: string }, password = ADMIN_PASSWORD): Promise<AdminApi> {
  return adminApiAt(t.url, `Bearer ${await adminToken(t, 'admin', password)}`);
}

function adminApiAt(url: string, auth: string): AdminApi {
  const withBody = (req: request.Test, body?: object) => (body === undefined ? req : req.send(body));
  return {
    auth,
    post: (path, body) => withBody(request(url).post(path).set('Authorization', auth), body),
    patch: (path, body) => withBody(request(url).patch(path).set('Authorization', auth), body),
    get: (path) => request(url).get(path).set('Authorization', auth),
    delete: (path) => request(url).delete(path).set('Authorization', auth),
    on: (server) => adminApiAt(server.url, auth),
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

/**
 * Two instances on one database (createTestAppPair) whose admin user has ADMIN_PASSWORD (plus
 * `options`), and the management API on the first: what the multi-instance specs set up first.
 * The caller closes the pair.
 */
export async function appPairWithAdminApi(options: TestAppOptions = {}): Promise<TestAppPair & { readonly api: AdminApi }> {
  const pair = await createTestAppPair({ ...options, env: { ADMIN_PASSWORD, ...options.env } });
  try {
    return { ...pair, api: await adminApi(pair.a) };
  } catch (error) {
    await pair.close();
    throw error;
  }
}
