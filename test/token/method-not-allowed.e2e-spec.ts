import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import { TEST_DB } from '../support/databases';

/**
 * RFC 9110 §15.5.6 and RFC 9126 §2: an endpoint called with a method it does not take answers 405
 * with `Allow`, not 404 (the FAPI 2.0 plan's `par-attempt-invalid-http-method` sends a PUT to PAR).
 */
describe(`methods an endpoint does not take (RFC 9110 §15.5.6) [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
  });
  afterAll(() => t.close());

  const call = (method: 'get' | 'put' | 'delete' | 'patch', path: string) => request(t.url)[method](path);

  describe.each(['/oauth2/par', '/oauth2/token', '/oauth2/introspect', '/oauth2/revoke'])('%s', (path) => {
    it.each(['get', 'put', 'delete', 'patch'] as const)('answers %s with 405, Allow: POST and RFC 6749 JSON', async (method) => {
      const res = await call(method, path);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.body).toEqual({ error: 'method_not_allowed', error_description: 'this endpoint accepts POST', request_id: expect.any(String) });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  it('answers HEAD at PAR with 405 too', async () => {
    const res = await request(t.url).head('/oauth2/par');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('names every method of a path that has several (GET routes take HEAD)', async () => {
    const res = await request(t.url).delete('/.well-known/openid-configuration');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('still answers 404 for a path with no route, and for a resource a handler did not find', async () => {
    expect((await request(t.url).put('/oauth2/nothing-here')).status).toBe(404);
    // A route for GET, PATCH and DELETE: its handler's 404 stays a 404.
    const api = await adminApi(t);
    expect((await api.get('/admin/applications/no-such-application')).status).toBe(404);
  });
});
