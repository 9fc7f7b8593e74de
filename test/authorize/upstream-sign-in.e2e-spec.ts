import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { ADMIN_PASSWORD, AdminApi, adminApi } from '../support/admin';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient } from '../support/factories';
import { FormBrowser, Page, parseForm } from '../support/form-browser';
import { AppRequest, authorizationRequest, redeemAtRedirectUri } from '../support/relying-app';
import { sha256 } from '../support/sha256';
import { sql } from '../support/sql';
import { flipSignatureCharacter, startUpstreamIdp, UpstreamIdp } from '../support/upstream-idp';

const CALLBACK = '/oauth2/upstream/callback';
const SIGNED_OUT = '/oauth2/upstream/signed-out';
const APP_SIGNED_OUT = 'https://app.example/signed-out';
const APP_REDIRECT = 'https://app.example/cb';
const VERIFIER = 'upstream-test-verifier-upstream-test-verifier-0123456789';
const APP: AppRequest = { redirectUri: APP_REDIRECT, scope: 'openid profile', state: 'app-state', nonce: 'app-nonce', verifier: VERIFIER };

describe(`sign-in through an upstream OpenID Connect provider [${TEST_DB}]`, () => {
  let a: TestApp;
  let b: TestApp;
  let closePair: () => Promise<void>;
  let idp: UpstreamIdp;
  let client: TestClient;
  /** A confidential client with RFC 9068 JWT access tokens. */
  let jwtClient: TestClient;
  let admin: AdminApi;
  let providerId: string;

  beforeAll(async () => {
    // Every test signs in several times from one IP: the per-IP sign-in limit is not under test here.
    const pair = await createTestAppPair({ env: { ADMIN_PASSWORD, RATE_LIMIT_LOGIN_PER_MINUTE: '1000' } });
    ({ a, b } = pair);
    closePair = () => pair.close();
    idp = await startUpstreamIdp([`${a.url}${CALLBACK}`, `${b.url}${CALLBACK}`], [`${a.url}${SIGNED_OUT}`, `${b.url}${SIGNED_OUT}`]);
    admin = await adminApi(a);
    client = await createClient(a, {
      tokenEndpointAuthMethod: 'none',
      redirectUris: [APP_REDIRECT],
      postLogoutRedirectUris: [APP_SIGNED_OUT],
      clientName: 'Expense App',
      scope: 'openid profile',
    });
    jwtClient = await createClient(a, { redirectUris: [APP_REDIRECT], clientName: 'JWT App', scope: 'openid profile', accessTokenFormat: 'jwt' });
    const res = await admin
      .post('/admin/identity-providers')
      .send({ alias: 'corp', display_name: 'Corp SSO', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret });
    expect(res.status).toBe(201);
    providerId = res.body.id;
  });
  afterAll(async () => {
    await idp?.close();
    await closePair?.();
  });

  const authorizeUrl = (app = client, extra: Record<string, string> = {}) => authorizationRequest(app, APP, extra);

  /** Follows redirects (ours and the upstream's) until a page answers or the app's redirect URI is reached. */
  async function follow(browser: FormBrowser, page: Page, from = a.url): Promise<{ page: Page; url: string }> {
    let url = from;
    while ((page.status === 302 || page.status === 303) && page.location && !page.location.startsWith(APP_REDIRECT)) {
      url = new URL(page.location, url).href;
      page = await browser.get(url);
    }
    return { page, url };
  }

  /** Our login page → "Sign in with Corp SSO" → the upstream's sign-in page → back to our callback (not followed). */
  async function signInUpstream(account: string, start = authorizeUrl()): Promise<{ browser: FormBrowser; callback: string }> {
    const password = 'upstream-password';
    const browser = new FormBrowser(a.url);
    const login = await browser.get(start);
    expect(login.body).toContain('Sign in with Corp SSO');
    const button = parseForm(login.body.slice(login.body.indexOf('class="actions upstream"')));
    expect(button.fields).toMatchObject({ action: 'upstream', provider: providerId });
    const upstreamLogin = await follow(browser, await browser.post(button.action, button.fields));
    expect(upstreamLogin.page.body).toContain('Upstream IdP');
    const form = /action="([^"]+)"/.exec(upstreamLogin.page.body)!;
    let url = new URL(form[1], upstreamLogin.url).href;
    let page = await browser.post(url, { login: account, password });
    while (page.location && !page.location.startsWith(`${a.url}${CALLBACK}`)) {
      url = new URL(page.location, url).href;
      page = await browser.get(url);
    }
    expect(page.location).toContain(`${a.url}${CALLBACK}?`);
    return { browser, callback: page.location! };
  }

  /** The callback, then on to consent and the app's redirect URI; the code exchanged for our tokens. */
  async function completeAtOurServer(browser: FormBrowser, callback: string, app = client): Promise<{ access_token: string; id_token: string }> {
    let { page } = await follow(browser, await browser.get(callback));
    if (page.status === 200 && page.body.includes('value="approve"')) page = await browser.submit(page, { action: 'approve' });
    expect(page.status).toBe(302);
    return redeemAtRedirectUri(a.url, app, APP, page.location!);
  }

  const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  let accounts = 0;
  const upstreamAccount = (claims: { email?: string; email_verified?: boolean; name?: string }) => {
    const login = `upstream-user-${++accounts}`;
    idp.accounts.set(login, { password: 'upstream-password', ...claims });
    return login;
  };

  it('provisions a new user at the first sign-in and ends with our tokens for them', async () => {
    const login = upstreamAccount({ email: 'newcomer@corp.example', email_verified: true, name: 'New Comer' });
    const { browser, callback } = await signInUpstream(login);
    const tokens = await completeAtOurServer(browser, callback);
    const idToken = claimsOf(tokens.id_token);
    expect(idToken).toMatchObject({ iss: a.url, aud: client.clientId, nonce: 'app-nonce', name: 'New Comer' });
    // Not trusted for them: no method named (RFC 8176 has none for "elsewhere"), never "pwd".
    expect(idToken.amr).toBeUndefined();
    expect(idToken.acr).toBe('0');
    const links = await admin.get(`/admin/identity-providers/${providerId}/links`);
    expect(links.body).toEqual([expect.objectContaining({ subject: login, user_id: idToken.sub, linked_by: 'provisioned' })]);

    // A second sign-in finds the link: the same local user.
    const again = await signInUpstream(login);
    expect(claimsOf((await completeAtOurServer(again.browser, again.callback)).id_token).sub).toBe(idToken.sub);
  });

  it('records a second factor after an upstream sign-in as that, never as one after a password', async () => {
    const { browser, callback } = await signInUpstream(upstreamAccount({ email: 'stepper@corp.example', email_verified: true }));
    const userId = claimsOf((await completeAtOurServer(browser, callback)).id_token).sub as string;
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP';
    expect((await admin.post(`/admin/users/${userId}/factors/totp`).send({ secret })).status).toBe(201);
    const code = execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
    expect((await browser.submit(await browser.get('/account/security'), { code })).body).toContain('Sign-in security');
    const page = await browser.get('/account/consents');
    const methods = [...page.body.matchAll(/<tr><td>[0-9: -]{16}<\/td><td><code>([^<]*)<\/code>/g)].map((m) => m[1]);
    // Untrusted for its methods, the upstream sign-in names none: the code alone, and mfa.
    expect(methods.slice(0, 2)).toEqual(['otp mfa', 'upstream (corp)']);
  });

  it('links to the local user with the same e-mail address when the upstream verified it', async () => {
    const local = await createUser(a, { username: 'verified@corp.example' });
    const login = upstreamAccount({ email: 'Verified@corp.example', email_verified: true });
    const { browser, callback } = await signInUpstream(login);
    expect(claimsOf((await completeAtOurServer(browser, callback)).id_token).sub).toBe(local.id);
  });

  it('refuses to link by an e-mail address the upstream did not verify: an error page, no session', async () => {
    await createUser(a, { username: 'victim@corp.example' });
    const login = upstreamAccount({ email: 'victim@corp.example', email_verified: false });
    const { browser, callback } = await signInUpstream(login);
    const page = await browser.get(callback);
    expect(page.status).toBe(400);
    expect(page.body).toContain('did not verify it');
    expect(browser.cookies.get('oauth_session') ?? '').toBe('');
  });

  it('signs in the local user an administrator linked, whatever the e-mail says', async () => {
    const local = await createUser(a, { username: 'linked-by-admin' });
    const login = upstreamAccount({ email: 'someone-else@corp.example', email_verified: false });
    const link = await admin.post(`/admin/identity-providers/${providerId}/links`).send({ user_id: local.id, subject: login });
    expect(link.status).toBe(201);
    const { browser, callback } = await signInUpstream(login);
    expect(claimsOf((await completeAtOurServer(browser, callback)).id_token).sub).toBe(local.id);
  });

  it('refuses a tampered ID Token with a clear error page', async () => {
    const login = upstreamAccount({ email: 'tamper@corp.example', email_verified: true });
    const { browser, callback } = await signInUpstream(login);
    idp.tamperIdToken = flipSignatureCharacter;
    try {
      const page = await browser.get(callback);
      expect(page.status).toBe(400);
      expect(page.body).toContain('could not be verified');
    } finally {
      idp.tamperIdToken = null;
    }
  });

  it('refuses an ID Token whose nonce is not the one this sign-in sent', async () => {
    const login = upstreamAccount({ email: 'nonce@corp.example', email_verified: true });
    const { browser, callback } = await signInUpstream(login);
    await sql(a.dataSource, 'UPDATE upstream_login_states SET nonce = ? WHERE spent_at IS NULL', ['another-sign-ins-nonce']);
    const page = await browser.get(callback);
    expect(page.status).toBe(400);
    expect(page.body).toContain('could not be verified');
    expect(page.body).toMatch(/nonce/i);
  });

  it('refuses a callback whose state is unknown, missing, or from another browser', async () => {
    const login = upstreamAccount({ email: 'state@corp.example', email_verified: true });
    const { browser, callback } = await signInUpstream(login);
    const url = new URL(callback);
    const otherState = new URL(callback);
    otherState.searchParams.set('state', 'not-the-state-we-sent');
    const unknown = await browser.get(otherState.href);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('unknown, expired or already used');
    url.searchParams.delete('state');
    expect((await browser.get(url.href)).status).toBe(400);
    // The right state in a browser that did not start the sign-in (login CSRF).
    const stranger = await new FormBrowser(a.url).get(callback);
    expect(stranger.status).toBe(400);
    expect(stranger.body).toContain('another browser');
  });

  it('honours a callback once: a replay, on this instance or another, is an error page', async () => {
    const login = upstreamAccount({ email: 'replay@corp.example', email_verified: true });
    const { browser, callback } = await signInUpstream(login);
    const cookies = new Map(browser.cookies);
    await completeAtOurServer(browser, callback);
    for (const instance of [a, b]) {
      const replayer = new FormBrowser(instance.url);
      for (const [name, value] of cookies) replayer.cookies.set(name, value);
      const page = await replayer.get(callback.replace(a.url, instance.url));
      expect(page.status).toBe(400);
      expect(page.body).toContain('already used');
    }
  });

  it('refuses e-mail domains outside the allow-list', async () => {
    await admin
      .patch(`/admin/identity-providers/${providerId}`)
      .send({ allowed_email_domains: ['corp.example'] })
      .expect(200);
    try {
      const login = upstreamAccount({ email: 'outsider@elsewhere.example', email_verified: true });
      const { browser, callback } = await signInUpstream(login);
      const page = await browser.get(callback);
      expect(page.status).toBe(400);
      expect(page.body).toContain('domain is not allowed');
    } finally {
      await admin.patch(`/admin/identity-providers/${providerId}`).send({ allowed_email_domains: [] }).expect(200);
    }
  });

  it("signs out here and then, when configured, at the upstream's end session, which comes back to us and on to the app", async () => {
    await admin.patch(`/admin/identity-providers/${providerId}`).send({ upstream_end_session: true }).expect(200);
    try {
      const login = upstreamAccount({ email: 'leaver@corp.example', email_verified: true });
      const { browser, callback } = await signInUpstream(login);
      const tokens = await completeAtOurServer(browser, callback);
      const logout = await browser.get(
        `/oauth2/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: APP_SIGNED_OUT, state: 'logout-state' })}`,
      );
      expect(logout.status).toBe(302);
      const upstreamEnd = new URL(logout.location!);
      expect(`${upstreamEnd.origin}${upstreamEnd.pathname}`).toBe(`${idp.issuer}/session/end`);
      expect(upstreamEnd.searchParams.get('client_id')).toBe(idp.clientId);
      // RP-Initiated Logout §2/§3: the provider returns to a URI registered for our client there, ours, never the app's.
      expect(upstreamEnd.searchParams.get('post_logout_redirect_uri')).toBe(`${a.url}${SIGNED_OUT}`);
      expect(upstreamEnd.searchParams.get('state')).not.toContain('logout-state');
      // Our session is over: the authorization endpoint shows the sign-in page again.
      expect((await browser.get(authorizeUrl())).body).toContain('Sign in with Corp SSO');

      // The provider's confirmation page, then back to us, then on to the app with its state.
      const confirm = await browser.get(upstreamEnd.href);
      const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(confirm.body)![1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1];
      let page = await browser.post(new URL(action, upstreamEnd).href, { xsrf, logout: 'yes' });
      const back = page.location!;
      expect(back.startsWith(`${a.url}${SIGNED_OUT}?`)).toBe(true);
      page = await browser.get(back);
      expect(page.status).toBe(302);
      const landed = new URL(page.location!);
      expect(`${landed.origin}${landed.pathname}`).toBe(APP_SIGNED_OUT);
      expect(landed.searchParams.get('state')).toBe('logout-state');
      // Any other instance goes on the same way; a forged or missing state is our signed-out page, never a redirect.
      const returned = new URL(back).searchParams.get('state')!;
      expect((await request(b.url).get(`${SIGNED_OUT}?${new URLSearchParams({ state: returned })}`)).headers.location).toContain(APP_SIGNED_OUT);
      for (const forged of [`${SIGNED_OUT}?state=${returned.slice(0, -2)}xx`, SIGNED_OUT]) {
        const res = await request(a.url).get(forged);
        expect(res.status).toBe(200);
        expect(res.text).toContain('You are signed out');
      }
    } finally {
      await admin.patch(`/admin/identity-providers/${providerId}`).send({ upstream_end_session: false }).expect(200);
    }
  });

  it('signs out only here when the upstream end session is not configured', async () => {
    const login = upstreamAccount({ email: 'stayer@corp.example', email_verified: true });
    const { browser, callback } = await signInUpstream(login);
    const tokens = await completeAtOurServer(browser, callback);
    const logout = await browser.get(`/oauth2/logout?${new URLSearchParams({ id_token_hint: tokens.id_token })}`);
    expect(logout.status).toBe(200);
    expect(logout.body).toContain('You are signed out');
  });

  /** What the code, the JWT access token and its introspection say of the sign-in; the ID Token's claims. */
  async function signInRecord(login: string, beforeExchange: () => Promise<unknown> = async () => undefined) {
    const { browser, callback } = await signInUpstream(login, authorizeUrl(jwtClient));
    let { page } = await follow(browser, await browser.get(callback));
    if (page.status === 200 && page.body.includes('value="approve"')) page = await browser.submit(page, { action: 'approve' });
    const code = new URL(page.location!).searchParams.get('code')!;
    const [row] = await sql(a.dataSource, 'SELECT authentication FROM authorization_codes WHERE code_hash = ?', [sha256(code)]);
    await beforeExchange();
    const tokens = await request(a.url)
      .post('/oauth2/token')
      .set('Authorization', jwtClient.basic)
      .type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: APP_REDIRECT, code_verifier: VERIFIER });
    expect(tokens.status).toBe(200);
    const introspection = await request(a.url)
      .post('/oauth2/introspect')
      .set('Authorization', jwtClient.basic)
      .type('form')
      .send({ token: tokens.body.access_token });
    expect(introspection.body.active).toBe(true);
    return {
      code: JSON.parse(String(row.authentication)) as unknown,
      accessToken: claimsOf(tokens.body.access_token),
      introspection: introspection.body as Record<string, unknown>,
      idToken: claimsOf(tokens.body.id_token),
    };
  }

  it('records an untrusted upstream sign-in without any method, never pwd, in codes, tokens and introspection', async () => {
    const record = await signInRecord(upstreamAccount({ email: 'plain@corp.example', email_verified: true }));
    expect(record.code).toEqual({ amr: [], acr: '0' });
    for (const claims of [record.accessToken, record.introspection, record.idToken]) {
      expect(claims.amr).toBeUndefined();
      expect(claims.acr).toBe('0');
    }
  });

  it("passes the upstream's amr and acr on when the provider is trusted for them", async () => {
    await admin.patch(`/admin/identity-providers/${providerId}`).send({ trust_upstream_amr: true }).expect(200);
    try {
      const login = upstreamAccount({ email: 'strong@corp.example', email_verified: true });
      const { browser, callback } = await signInUpstream(login);
      const idToken = claimsOf((await completeAtOurServer(browser, callback)).id_token);
      expect(idToken).toMatchObject({ amr: ['pwd', 'otp'], acr: 'urn:example:loa:2' });
      // Carried by the session into the code and tokens, not looked up afterwards: the record of
      // the upstream sign-in may be gone by the time the code is exchanged.
      const record = await signInRecord(upstreamAccount({ email: 'strong2@corp.example', email_verified: true }), () =>
        sql(a.dataSource, 'DELETE FROM upstream_login_states WHERE spent_at IS NOT NULL'),
      );
      expect(record.code).toEqual({ amr: ['pwd', 'otp'], acr: 'urn:example:loa:2' });
      for (const claims of [record.accessToken, record.introspection, record.idToken]) {
        expect(claims).toMatchObject({ amr: ['pwd', 'otp'], acr: 'urn:example:loa:2' });
      }
    } finally {
      await admin.patch(`/admin/identity-providers/${providerId}`).send({ trust_upstream_amr: false }).expect(200);
    }
  });

  it('goes on to the application after an upstream sign-in asked for by prompt=login or max_age=0, not back to the login page', async () => {
    const login = upstreamAccount({ email: 'again@corp.example', email_verified: true });
    for (const extra of [{ prompt: 'login' }, { prompt: 'login consent' }, { max_age: '0' }] as Record<string, string>[]) {
      const { browser, callback } = await signInUpstream(login, authorizeUrl(client, extra));
      const resumed = await browser.get(callback);
      expect(resumed.status).toBe(303);
      const resumedUrl = new URL(resumed.location!, a.url);
      expect(resumedUrl.searchParams.get('prompt') ?? '').not.toContain('login');
      expect(resumedUrl.searchParams.get('state')).toBe('app-state');
      const tokens = await completeAtOurServer(browser, resumedUrl.href);
      expect(claimsOf(tokens.id_token).nonce).toBe('app-nonce');
      // A new request with prompt=login asks again, session or not.
      expect((await browser.get(authorizeUrl(client, { prompt: 'login' }))).body).toContain('Sign in with Corp SSO');
    }
  });

  it('asks the upstream to authenticate again (prompt=login) when our client asked for it, and not otherwise', async () => {
    const upstreamUrl = async (extra: Record<string, string>) => {
      const browser = new FormBrowser(a.url);
      const login = await browser.get(authorizeUrl(client, extra));
      const button = parseForm(login.body.slice(login.body.indexOf('class="actions upstream"')));
      const started = await browser.post(button.action, button.fields);
      expect(started.status).toBe(303);
      return new URL(started.location!);
    };
    // OpenID Connect Core §3.1.2.1: the upstream's own session must not stand in for the new authentication.
    expect((await upstreamUrl({ prompt: 'login' })).searchParams.get('prompt')).toBe('login');
    expect((await upstreamUrl({ max_age: '0' })).searchParams.get('prompt')).toBe('login');
    // max_age=0 makes the upstream send auth_time (Core §3.1.2.1), which the callback checks.
    expect((await upstreamUrl({ prompt: 'login' })).searchParams.get('max_age')).toBe('0');
    const plain = await upstreamUrl({});
    expect(plain.searchParams.has('prompt')).toBe(false);
    expect(plain.searchParams.has('max_age')).toBe(false);
    // A max_age above 0 goes on as it is: the upstream authenticates again only if its session is older.
    const aged = await upstreamUrl({ max_age: '300' });
    expect(aged.searchParams.get('max_age')).toBe('300');
    expect(aged.searchParams.has('prompt')).toBe(false);
  });

  it('takes a max_age sign-in whose upstream authentication is recent enough, and refuses one that is older (auth_time)', async () => {
    const login = upstreamAccount({ email: 'max-age@corp.example', email_verified: true });
    const aged = authorizeUrl(client, { max_age: '300' });
    // The upstream ignores max_age and answers with an authentication of an hour ago: refused.
    idp.ignoreReauthentication = true;
    idp.authenticatedSecondsAgo = 3600;
    try {
      const { browser, callback } = await signInUpstream(login, aged);
      const page = await browser.get(callback);
      expect(page.status).toBe(400);
      expect(page.body).toMatch(/did not sign you in again as the application asked \((no auth_time|auth_time older than the max_age it asked for)\)/);
      expect(browser.cookies.get('oauth_session') ?? '').toBe('');
    } finally {
      idp.ignoreReauthentication = false;
      idp.authenticatedSecondsAgo = 0;
    }
    // One a minute old is within max_age=300: our tokens, with the request's nonce.
    idp.authenticatedSecondsAgo = 60;
    try {
      const { browser, callback } = await signInUpstream(login, aged);
      const tokens = await completeAtOurServer(browser, callback);
      const claims = claimsOf(tokens.id_token);
      expect(claims.nonce).toBe('app-nonce');
      // Our auth_time is the upstream's (Core §2: when the authentication happened), not the callback's.
      expect(claims.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 55);
    } finally {
      idp.authenticatedSecondsAgo = 0;
    }
  });

  it('refuses a prompt=login sign-in the upstream answered from its session, without a new authentication: an error page, no session', async () => {
    const login = upstreamAccount({ email: 'session-answer@corp.example', email_verified: true });
    // A first sign-in leaves a session at the upstream (its callback never taken here).
    const { browser } = await signInUpstream(login);
    idp.ignoreReauthentication = true;
    try {
      const page = await browser.get(authorizeUrl(client, { prompt: 'login' }));
      const button = parseForm(page.body.slice(page.body.indexOf('class="actions upstream"')));
      const answered = await follow(browser, await browser.post(button.action, button.fields));
      expect(answered.url).toContain(`${a.url}${CALLBACK}?`);
      expect(answered.page.status).toBe(400);
      expect(answered.page.body).toContain('did not sign you in again as the application asked (no auth_time)');
      expect(browser.cookies.get('oauth_session') ?? '').toBe('');
    } finally {
      idp.ignoreReauthentication = false;
    }
  });

  it('refuses a prompt=login sign-in whose ID Token says the user authenticated before the request (auth_time)', async () => {
    const login = upstreamAccount({ email: 'old-auth-time@corp.example', email_verified: true });
    idp.authenticatedSecondsAgo = 3600;
    try {
      const { browser, callback } = await signInUpstream(login, authorizeUrl(client, { prompt: 'login' }));
      const page = await browser.get(callback);
      expect(page.status).toBe(400);
      expect(page.body).toContain('did not sign you in again as the application asked (auth_time before the request)');
      expect(browser.cookies.get('oauth_session') ?? '').toBe('');
      // Without prompt=login the same upstream answer is taken: only a requested reauthentication is checked.
      const plain = await signInUpstream(login);
      expect(claimsOf((await completeAtOurServer(plain.browser, plain.callback)).id_token).nonce).toBe('app-nonce');
    } finally {
      idp.authenticatedSecondsAgo = 0;
    }
  });

  it('resumes a pushed authorization request (its parameters sealed) through a Continue form after the upstream sign-in', async () => {
    const confidential = await createClient(a, { redirectUris: [APP_REDIRECT], clientName: 'Pushed App', scope: 'openid profile' });
    const pushed = await request(a.url)
      .post('/oauth2/par')
      .set('Authorization', confidential.basic)
      .type('form')
      .send({
        response_type: 'code',
        redirect_uri: APP_REDIRECT,
        scope: 'openid profile',
        state: 'pushed-state',
        code_challenge: s256(VERIFIER),
        code_challenge_method: 'S256',
      });
    expect(pushed.status).toBe(201);
    const login = upstreamAccount({ email: 'pushed@corp.example', email_verified: true });
    const start = `/oauth2/authorize?${new URLSearchParams({ client_id: confidential.clientId, request_uri: pushed.body.request_uri })}`;
    const { browser, callback } = await signInUpstream(login, start);
    const resumed = await browser.get(callback);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toContain('Continue');
    let page = await browser.submit(resumed, {});
    if (page.status === 200 && page.body.includes('value="approve"')) page = await browser.submit(page, { action: 'approve' });
    expect(page.status).toBe(302);
    const landed = new URL(page.location!);
    expect(landed.searchParams.get('state')).toBe('pushed-state');
    expect(landed.searchParams.get('code')).toBeTruthy();
  });
});
