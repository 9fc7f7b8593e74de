import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestUser } from '../support/factories';
import { FormBrowser, Page, parseForm } from '../support/form-browser';
import { authorizeDevice, decideOnPage, DEVICE_CODE_GRANT, deviceClient, enterUserCode, poll, waitInterval } from '../support/device-flow';
import { discover, insecure } from '../support/oauth4webapi';
import { SoftPasskey } from '../support/soft-passkey';
import { sql } from '../support/sql';
import { oathtool, totpSecretOf } from '../support/totp';

/** The app, the server's metadata as oauth4webapi reads it, and a user. */
async function startApp(): Promise<{ t: TestApp; as: oauth.AuthorizationServer; user: TestUser }> {
  const t = await createTestApp();
  return { t, as: await discover(t), user: await createUser(t) };
}

describe(`device authorization grant (RFC 8628) [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let user: TestUser;

  beforeAll(async () => ({ t, as, user } = await startApp()));
  afterAll(() => t.close());

  it('publishes device_authorization_endpoint and the grant type in the metadata (RFC 8628 §4)', async () => {
    expect(as.device_authorization_endpoint).toBe(`${t.url}/device_authorization`);
    expect(as.grant_types_supported).toContain(DEVICE_CODE_GRANT);
  });

  it('runs the whole flow: pending, slow_down, the user approves, tokens and an ID Token once, then invalid_grant', async () => {
    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'openid read');
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device).toMatchObject({
      verification_uri: `${t.url}/device`,
      verification_uri_complete: `${t.url}/device?user_code=${device.user_code}`,
      expires_in: 600,
      interval: 5,
    });
    const [stored] = await sql(t.dataSource, 'SELECT device_code_hash, status FROM device_codes WHERE client_id = ?', [setup.client.client_id]);
    expect(stored.device_code_hash).not.toBe(device.device_code);
    expect(stored.device_code_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await poll(as, setup.client, setup.auth, device.device_code)).toEqual({ error: 'authorization_pending', status: 400 });
    // Polled again at once: slow_down, and the interval of this device code grows by 5 seconds.
    expect(await poll(as, setup.client, setup.auth, device.device_code)).toEqual({ error: 'slow_down', status: 400 });
    const [slowed] = await sql(t.dataSource, 'SELECT poll_interval FROM device_codes WHERE client_id = ?', [setup.client.client_id]);
    expect(Number(slowed.poll_interval)).toBe(10);
    await waitInterval(t, setup.client.client_id);
    expect(await poll(as, setup.client, setup.auth, device.device_code)).toMatchObject({ error: 'authorization_pending' });

    // The user types the code in lower case without its dash.
    const done = await decideOnPage(new FormBrowser(t.url), user, device.user_code.replace('-', '').toLowerCase(), 'approve');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Device connected');

    await waitInterval(t, setup.client.client_id);
    const tokens = await poll(as, setup.client, setup.auth, device.device_code);
    if ('error' in tokens) throw new Error(`expected tokens, got ${tokens.error}`);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid read' });
    expect(tokens.refresh_token).toBeDefined();
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({ iss: t.url, sub: user.id, aud: setup.client.client_id });
    expect(typeof claims.auth_time).toBe('number');
    const userinfo = await oauth.userInfoRequest(as, setup.client, tokens.access_token, insecure);
    expect((await oauth.processUserInfoResponse(as, setup.client, user.id, userinfo)).sub).toBe(user.id);

    // Issued once: the next poll, however late, is invalid_grant.
    await waitInterval(t, setup.client.client_id);
    expect(await poll(as, setup.client, setup.auth, device.device_code)).toEqual({ error: 'invalid_grant', status: 400 });
  });

  it('serves a public client, and the user arriving by verification_uri_complete confirms the code shown', async () => {
    const setup = await deviceClient(t, { public: true, scope: 'read' });
    const device = await authorizeDevice(as, setup, 'read');
    const browser = new FormBrowser(t.url);
    const login = await browser.get(device.verification_uri_complete!);
    expect(login.body).toContain('<h1>Sign in</h1>');
    // The sign-in carries the code through: the consent page follows, without typing it again.
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    expect(consent.body).toContain('<h1>Authorize Test Application</h1>');
    expect(consent.body).toContain('<code>read</code>');
    expect((await browser.submit(consent, { action: 'approve' })).body).toContain('Device connected');
    const tokens = await poll(as, setup.client, setup.auth, device.device_code);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' });
  });

  it('shows the user code being approved on the consent page, as text the user compares with the device (RFC 8628 §5.4)', async () => {
    const setup = await deviceClient(t, { scope: 'read' });
    const device = await authorizeDevice(as, setup, 'read');
    const browser = new FormBrowser(t.url);
    // Typed in lower case without the dash: the page shows it as the device does.
    const page = await enterUserCode(browser, user, device.user_code.replace('-', '').toLowerCase());
    expect(page.body).toContain('value="approve"');
    // Visible text, not only the hidden field that posts it back.
    const visible = page.body.replace(/<input[^>]*>/g, '');
    expect(visible).toContain(`<code>${device.user_code}</code>`);
    expect(visible).toMatch(new RegExp(`device shows this code: <strong><code>${device.user_code}</code>`));
  });

  it('steps up on the page for an application that requires a second factor: enrolment, then a code, the device pending meanwhile', async () => {
    const setup = await deviceClient(t, { mfa: 'required' });
    const mia = await createUser(t);
    // A user without a factor enrols an authenticator app on the device page, after the password.
    const first = await authorizeDevice(as, setup, 'openid read');
    const browser = new FormBrowser(t.url);
    let page = await enterUserCode(browser, mia, first.user_code);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<svg role="img" aria-label="QR code');
    expect(page.body).not.toContain('value="approve"');
    expect(await poll(as, setup.client, setup.auth, first.device_code)).toMatchObject({ error: 'authorization_pending' });
    const secret = totpSecretOf(page.body);
    expect((await browser.submit(page, { code: oathtool(secret, -90) })).status).toBe(401);
    page = await browser.submit(page, { code: oathtool(secret) });
    expect(page.body).toContain('Your recovery codes');
    page = await browser.submit(page, {});
    expect(page.body).toContain('value="approve"');
    await waitInterval(t, setup.client.client_id);
    expect(await poll(as, setup.client, setup.auth, first.device_code)).toMatchObject({ error: 'authorization_pending' });
    expect((await browser.submit(page, { action: 'approve' })).body).toContain('Device connected');
    await waitInterval(t, setup.client.client_id);
    expect(await poll(as, setup.client, setup.auth, first.device_code)).toMatchObject({ token_type: 'bearer' });

    // Enrolled, the user gives a code on the page (a wrong one is refused), then approves.
    const second = await authorizeDevice(as, setup, 'openid read');
    const other = new FormBrowser(t.url);
    page = await enterUserCode(other, mia, second.user_code);
    expect(page.body).toContain('name="code"');
    expect(page.body).not.toContain('value="approve"');
    const wrong = await other.submit(page, { code: '000000' === oathtool(secret, 30) ? '111111' : '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('That code is not valid.');
    expect(await poll(as, setup.client, setup.auth, second.device_code)).toMatchObject({ error: 'authorization_pending' });
    page = await other.submit(wrong, { code: oathtool(secret, 30) });
    expect(page.body).toContain('value="approve"');
    expect((await other.submit(page, { action: 'approve' })).body).toContain('Device connected');
    await waitInterval(t, setup.client.client_id);
    const tokens = await poll(as, setup.client, setup.auth, second.device_code);
    expect(tokens).toMatchObject({ token_type: 'bearer' });
    // The tokens say how the user signed in: with the second factor (RFC 8176).
    expect(decodeJwt((tokens as { id_token: string }).id_token)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
    const introspected = await request(t.url)
      .post('/oauth2/introspect')
      .set('Authorization', `Basic ${Buffer.from(`${setup.test.clientId}:${setup.test.clientSecret}`).toString('base64')}`)
      .type('form')
      .send({ token: (tokens as { access_token: string }).access_token });
    expect(introspected.body).toMatchObject({ active: true, amr: ['pwd', 'otp', 'mfa'] });
  });

  it('steps up on the page with a passkey for a user whose only factor it is', async () => {
    const setup = await deviceClient(t, { mfa: 'required' });
    const noa = await createUser(t);
    const passkey = new SoftPasskey('localhost');
    /** What the page's script does: a ceremony's options, with the CSRF token of the page's `form`. */
    const optionsFor = async (browser: FormBrowser, form: string, ceremony: string) => {
      const answer = await browser.post('/passkeys/options', { csrf_token: parseForm(form).fields.csrf_token, ceremony });
      expect(answer.status).toBe(200);
      return JSON.parse(answer.body) as { challenge: string; user: { id: string } };
    };
    const formWith = (page: Page, marker: string) => [...page.body.matchAll(/<form[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(marker))!;
    // The passkey is added on the account page, after the password.
    const account = new FormBrowser(t.url);
    const security = await account.submit(await account.get('/account/security'), { username: noa.username, password: noa.password });
    const addForm = formWith(security, 'value="add_passkey"');
    const created = passkey.create(await optionsFor(account, addForm, 'register'), t.url);
    expect((await account.submit({ ...security, body: addForm }, { name: 'Key', credential: created })).body).toContain('Passkey “Key” added.');

    const device = await authorizeDevice(as, setup, 'openid read');
    const browser = new FormBrowser(t.url);
    let page = await enterUserCode(browser, noa, device.user_code);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Use a passkey');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const passkeyForm = formWith(page, 'data-passkey="second_factor"');
    const assertion = passkey.get(await optionsFor(browser, passkeyForm, 'second_factor'), t.url);
    page = await browser.submit({ ...page, body: passkeyForm }, { code: assertion });
    expect(page.body).toContain('value="approve"');
    expect((await browser.submit(page, { action: 'approve' })).body).toContain('Device connected');
    await waitInterval(t, setup.client.client_id);
    const tokens = await poll(as, setup.client, setup.auth, device.device_code);
    expect(decodeJwt((tokens as { id_token: string }).id_token)).toMatchObject({ amr: ['pwd', 'hwk', 'user', 'mfa'] });
  });

  it('answers access_denied once the user denies', async () => {
    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'openid read');
    const denied = await decideOnPage(new FormBrowser(t.url), user, device.user_code, 'deny');
    expect(denied.body).toContain('Access denied');
    const answer = await poll(as, setup.client, setup.auth, device.device_code);
    // RFC 6749 §5.2: a token error is 400, access_denied too (RFC 8628 §3.5).
    expect(answer).toMatchObject({ error: 'access_denied', status: 400 });
  });

  it('answers expired_token after expiry; the janitor keeps the row a day to say so, then deletes it', async () => {
    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'openid read');
    await sql(t.dataSource, 'UPDATE device_codes SET expires_at = ? WHERE client_id = ?', [Math.floor(Date.now() / 1000) - 1, setup.client.client_id]);
    const janitor = t.app.get(ExpiredDataCleanupService);
    await janitor.runOnce();
    expect(await poll(as, setup.client, setup.auth, device.device_code)).toEqual({ error: 'expired_token', status: 400 });
    // Nor can the user still approve it: the page says only that the code is not valid.
    const browser = new FormBrowser(t.url);
    const signIn = await browser.get('/device');
    const entry = await browser.submit(signIn, { username: user.username, password: user.password });
    const refused = await browser.submit(entry, { user_code: device.user_code });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('That code is not valid.');

    await sql(t.dataSource, 'UPDATE device_codes SET purge_at = 1 WHERE client_id = ?', [setup.client.client_id]);
    expect((await janitor.runOnce()).device_codes).toBeGreaterThanOrEqual(1);
    expect(await sql(t.dataSource, 'SELECT id FROM device_codes WHERE client_id = ?', [setup.client.client_id])).toEqual([]);
  });

  it('reveals nothing about a wrong code: unknown, mistyped, used and another form all read the same', async () => {
    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'openid read');
    await decideOnPage(new FormBrowser(t.url), user, device.user_code, 'approve');
    const browser = new FormBrowser(t.url);
    const entry = await browser.submit(await browser.get('/device'), { username: user.username, password: user.password });
    const bodies: string[] = [];
    for (const typed of [device.user_code, 'BCDF-GHJK', 'not a code']) {
      const page = await browser.submit(entry, { user_code: typed });
      expect(page.status).toBe(400);
      bodies.push(page.body.replace(/name="csrf_token" value="[^"]*"/, ''));
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('That code is not valid.');
  });

  it('refuses a client without the grant type at both endpoints, and another client’s device code', async () => {
    const other = await createClient(t, { grantTypes: ['client_credentials'] });
    const refused = await request(t.url).post('/device_authorization').set('Authorization', other.basic).type('form').send({ scope: 'read' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unauthorized_client');
    const polled = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', other.basic)
      .type('form')
      .send({ grant_type: DEVICE_CODE_GRANT, device_code: 'x' });
    expect(polled.body.error).toBe('unauthorized_client');

    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'openid read');
    const thief = await deviceClient(t);
    expect(await poll(as, thief.client, thief.auth, device.device_code)).toMatchObject({ error: 'invalid_grant' });
    expect((await request(t.url).post('/device_authorization').set('Authorization', 'Basic eDp5').type('form').send({})).status).toBe(401);
  });
});

describe(`device verification page: user code brute force [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let user: TestUser;

  beforeAll(async () => ({ t, as, user } = await startApp()));
  afterAll(() => t.close());

  const signedIn = async () => {
    const browser = new FormBrowser(t.url);
    return { browser, entry: await browser.submit(await browser.get('/device'), { username: user.username, password: user.password }) };
  };

  it('limits one code: the sixth attempt at it within the lockout window is 429, even a right one', async () => {
    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'read');
    const { browser } = await signedIn();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await browser.get(device.verification_uri_complete!)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('limits guessing per IP: after five wrong codes every code is 429 with Retry-After', async () => {
    const { browser, entry } = await signedIn();
    const statuses: number[] = [];
    let last = entry;
    for (let i = 0; i < 7; i++) {
      last = await browser.submit(entry, { user_code: `BCDF-GH${'JKLMNPQR'[i]}${'STVWXZBC'[i]}` });
      statuses.push(last.status);
    }
    // LOGIN_MAX_FAILURES (5) wrong codes, then this IP is locked, even for a right code.
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.body).toContain('too_many_requests');
    const setup = await deviceClient(t);
    const device = await authorizeDevice(as, setup, 'read');
    expect((await browser.submit(entry, { user_code: device.user_code })).status).toBe(429);
  });
});
