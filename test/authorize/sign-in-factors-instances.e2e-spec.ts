import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { FormBrowser, Page } from '../support/form-browser';

const REDIRECT_URI = 'https://rp.example.com/callback';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe(`TOTP codes across instances [${TEST_DB}]`, () => {
  let pair: { a: TestApp; b: TestApp; close(): Promise<void> };
  let clientId: string;

  beforeAll(async () => {
    pair = await createTestAppPair({ env: { ADMIN_PASSWORD, LOGIN_MAX_FAILURES: '3' } });
    const auth = `Bearer ${await adminToken(pair.a)}`;
    const user = await request(pair.a.url).post('/admin/users').set('Authorization', auth).send({ username: 'ivo', password: 'ivo-password' });
    // A migrated user's existing secret, imported: their authenticator app keeps working.
    expect((await request(pair.a.url).post(`/admin/users/${user.body.id}/factors/totp`).set('Authorization', auth).send({ secret: SECRET })).status).toBe(201);
    const app = await request(pair.a.url)
      .post('/admin/applications')
      .set('Authorization', auth)
      .send({ client_name: 'App', redirect_uris: [REDIRECT_URI], scope: 'openid', grant_types: ['authorization_code'], mfa: 'required' });
    clientId = app.body.client_id;
  });
  afterAll(() => pair.close());

  async function codePage(t: TestApp): Promise<{ browser: FormBrowser; page: Page }> {
    const browser = new FormBrowser(t.url);
    const path = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'openid' })}`;
    const page = await browser.submit(await browser.get(path), { username: 'ivo', password: 'ivo-password' });
    expect(page.body).toContain('name="code"');
    return { browser, page };
  }

  it('refuses on instance B a code already used on instance A', async () => {
    const code = execFileSync('oathtool', ['--totp', '-b', SECRET], { encoding: 'utf8' }).trim();
    const onA = await codePage(pair.a);
    const accepted = await onA.browser.submit(onA.page, { code });
    expect(accepted.body).toContain('value="approve"');
    const onB = await codePage(pair.b);
    const refused = await onB.browser.submit(onB.page, { code });
    expect(refused.status).toBe(401);
  });

  it('counts wrong codes against the same per-user lockout as passwords', async () => {
    const { browser, page } = await codePage(pair.a);
    let answer = page;
    for (let i = 0; i < 3; i++) {
      answer = await browser.submit(answer, { code: '000000' });
      expect(answer.status).toBe(401);
    }
    const locked = await browser.submit(answer, {
      code: execFileSync('oathtool', ['--totp', '-b', SECRET, '--now', new Date(Date.now() + 30_000).toISOString()], { encoding: 'utf8' }).trim(),
    });
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('Too many failed attempts');
    // The password is locked too: it is one account.
    const again = new FormBrowser(pair.a.url);
    const path = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'openid' })}`;
    expect((await again.submit(await again.get(path), { username: 'ivo', password: 'ivo-password' })).status).toBe(429);
  });

  it('deletes a user’s factors with the user', async () => {
    const auth = `Bearer ${await adminToken(pair.a)}`;
    const users = await request(pair.a.url).get('/admin/users').query({ search: 'ivo' }).set('Authorization', auth);
    const id = (users.body.items as { id: string; username: string }[]).find((u) => u.username === 'ivo')!.id;
    expect((await request(pair.a.url).delete(`/admin/users/${id}`).set('Authorization', auth)).status).toBe(204);
    const [{ count }] = (await pair.a.dataSource.query('SELECT COUNT(*) AS count FROM user_factors')) as { count: number | string }[];
    expect(Number(count)).toBe(0);
  });
});
