import { decodeJwt } from 'jose';
import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth } from '../support/factories';
import { FormBrowser, Page } from '../support/form-browser';
import { sleep } from '../support/sleep';
import { oathtool, totpSecretOf } from '../support/totp';

jest.setTimeout(120_000);

const REDIRECT_URI = 'https://rp.example.com/callback';
const MFA_ACR = 'urn:example:acr:mfa';

describe(`sign-in factors: TOTP, recovery codes, step-up, acr and amr [${TEST_DB}]`, () => {
  let t: TestApp;
  let auth: string;
  let userId: string;
  let secret: string;
  let recoveryCodes: string[];
  const used = new Set<string>();
  const apps: Record<'required' | 'off', { client_id: string; client_secret: string }> = {} as never;

  /** A code of the current, next or previous step that no sign-in of this suite has used yet (waiting for the next step if need be). */
  async function freshCode(): Promise<string> {
    for (;;) {
      for (const offset of [0, 30, -30]) {
        const code = oathtool(secret, offset);
        if (!used.has(code)) {
          used.add(code);
          return code;
        }
      }
      await sleep(30_000 - (Date.now() % 30_000) + 200);
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD, ACR_MFA: MFA_ACR } });
    auth = `Bearer ${await adminToken(t)}`;
    const user = await request(t.url).post('/admin/users').set('Authorization', auth).send({ username: 'mia', password: 'mia-password' });
    expect(user.status).toBe(201);
    userId = user.body.id;
    for (const mfa of ['required', 'off'] as const) {
      const res = await request(t.url)
        .post('/admin/applications')
        .set('Authorization', auth)
        .send({ client_name: `App ${mfa}`, redirect_uris: [REDIRECT_URI], scope: 'openid', grant_types: ['authorization_code'], mfa });
      expect(res.status).toBe(201);
      expect(res.body.mfa).toBe(mfa);
      apps[mfa] = res.body;
    }
  });
  afterAll(() => t.close());

  const authorizePath = (app: { client_id: string }, extra: Record<string, string> = {}) =>
    `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', ...extra })}`;

  /** Approves the consent page if shown and returns the ID Token the code redeems for. */
  async function finish(browser: FormBrowser, page: Page, app: { client_id: string; client_secret: string }) {
    if (page.status === 200 && page.body.includes('value="approve"')) page = await browser.submit(page, { action: 'approve' });
    expect(page.status).toBe(302);
    const code = new URL(page.location!).searchParams.get('code');
    expect(code).toBeTruthy();
    const token = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(app.client_id, app.client_secret))
      .type('form')
      .send({ grant_type: 'authorization_code', code: code!, redirect_uri: REDIRECT_URI });
    expect(token.status).toBe(200);
    return { idToken: decodeJwt(token.body.id_token as string), accessToken: token.body.access_token as string };
  }

  const signInWithPassword = async (browser: FormBrowser, path: string) => {
    const login = await browser.get(path);
    expect(login.body).toContain('name="password"');
    return browser.submit(login, { username: 'mia', password: 'mia-password' });
  };

  it('takes a user without a factor through TOTP enrolment right after the password when the application requires one', async () => {
    const browser = new FormBrowser(t.url);
    const enrol = await signInWithPassword(browser, authorizePath(apps.required));
    expect(enrol.status).toBe(200);
    expect(enrol.body).toContain('<svg role="img" aria-label="QR code');
    secret = totpSecretOf(enrol.body);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const wrong = await browser.submit(enrol, { code: oathtool(secret, -90) });
    expect(wrong.status).toBe(401);
    const first = oathtool(secret);
    used.add(first);
    const codes = await browser.submit(wrong, { code: first });
    expect(codes.status).toBe(200);
    recoveryCodes = [...codes.body.matchAll(/<li><code>([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1]);
    expect(recoveryCodes).toHaveLength(10);

    const { idToken, accessToken } = await finish(browser, await browser.submit(codes, {}), apps.required);
    expect(idToken).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: MFA_ACR });
    const introspection = await request(t.url)
      .post('/oauth2/introspect')
      .set('Authorization', basicAuth(apps.required.client_id, apps.required.client_secret))
      .type('form')
      .send({ token: accessToken });
    expect(introspection.body).toMatchObject({ active: true, amr: ['pwd', 'otp', 'mfa'], acr: MFA_ACR });
  });

  it('signs in with a code from an independent TOTP implementation, each code once, none from two steps ago', async () => {
    const first = new FormBrowser(t.url);
    const codePage = await signInWithPassword(first, authorizePath(apps.required));
    expect(codePage.body).toContain('name="code"');
    const code = await freshCode();
    await finish(first, await first.submit(codePage, { code }), apps.required);

    const second = new FormBrowser(t.url);
    const again = await signInWithPassword(second, authorizePath(apps.required));
    const reused = await second.submit(again, { code });
    expect(reused.status).toBe(401);
    expect(reused.body).toContain('That code is not valid');
    const stale = await second.submit(reused, { code: oathtool(secret, -60) });
    expect(stale.status).toBe(401);
    const { idToken } = await finish(second, await second.submit(stale, { code: await freshCode() }), apps.required);
    expect(idToken.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('accepts a recovery code once', async () => {
    const first = new FormBrowser(t.url);
    const page = await signInWithPassword(first, authorizePath(apps.required));
    const { idToken } = await finish(first, await first.submit(page, { code: recoveryCodes[0].toUpperCase() }), apps.required);
    expect(idToken.acr).toBe(MFA_ACR);

    const second = new FormBrowser(t.url);
    const again = await signInWithPassword(second, authorizePath(apps.required));
    expect((await second.submit(again, { code: recoveryCodes[0] })).status).toBe(401);
    const factors = await request(t.url).get(`/admin/users/${userId}/factors`).set('Authorization', auth);
    expect(factors.body.recovery_codes_remaining).toBe(9);
  });

  it('steps up a password-only session in place for an application that requires a factor, with a later auth_time', async () => {
    const browser = new FormBrowser(t.url);
    const { idToken: before } = await finish(browser, await signInWithPassword(browser, authorizePath(apps.off)), apps.off);
    expect(before).toMatchObject({ amr: ['pwd'], acr: '0' });
    const cookies = new Map(browser.cookies);

    const prompt = await browser.get(authorizePath(apps.required));
    expect(prompt.body).toContain('name="code"');
    expect(prompt.body).not.toContain('name="password"');
    const { idToken: after } = await finish(browser, await browser.submit(prompt, { code: await freshCode() }), apps.required);
    expect(after).toMatchObject({ sub: before.sub, amr: ['pwd', 'otp', 'mfa'], acr: MFA_ACR });
    expect(after.auth_time).toBeGreaterThanOrEqual(before.auth_time as number);
    // The same session: no new session cookie was set.
    expect([...browser.cookies].filter(([name]) => /session/i.test(name))).toEqual([...cookies].filter(([name]) => /session/i.test(name)));
  });

  it('honours acr_values asking for the multi-factor class, and reflects it in acr', async () => {
    const browser = new FormBrowser(t.url);
    const page = await signInWithPassword(browser, authorizePath(apps.off, { acr_values: MFA_ACR }));
    expect(page.body).toContain('name="code"');
    const { idToken } = await finish(browser, await browser.submit(page, { code: await freshCode() }), apps.off);
    expect(idToken).toMatchObject({ acr: MFA_ACR, amr: ['pwd', 'otp', 'mfa'] });
  });

  it('answers prompt=none for a session lacking the factor with interaction_required (OpenID Connect Core §3.1.2.6)', async () => {
    const browser = new FormBrowser(t.url);
    await finish(browser, await signInWithPassword(browser, authorizePath(apps.off)), apps.off);
    const answer = await browser.get(authorizePath(apps.required, { prompt: 'none' }));
    expect(answer.status).toBe(302);
    expect(new URL(answer.location!).searchParams.get('error')).toBe('interaction_required');
  });

  it('lists acr_values_supported in the metadata', async () => {
    const metadata = await request(t.url).get('/.well-known/openid-configuration');
    expect(metadata.body.acr_values_supported).toEqual(['0', MFA_ACR]);
  });

  it('manages factors in the admin API without ever showing a secret, each action audited', async () => {
    const listed = await request(t.url).get(`/admin/users/${userId}/factors`).set('Authorization', auth);
    expect(listed.status).toBe(200);
    expect(listed.body.factors).toEqual([
      { id: expect.any(String), type: 'totp', name: 'Authenticator app', created_at: expect.any(Number), last_used_at: expect.any(Number) },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const removed = await request(t.url).delete(`/admin/users/${userId}/factors/${listed.body.factors[0].id}`).set('Authorization', auth);
    expect(removed.status).toBe(204);
    const imported = await request(t.url)
      .post(`/admin/users/${userId}/factors/totp`)
      .set('Authorization', auth)
      .send({ secret: secret.toLowerCase(), name: 'Old phone' });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ type: 'totp', name: 'Old phone' });
    expect(JSON.stringify(imported.body)).not.toContain(secret);
    const bad = await request(t.url).post(`/admin/users/${userId}/factors/totp`).set('Authorization', auth).send({ secret: 'not base32!' });
    expect(bad.status).toBe(400);

    // The imported secret signs the user in: the authenticator app keeps working.
    const browser = new FormBrowser(t.url);
    const page = await signInWithPassword(browser, authorizePath(apps.required));
    expect(page.body).toContain('name="code"');
    await finish(browser, await browser.submit(page, { code: await freshCode() }), apps.required);

    expect((await request(t.url).delete(`/admin/users/${userId}/factors`).set('Authorization', auth)).status).toBe(204);
    expect((await request(t.url).get(`/admin/users/${userId}/factors`).set('Authorization', auth)).body).toEqual({
      factors: [],
      recovery_codes_remaining: 0,
      enrolment_required: false,
    });
    const events = await request(t.url).get('/admin/audit-events').query({ subject: userId }).set('Authorization', auth);
    const types = (events.body.items as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['user.factor.added', 'user.factor.removed', 'user.factor.reset', 'login.second_factor']));
    expect(JSON.stringify(events.body)).not.toContain(secret);
  });

  it('takes a user an administrator requires to enrol through enrolment at the next sign-in, whatever the policy, until cleared', async () => {
    const ned = await request(t.url).post('/admin/users').set('Authorization', auth).send({ username: 'ned', password: 'ned-password' });
    const nedId = ned.body.id as string;
    const grantApp = await request(t.url)
      .post('/admin/applications')
      .set('Authorization', auth)
      .send({ client_name: 'Password app', scope: 'read', grant_types: ['password'], mfa: 'off' });
    expect(grantApp.status).toBe(201);
    const passwordGrant = () =>
      request(t.url)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(grantApp.body.client_id, grantApp.body.client_secret))
        .type('form')
        .send({ grant_type: 'password', username: 'ned', password: 'ned-password' });
    expect((await passwordGrant()).status).toBe(200);

    const required = await request(t.url).post(`/admin/users/${nedId}/factors/require-enrolment`).set('Authorization', auth);
    expect(required.status).toBe(200);
    expect(required.body).toEqual({ enrolment_required: true });
    expect((await request(t.url).post(`/admin/users/${nedId}/factors/require-enrolment`).set('Authorization', auth)).status).toBe(200);
    expect((await request(t.url).get(`/admin/users/${nedId}/factors`).set('Authorization', auth)).body).toMatchObject({ enrolment_required: true });
    const unknown = await request(t.url).post('/admin/users/0190c4f2-6d3e-7b8a-9f00-1c2d3e4f5a6b/factors/require-enrolment').set('Authorization', auth);
    expect(unknown.status).toBe(404);

    // An application whose policy is off: the user enrols all the same, right after the password.
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorizePath(apps.off));
    const enrol = await browser.submit(login, { username: 'ned', password: 'ned-password' });
    expect(enrol.status).toBe(200);
    expect(enrol.body).toContain('<svg role="img" aria-label="QR code');
    expect(enrol.body).not.toContain('value="approve"');
    expect(await passwordGrant()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const cleared = await request(t.url).delete(`/admin/users/${nedId}/factors/require-enrolment`).set('Authorization', auth);
    expect(cleared.status).toBe(204);
    expect((await request(t.url).get(`/admin/users/${nedId}/factors`).set('Authorization', auth)).body).toMatchObject({ enrolment_required: false });
    expect((await passwordGrant()).status).toBe(200);
    const events = await request(t.url).get('/admin/audit-events').query({ type: 'user.factor.enrolment_required' }).set('Authorization', auth);
    expect(events.body.items).toEqual([expect.objectContaining({ type: 'user.factor.enrolment_required', subject: nedId })]);
    const clearedEvents = await request(t.url).get('/admin/audit-events').query({ type: 'user.factor.enrolment_cleared' }).set('Authorization', auth);
    expect(clearedEvents.body.items).toEqual([expect.objectContaining({ subject: nedId })]);
  });
});
