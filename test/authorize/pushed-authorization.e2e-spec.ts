import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';
import { approveAuthorization, FormBrowser, Page, parseForm } from '../support/form-browser';
import { discover, insecure } from '../support/oauth4webapi';
import { PUSHED_REQUEST_TTL_SECONDS } from '../../src/authorize/par/pushed-authorization-requests';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { sql } from '../support/sql';
import { sha256 } from '../support/sha256';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';

const REDIRECT = 'http://localhost/cb';
const PREFIX = 'urn:ietf:params:oauth:request_uri:';

describe(`pushed authorization requests (RFC 9126) [${TEST_DB}]`, () => {
  let t: TestApp;
  let b: TestApp;
  let closeBoth: () => Promise<void>;
  let as: oauth.AuthorizationServer;
  let confidential: TestClient;
  let publicClient: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    // Two instances on one database: a request pushed to one is used at the other.
    ({ a: t, b, close: closeBoth } = await createTestAppPair({ env: { ADMIN_PASSWORD } }));
    confidential = await createClient(t, { redirectUris: [REDIRECT, 'http://localhost/other'], scope: 'openid read write' });
    publicClient = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: [REDIRECT], scope: 'read' });
    user = await createUser(t);
    as = await discover(t);
  });
  afterAll(() => closeBoth());

  const pkce = async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
  };

  /** Pushes with client_secret_basic; answers the raw response. */
  const push = (fields: Record<string, string>, client = confidential) => {
    const req = request(t.url).post('/oauth2/par');
    return (client.basic ? req.set('Authorization', client.basic) : req).type('form').send(fields);
  };

  const pushValid = async (extra: Record<string, string> = {}) => {
    const { challenge } = await pkce();
    const res = await push({
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'read',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as { request_uri: string; expires_in: number };
  };

  const authorizeWith = (clientId: string, requestUri: string, extra = '') =>
    `/oauth2/authorize?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(requestUri)}${extra}`;

  it('advertises the endpoint and whether pushing is required (RFC 9126 §5)', () => {
    expect(as.pushed_authorization_request_endpoint).toBe(`${t.url}/oauth2/par`);
    expect(as.require_pushed_authorization_requests).toBe(false);
  });

  /**
   * oauth4webapi, unmodified: pushes (RFC 9126), opens the authorization endpoint with client_id and
   * request_uri only, signs in and consents, then redeems the code with the PKCE verifier.
   */
  async function runPushedFlow(client: oauth.Client, auth: oauth.ClientAuth, scope: string, state?: string) {
    const { verifier, challenge } = await pkce();
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(
        as,
        client,
        auth,
        { response_type: 'code', redirect_uri: REDIRECT, scope, ...(state ? { state } : {}), code_challenge: challenge, code_challenge_method: 'S256' },
        insecure,
      ),
    );
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: client.client_id, request_uri: pushed.request_uri }).toString();
    const callback = await approveAuthorization(new FormBrowser(t.url), url.toString(), user);
    const params = oauth.validateAuthResponse(as, client, callback, state ?? oauth.expectNoState);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, insecure),
    );
    return { pushed, tokens };
  }

  it('runs oauth4webapi: PAR, sign-in, consent, code, tokens, for a confidential client', async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const { pushed, tokens } = await runPushedFlow(client, oauth.ClientSecretBasic(confidential.clientSecret!), 'read write', oauth.generateRandomState());
    expect(pushed.request_uri.startsWith(PREFIX)).toBe(true);
    expect(pushed.expires_in).toBeGreaterThan(0);
    expect(pushed.expires_in).toBeLessThanOrEqual(60);
    expect(tokens.scope).toBe('read write');
  });

  it('runs for a public client, which authenticates as none with its client_id (RFC 9126 §2)', async () => {
    const client: oauth.Client = { client_id: publicClient.clientId, token_endpoint_auth_method: 'none' };
    const { tokens } = await runPushedFlow(client, oauth.None(), 'read');
    expect(tokens.scope).toBe('read');
  });

  it('requires client authentication as at the token endpoint (401 invalid_client)', async () => {
    const res = await request(t.url)
      .post('/oauth2/par')
      .set('Authorization', `Basic ${Buffer.from(`${confidential.clientId}:wrong`).toString('base64')}`)
      .type('form')
      .send({ response_type: 'code', redirect_uri: REDIRECT, scope: 'read' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const none = await request(t.url).post('/oauth2/par').type('form').send({ response_type: 'code', redirect_uri: REDIRECT });
    expect(none.status).toBe(401);
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'http://localhost/elsewhere' }, 'invalid_request'],
    ['a scope the client may not have', { scope: 'admin' }, 'invalid_scope'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a request_uri (§2.1)', { request_uri: `${PREFIX}x` }, 'invalid_request'],
    ['a malformed code_challenge', { code_challenge: 'short' }, 'invalid_request'],
  ])('answers %s with JSON %s (RFC 9126 §2.3)', async (_name, override, error) => {
    const { challenge } = await pkce();
    const res = await push({
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...override,
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe(error);
  });

  it('applies the PKCE policy: a public client must send a challenge', async () => {
    const res = await push({ response_type: 'code', redirect_uri: REDIRECT, scope: 'read', client_id: publicClient.clientId }, publicClient);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('code_challenge') });
  });

  it('stores only the hash of the reference, for the pushing client', async () => {
    const { request_uri } = await pushValid();
    const rows = await sql(t.dataSource, 'SELECT client_id, parameters FROM pushed_authorization_requests WHERE id = ?', [
      sha256(request_uri.slice(PREFIX.length)),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].client_id).toBe(confidential.clientId);
    expect(JSON.parse(String(rows[0].parameters))).toMatchObject({ parameters: { redirect_uri: REDIRECT, scope: 'read', state: 's1' }, signed: false });
  });

  it('takes only the pushed parameters: others sent to the authorization endpoint are ignored (§4)', async () => {
    const { request_uri } = await pushValid();
    const res = await request(t.url).get(
      authorizeWith(confidential.clientId, request_uri, '&prompt=none&redirect_uri=http%3A%2F%2Flocalhost%2Fother&state=forged'),
    );
    expect(res.status).toBe(200); // the sign-in page: prompt=none was not pushed
    const form = parseForm(res.text);
    expect(form.fields).toMatchObject({ redirect_uri: REDIRECT, state: 's1' });
    expect(form.fields.prompt).toBeUndefined();
  });

  /** A user who has approved nothing yet, so the consent page shows. */
  const newcomerConsent = async (browser: FormBrowser, login: Page) => {
    const newcomer = await createUser(t);
    const consent = await browser.submit(login, { username: newcomer.username, password: newcomer.password });
    expect(consent.body).toContain('value="approve"');
    return { newcomer, consent };
  };

  it('accepts the same request_uri again before the authorization completes, and answers it once (RFC 9126 §4)', async () => {
    const { request_uri } = await pushValid();
    const browser = new FormBrowser(t.url);
    const first = await browser.get(authorizeWith(confidential.clientId, request_uri));
    expect(first.status).toBe(200);
    // The same browser, the user not signed in yet: a reload, or starting again (RFC 9126 §4 MAY allow it).
    const reloaded = await browser.get(authorizeWith(confidential.clientId, request_uri));
    expect(reloaded.status).toBe(200);
    expect(parseForm(reloaded.body).fields).toMatchObject({ redirect_uri: REDIRECT, state: 's1' });
    const { consent } = await newcomerConsent(browser, reloaded);
    // Signed in now, the user opens it once more in another tab: the consent page again.
    const otherTab = await browser.get(authorizeWith(confidential.clientId, request_uri));
    expect(otherTab.body).toContain('value="approve"');
    const approved = await browser.submit(consent, { action: 'approve' });
    expect(approved.status).toBe(302);
    const callback = new URL(approved.location!);
    expect(callback.searchParams.get('state')).toBe('s1');
    expect(callback.searchParams.get('code')).toBeTruthy();

    // Answered: any presentation now is invalid_request_uri on an error page, never at the redirect URI.
    const after = await browser.get(authorizeWith(confidential.clientId, request_uri));
    expect(after.status).toBe(400);
    expect(after.location).toBeNull();
    expect(after.body).toContain('invalid_request_uri');
    // The other tab's consent, approved now (its seal still valid): no second code.
    const late = await browser.submit(otherTab, { action: 'approve' });
    expect(late.status).toBe(400);
    expect(late.location).toBeNull();
    expect(late.body).toContain('invalid_request_uri');
  });

  it('spends a request_uri on a denial too: presented again after it, invalid_request_uri', async () => {
    const { request_uri } = await pushValid();
    const browser = new FormBrowser(t.url);
    const { consent } = await newcomerConsent(browser, await browser.get(authorizeWith(confidential.clientId, request_uri)));
    const denied = await browser.submit(consent, { action: 'deny' });
    expect(new URL(denied.location!).searchParams.get('error')).toBe('access_denied');
    const after = await browser.get(authorizeWith(confidential.clientId, request_uri));
    expect(after.status).toBe(400);
    expect(after.body).toContain('invalid_request_uri');
  });

  it('spends a request_uri on an error sent to the client: prompt=none without a session, then invalid_request_uri', async () => {
    const { request_uri } = await pushValid({ prompt: 'none' });
    const first = await request(t.url).get(authorizeWith(confidential.clientId, request_uri));
    expect(first.status).toBe(302);
    expect(new URL(first.headers.location).searchParams.get('error')).toBe('login_required');
    const again = await request(t.url).get(authorizeWith(confidential.clientId, request_uri));
    expect(again.status).toBe(400);
    expect(again.headers.location).toBeUndefined();
    expect(again.text).toContain('invalid_request_uri');
  });

  it('gives one code when two tabs approve the same pushed request at once, on two instances', async () => {
    const { request_uri } = await pushValid();
    const tab1 = new FormBrowser(t.url);
    const login = await tab1.get(authorizeWith(confidential.clientId, request_uri));
    const { newcomer, consent: consent1 } = await newcomerConsent(tab1, login);
    // A second tab of the same browser, signed in now, on another instance.
    const tab2 = new FormBrowser(b.url);
    for (const [name, value] of tab1.cookies) tab2.cookies.set(name, value);
    const consent2 = await tab2.get(authorizeWith(confidential.clientId, request_uri));
    expect(consent2.body).toContain('value="approve"');
    const answers = await Promise.all([tab1.submit(consent1, { action: 'approve' }), tab2.submit(consent2, { action: 'approve' })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([302, 400]);
    const winner = answers.find((answer) => answer.status === 302)!;
    expect(new URL(winner.location!).searchParams.get('code')).toBeTruthy();
    const loser = answers.find((answer) => answer.status === 400)!;
    expect(loser.location).toBeNull();
    expect(loser.body).toContain('invalid_request_uri');
    const codes = await sql(t.dataSource, 'SELECT id FROM authorization_codes WHERE user_id = ?', [newcomer.id]);
    expect(codes).toHaveLength(1);
  });

  it('lets an authorization started before the request_uri expired complete after, once', async () => {
    const { request_uri } = await pushValid();
    const browser = new FormBrowser(t.url);
    const { consent } = await newcomerConsent(browser, await browser.get(authorizeWith(confidential.clientId, request_uri)));
    // The request_uri expires (RFC 9126 §2.2) while the user reads the consent page.
    await sql(t.dataSource, 'UPDATE pushed_authorization_requests SET expires_at = expires_at - ? WHERE id = ?', [
      PUSHED_REQUEST_TTL_SECONDS + 1,
      sha256(request_uri.slice(PREFIX.length)),
    ]);
    const presented = await browser.get(authorizeWith(confidential.clientId, request_uri));
    expect(presented.status).toBe(400);
    expect(presented.body).toContain('invalid_request_uri');
    // The janitor keeps it for the authorization under way, and deletes it once that time is over too.
    await t.app.get(ExpiredDataCleanupService).runOnce();
    const approved = await browser.submit(consent, { action: 'approve' });
    expect(approved.status).toBe(302);
    expect(new URL(approved.location!).searchParams.get('code')).toBeTruthy();
    const [row] = await sql(t.dataSource, 'SELECT expires_at FROM pushed_authorization_requests WHERE id = ?', [sha256(request_uri.slice(PREFIX.length))]);
    await t.app.get(ExpiredDataCleanupService).runOnce(Number(row.expires_at) + 1);
    expect(await sql(t.dataSource, 'SELECT id FROM pushed_authorization_requests WHERE id = ?', [sha256(request_uri.slice(PREFIX.length))])).toHaveLength(0);
  });

  it('refuses an expired request_uri with invalid_request_uri', async () => {
    const { request_uri } = await pushValid();
    await sql(t.dataSource, 'UPDATE pushed_authorization_requests SET expires_at = ? WHERE id = ?', [
      Math.floor(Date.now() / 1000) - 1,
      sha256(request_uri.slice(PREFIX.length)),
    ]);
    const res = await request(t.url).get(authorizeWith(confidential.clientId, request_uri));
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_request_uri');
  });

  it("refuses another client's request_uri, and leaves it usable by its own client", async () => {
    const { request_uri } = await pushValid();
    const other = await request(t.url).get(authorizeWith(publicClient.clientId, request_uri));
    expect(other.status).toBe(400);
    expect(other.text).toContain('invalid_request_uri');
    expect((await request(t.url).get(authorizeWith(confidential.clientId, request_uri))).status).toBe(200);
  });

  it('refuses a request_uri this server did not issue with request_uri_not_supported, at the redirect URI', async () => {
    const res = await request(t.url).get(
      authorizeWith(confidential.clientId, 'https://client.example/request.jwt', `&redirect_uri=${encodeURIComponent(REDIRECT)}`),
    );
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location).searchParams.get('error')).toBe('request_uri_not_supported');
  });

  it('lets one instance read what another stored, the two presentations at once', async () => {
    const { request_uri } = await pushValid();
    const [onA, onB] = await Promise.all([
      request(t.url).get(authorizeWith(confidential.clientId, request_uri)),
      request(b.url).get(authorizeWith(confidential.clientId, request_uri)),
    ]);
    expect([onA.status, onB.status]).toEqual([200, 200]);
  });

  it('keeps the pushed request through sign-in and consent, and refuses the form once altered', async () => {
    const { request_uri } = await pushValid({ scope: 'openid read' });
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorizeWith(confidential.clientId, request_uri));
    const form = parseForm(login.body);
    const altered = await browser.post(form.action, {
      ...form.fields,
      redirect_uri: 'http://localhost/other',
      username: user.username,
      password: user.password,
    });
    expect(altered.status).toBe(400);
    expect(altered.location).toBeNull();
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    expect(consent.body).toContain('value="approve"');
    const approved = await browser.submit(consent, { action: 'approve' });
    expect(approved.status).toBe(302);
    const callback = new URL(approved.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('s1');
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  describe('when pushing is required', () => {
    afterEach(() => t.settings.update({ requirePushedAuthorizationRequests: false }));

    const plain = (clientId: string) =>
      `/oauth2/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=read&state=p`;

    it('refuses an authorization request that was not pushed, redirecting invalid_request (global setting, admin API)', async () => {
      const admin = await adminApi(t);
      const patched = await admin.patch('/admin/settings', { require_pushed_authorization_requests: true });
      expect(patched.status).toBe(200);
      expect(patched.body.require_pushed_authorization_requests).toBe(true);
      const discovery = await request(t.url).get('/.well-known/oauth-authorization-server');
      expect(discovery.body.require_pushed_authorization_requests).toBe(true);

      const res = await request(t.url).get(plain(confidential.clientId));
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('p');

      const { request_uri } = await pushValid();
      expect((await request(t.url).get(authorizeWith(confidential.clientId, request_uri))).status).toBe(200);
    });

    it('refuses it for an application that requires it (admin API), and lets the pushed one through sign-in and consent', async () => {
      const admin = await adminApi(t);
      const created = await admin.post('/admin/applications', {
        client_name: 'PAR only',
        redirect_uris: [REDIRECT],
        scope: 'read',
        require_pushed_authorization_requests: true,
      });
      expect(created.status).toBe(201);
      expect(created.body.require_pushed_authorization_requests).toBe(true);
      const parOnly: TestClient = {
        clientId: created.body.client_id,
        clientSecret: created.body.client_secret,
        basic: `Basic ${Buffer.from(`${created.body.client_id}:${created.body.client_secret}`).toString('base64')}`,
        redirectUri: REDIRECT,
      };

      const res = await request(t.url).get(plain(parOnly.clientId));
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');

      // A hand-made form post (with a valid CSRF token of this browser) is not a pushed request either.
      const browser = new FormBrowser(t.url);
      const login = await browser.get(plain(confidential.clientId));
      const forged = await browser.post('/oauth2/authorize', {
        ...parseForm(login.body).fields,
        client_id: parOnly.clientId,
        username: user.username,
        password: user.password,
      });
      expect(forged.status).toBe(302);
      expect(new URL(forged.location!).searchParams.get('error')).toBe('invalid_request');

      const { challenge } = await pkce();
      const pushed = await push(
        { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' },
        parOnly,
      );
      expect(pushed.status).toBe(201);
      const callback = await approveAuthorization(new FormBrowser(t.url), authorizeWith(parOnly.clientId, pushed.body.request_uri), user);
      expect(callback.searchParams.get('code')).toBeTruthy();

      const updated = await admin.patch(`/admin/applications/${parOnly.clientId}`, { require_pushed_authorization_requests: false });
      expect(updated.body.require_pushed_authorization_requests).toBe(false);
      expect((await request(t.url).get(plain(parOnly.clientId))).status).toBe(200);
    });
  });
});
