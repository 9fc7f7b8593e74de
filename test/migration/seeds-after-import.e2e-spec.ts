import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { basicAuth } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';

/**
 * The worked import files of docs/migration.md (examples/migration/), imported as an operator would, then the
 * requests of the vendor documentation in ../shared/seeds/ sent unchanged against the imported data.
 */
const example = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'migration', `${name}.json`), 'utf8'));

describe(`migrating with the README's import files, then the seeds' own requests [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => ({ t, api } = await appWithAdminApi()));
  afterAll(() => t.close());

  const importFile = (document: unknown) => api.post('/admin/import', document as object);
  const userByName = async (username: string) =>
    (await api.get(`/admin/users?search=${encodeURIComponent(username)}`)).body.items.find((u: { username: string }) => u.username === username);
  /** A seed's form request, its body sent exactly as the seed wrote it, with Basic client authentication. */
  const seedRequest = (path: string, basic: string, form: string) => request(t.url).post(path).set('Authorization', basic).type('form').send(form);

  it('webMethods (seeds 000, 001): the authorization code flow with PKCE, code exchanged at getAccessToken with a JSON body and Basic auth', async () => {
    const file = example('webmethods');
    const imported = await importFile(file);
    expect(imported.status).toBe(200);
    expect(imported.body.applications.created).toEqual(['374b1fae-4405-411b-85a0-6e1ab90923ba']);
    const [app] = file.applications;
    const verifier = randomBytes(32).toString('hex');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = `/invoke/pub.apigateway.oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=http%3A%2F%2Ftest.com&scope=email&code_challenge=${challenge}&code_challenge_method=S256`;
    const redirect = await approveAuthorization(new FormBrowser(t.url), authorize, { username: 'alice', password: 'alice-password' });
    const res = await request(t.url)
      .post('/invoke/pub.apigateway.oauth2/getAccessToken')
      .set('Authorization', basicAuth(app.client_id, app.client_secret))
      .send({
        redirect_uri: 'http://test.com',
        scope: 'email',
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code'),
        code_verifier: verifier,
        client_id: app.client_id,
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'email' });
    // The imported PBKDF2 hash was replaced by argon2id at this sign-in; the imported settings apply.
    expect((await userByName('alice')).legacy_password_hash).toBe(false);
    expect((await api.get('/admin/settings')).body.pkce_required).toBe(true);
  });

  it('WSO2 (seed 004): password grant at /token with scope=PRODUCTION, then renewals that keep returning the same refresh token', async () => {
    const file = example('wso2');
    expect((await importFile(file)).status).toBe(200);
    const basic = basicAuth('wU62DjlyDBnq87GlBwplfqvmAbAa', 'ksdSdoefDDP7wpaElfqvmjDue');
    const token = await seedRequest('/token', basic, 'grant_type=password&username=bob&password=bob-password&scope=PRODUCTION');
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('PRODUCTION');
    for (let i = 0; i < 2; i++) {
      const renewed = await seedRequest('/token', basic, `grant_type=refresh_token&refresh_token=${token.body.refresh_token}&scope=PRODUCTION`);
      expect(renewed.status).toBe(200);
      expect(renewed.body.refresh_token).toBe(token.body.refresh_token);
      expect(renewed.body.access_token).not.toBe(token.body.access_token);
    }
    const app = (await api.get('/admin/applications/wU62DjlyDBnq87GlBwplfqvmAbAa')).body;
    expect(app).toMatchObject({ weak_secret: true, refresh_token_rotation: 'reuse' });
  });

  it('Spring (seed 003): password grant at /oauth/token with the e-mail address, GET /me, and the refresh token reused', async () => {
    expect((await importFile(example('spring'))).status).toBe(200);
    const basic = basicAuth('breakout_app', '123456789');
    const token = await seedRequest('/oauth/token', basic, 'username=admin%40break-out.org&password=password&grant_type=password&scope=read+write');
    expect(token.status).toBe(200);
    const me = await request(t.url).get('/me').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(me.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const renewed = await seedRequest('/oauth/token', basic, `refresh_token=${token.body.refresh_token}&grant_type=refresh_token`);
      expect(renewed.status).toBe(200);
      expect(renewed.body.refresh_token).toBe(token.body.refresh_token);
    }
    expect((await userByName('admin-breakout')).legacy_password_hash).toBe(false);
  });

  it('imports each file a second time without changing anything', async () => {
    for (const name of ['webmethods', 'wso2', 'spring']) {
      const again = await importFile(example(name));
      expect(again.status).toBe(200);
      expect(again.body.applications).toMatchObject({ created: [], updated: [] });
      expect(again.body.users).toMatchObject({ created: [], updated: [] });
      expect(again.body.settings).toBe('unchanged');
    }
  });
});
