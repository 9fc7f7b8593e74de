import * as oidc from 'openid-client';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { basicAuth, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser, parseForm } from '../support/form-browser';
import { sleep } from '../support/sleep';
import { sql } from '../support/sql';

const REDIRECT_URI = 'https://rp.example.com/callback';
const SIGNED_OUT = 'https://rp.example.com/signed-out';

describe(`OpenID Connect prompt, max_age, form_post and sign-out [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let app: { client_id: string; client_secret: string };
  const user = { username: 'lea', password: 'lea-password' };

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    await api.post('/admin/users', user);
    await api.post('/admin/users', { username: 'max', password: 'max-password' });
    app = (
      await api.post('/admin/applications', {
        client_name: 'RP',
        redirect_uris: [REDIRECT_URI],
        post_logout_redirect_uris: [SIGNED_OUT],
        scope: 'openid profile',
      })
    ).body;
  });
  afterAll(() => t.close());

  const authorize = (params: Record<string, string> = {}) =>
    `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', ...params })}`;
  const redeem = async (code: string | null) =>
    (await tokenRequest(t.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, basicAuth(app.client_id, app.client_secret))).body;
  /** A browser that has signed in and approved the client once. */
  const signedIn = async () => {
    const browser = new FormBrowser(t.url);
    const redirect = await approveAuthorization(browser, authorize(), user);
    return { browser, tokens: await redeem(redirect.searchParams.get('code')) };
  };

  describe('prompt=none', () => {
    it('answers login_required without a session, as a redirect with state', async () => {
      const res = await new FormBrowser(t.url).get(authorize({ prompt: 'none', state: 's1' }));
      expect(res.status).toBe(302);
      const location = new URL(res.location!);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'login_required', state: 's1', iss: t.url });
    });

    it('issues a code silently with a session and a consent, and answers consent_required for scopes not approved', async () => {
      const { browser } = await signedIn();
      const silent = await browser.get(authorize({ prompt: 'none' }));
      expect(new URL(silent.location!).searchParams.get('code')).toBeTruthy();
      const more = await browser.get(authorize({ prompt: 'none', scope: 'openid profile' }));
      expect(new URL(more.location!).searchParams.get('error')).toBe('consent_required');
    });

    it('refuses prompt=none combined with another value, and unknown prompt values', async () => {
      const combined = await new FormBrowser(t.url).get(authorize({ prompt: 'none login' }));
      expect(new URL(combined.location!).searchParams.get('error')).toBe('invalid_request');
      const unknown = await new FormBrowser(t.url).get(authorize({ prompt: 'dance' }));
      expect(new URL(unknown.location!).searchParams.get('error')).toBe('invalid_request');
    });
  });

  it('prompt=login shows the login page even with a session, and a sign-in there goes on to the client, not back', async () => {
    const { browser } = await signedIn();
    const page = await browser.get(authorize({ prompt: 'login' }));
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');
    const signedInAgain = await browser.submit(page, user);
    expect(signedInAgain.status).toBe(302);
    expect(new URL(signedInAgain.location!).searchParams.get('code')).toBeTruthy();
    // With consent forced too: the consent page, then the code.
    const consent = await browser.submit(await browser.get(authorize({ prompt: 'login consent', max_age: '0' })), user);
    expect(consent.body).toContain('value="approve"');
    const approved = await browser.submit(consent, { action: 'approve' });
    expect(new URL(approved.location!).searchParams.get('code')).toBeTruthy();
  });

  it('max_age asks for the password again once the sign-in is older, and auth_time says when it happened', async () => {
    const { browser, tokens } = await signedIn();
    const firstAuthTime = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString()).auth_time as number;
    expect((await browser.get(authorize({ max_age: '3600' }))).status).toBe(302);
    await sleep(2100);
    const page = await browser.get(authorize({ max_age: '1' }));
    expect(page.body).toContain('name="password"');
    const again = await browser.submit(page, user);
    const second = await redeem(new URL(again.location!).searchParams.get('code'));
    const secondAuthTime = JSON.parse(Buffer.from(second.id_token.split('.')[1], 'base64url').toString()).auth_time as number;
    expect(secondAuthTime).toBeGreaterThan(firstAuthTime);
    const silent = await browser.get(authorize({ max_age: '1', prompt: 'none' }));
    expect(silent.status).toBe(302);
    await sleep(2100);
    expect(new URL((await browser.get(authorize({ max_age: '1', prompt: 'none' }))).location!).searchParams.get('error')).toBe('login_required');
  });

  it('fills the username from login_hint', async () => {
    const page = await new FormBrowser(t.url).get(authorize({ login_hint: 'lea' }));
    expect(page.body).toMatch(/name="username"[^>]*value="lea"/);
  });

  describe('id_token_hint', () => {
    it('accepts an ID Token this server issued to the client, and asks for the password when it names another user', async () => {
      const { browser, tokens } = await signedIn();
      const silent = await browser.get(authorize({ prompt: 'none', id_token_hint: tokens.id_token }));
      expect(new URL(silent.location!).searchParams.get('code')).toBeTruthy();
      // Another user's ID Token as the hint: this browser's session is not theirs.
      const other = new FormBrowser(t.url);
      const otherCode = await approveAuthorization(other, authorize(), { username: 'max', password: 'max-password' });
      const otherTokens = await redeem(otherCode.searchParams.get('code'));
      const mismatch = await browser.get(authorize({ prompt: 'none', id_token_hint: otherTokens.id_token }));
      expect(new URL(mismatch.location!).searchParams.get('error')).toBe('login_required');
      expect((await browser.get(authorize({ id_token_hint: otherTokens.id_token }))).body).toContain('name="password"');
    });

    it('refuses a tampered id_token_hint with invalid_request, not a 500', async () => {
      const { browser, tokens } = await signedIn();
      const [header, payload, signature] = tokens.id_token.split('.');
      const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
      forged.sub = 'someone-else';
      const tampered = [header, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature].join('.');
      const res = await browser.get(authorize({ id_token_hint: tampered, state: 'x' }));
      expect(res.status).toBe(302);
      expect(Object.fromEntries(new URL(res.location!).searchParams)).toMatchObject({ error: 'invalid_request', state: 'x' });
      expect((await browser.get(authorize({ id_token_hint: 'not-a-jwt' }))).status).toBe(302);
    });
  });

  it('response_mode=form_post posts code, state and iss to the redirect URI from an auto-submitting page', async () => {
    const { browser } = await signedIn();
    const page = await browser.get(authorize({ response_mode: 'form_post', state: 'st' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const form = parseForm(page.body);
    expect(form.action).toBe(REDIRECT_URI);
    expect(form.fields).toMatchObject({ state: 'st', iss: t.url, code: expect.any(String) });
    expect((await redeem(form.fields.code)).id_token).toBeDefined();
    const bad = await browser.get(authorize({ response_mode: 'fragment' }));
    expect(new URL(bad.location!).searchParams.get('error')).toBe('invalid_request');
  });

  describe('RP-initiated logout', () => {
    it('signs out with id_token_hint, redirects to the registered post_logout_redirect_uri with state, and the session is really gone', async () => {
      const { browser, tokens } = await signedIn();
      const config = await oidc.discovery(new URL(t.url), app.client_id, app.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
      const logoutUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: SIGNED_OUT, state: 'bye' });
      const res = await browser.get(logoutUrl.pathname + logoutUrl.search);
      expect(res.status).toBe(302);
      expect(res.location).toBe(`${SIGNED_OUT}?state=bye`);
      const next = await browser.get(authorize());
      expect(next.status).toBe(200);
      expect(next.body).toContain('name="password"');
      expect(new URL((await browser.get(authorize({ prompt: 'none' }))).location!).searchParams.get('error')).toBe('login_required');
    });

    it('commits the logout audit event, naming the user and the client, with the end of the session', async () => {
      const { browser, tokens } = await signedIn();
      const logouts = async () =>
        sql<{ actor: string; client: string }>(
          t.dataSource,
          'SELECT actor_user_id AS actor, client_id AS client FROM audit_events WHERE type = ? ORDER BY id',
          ['logout'],
        );
      const before = (await logouts()).length;
      const res = await browser.get(`/oauth2/logout?id_token_hint=${tokens.id_token}`);
      expect(res.status).toBe(200);
      const after = await logouts();
      expect(after).toHaveLength(before + 1);
      const { sub } = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString()) as { sub: string };
      expect(after.at(-1)).toEqual({ actor: sub, client: app.client_id });
    });

    it('asks for confirmation without an id_token_hint, then signs out', async () => {
      const { browser } = await signedIn();
      const confirm = await browser.get(`/oauth2/logout?client_id=${app.client_id}&post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}`);
      expect(confirm.status).toBe(200);
      expect(confirm.body).toContain('Sign out?');
      expect((await browser.get(authorize({ prompt: 'none' }))).location).toContain('code=');
      const done = await browser.submit(confirm, {});
      expect(done.location).toBe(SIGNED_OUT);
      expect((await browser.get(authorize({ prompt: 'none' }))).location).toContain('error=login_required');
    });

    it('never redirects to an unregistered post_logout_redirect_uri, and refuses a tampered hint', async () => {
      const { browser, tokens } = await signedIn();
      const res = await browser.get(`/oauth2/logout?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`);
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.body).toContain('post_logout_redirect_uri is not registered for this client');
      const tampered = await browser.get(`/oauth2/logout?id_token_hint=${tokens.id_token.slice(0, -4)}AAAA`);
      expect(tampered.status).toBe(400);
      // Still signed in: nothing happened.
      expect((await browser.get(authorize({ prompt: 'none' }))).location).toContain('code=');
    });

    it('asks for confirmation when the id_token_hint names another user than the one signed in', async () => {
      const { browser: victim } = await signedIn();
      const attacker = new FormBrowser(t.url);
      const code = await approveAuthorization(attacker, authorize(), { username: 'max', password: 'max-password' });
      const attackerIdToken = (await redeem(code.searchParams.get('code'))).id_token as string;
      const res = await victim.get(`/oauth2/logout?id_token_hint=${attackerIdToken}&post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}`);
      expect(res.status).toBe(200);
      expect(res.body).toContain('Sign out?');
      expect((await victim.get(authorize({ prompt: 'none' }))).location).toContain('code=');
    });

    it('does not take a JWT access token for an ID Token hint', async () => {
      const jwtApp = (await api.post('/admin/applications', { client_name: 'JWT', grant_types: ['client_credentials'], access_token_format: 'jwt' })).body;
      const accessToken = (await tokenRequest(t.url, { grant_type: 'client_credentials' }, basicAuth(jwtApp.client_id, jwtApp.client_secret))).body
        .access_token;
      expect((await new FormBrowser(t.url).get(`/oauth2/logout?id_token_hint=${accessToken}`)).status).toBe(400);
    });

    it('signs out from the account page', async () => {
      const { browser } = await signedIn();
      const account = await browser.get('/account/consents');
      const signOut = parseForm(account.body.slice(account.body.lastIndexOf('<form')));
      expect(signOut.action).toBe('/oauth2/logout');
      const done = await browser.post('/oauth2/logout', signOut.fields);
      expect(done.status).toBe(200);
      expect(done.body).toContain('You are signed out');
      expect((await browser.get('/account/consents')).body).toContain('name="password"');
    });
  });
});
