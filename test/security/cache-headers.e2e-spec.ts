import request from 'supertest';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, introspectionRequest, revocationRequest, TestClient, TestUser, tokenRequest } from '../support/factories';

/** RFC 6749 §5.1 asks it of token responses; every answer of the API carries tokens, codes or personal data. */
describe(`Cache-Control: no-store on every answer, set once [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser({ scope: 'read write' }, {}, { ADMIN_PASSWORD })));
  afterAll(() => t.close());

  it('is on successes and errors of the token, introspection, revocation, userinfo, admin and health endpoints', async () => {
    const token = await tokenRequest(t.url, { grant_type: 'password', username: user.username, password: user.password }, client.basic);
    const answers = [
      token,
      await tokenRequest(t.url, { grant_type: 'nope' }, client.basic),
      await introspectionRequest(t.url, { token: token.body.access_token }, client.basic),
      await revocationRequest(t.url, { token: 'unknown' }, client.basic),
      await request(t.url).get('/me').set('Authorization', `Bearer ${token.body.access_token}`),
      await request(t.url).get('/me'),
      await (await adminApi(t)).get('/admin/applications'),
      await request(t.url).get('/health/ready'),
      await request(t.url).get('/no/such/route'),
    ];
    expect(answers.map((res) => [res.status, res.headers['cache-control'], res.headers['pragma']])).toEqual(
      [200, 400, 200, 200, 200, 401, 200, 200, 404].map((status) => [status, 'no-store', 'no-cache']),
    );
  });

  it('is replaced by a cache lifetime on the public key set, which resource servers cache', async () => {
    const res = await request(t.url).get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['pragma']).toBeUndefined();
  });
});
