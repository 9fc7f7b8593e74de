import { decodeJwt, UnsecuredJWT } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import * as time from '../../src/common/time';
import { ADMIN_PASSWORD, adminApi, AdminApi } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, tokenRequest } from '../support/factories';
import { FormBrowser, Page, parseForm } from '../support/form-browser';

/**
 * The modules of the OpenID Foundation's Basic and Config OP certification plans
 * (oidcc-basic-certification-test-plan, oidcc-config-certification-test-plan), one describe per
 * module named as the plan names it, driven by openid-client as the relying party.
 * docs/openid-connect.md maps each module to its test here or elsewhere.
 */
const REDIRECT_URI = 'https://rp.example.com/callback';
const ALL_SCOPES = 'openid profile email address phone';
const GRACE = {
  username: 'grace',
  password: 'grace-password',
  email: 'grace@example.com',
  email_verified: true,
  name: 'Grace Brewster Hopper',
  given_name: 'Grace',
  middle_name: 'Brewster',
  family_name: 'Hopper',
  nickname: 'Amazing Grace',
  profile: 'https://example.com/grace',
  picture: 'https://example.com/grace.png',
  website: 'https://grace.example.org',
  gender: 'female',
  birthdate: '1906-12-09',
  zoneinfo: 'America/New_York',
  locale: 'en-US',
  phone_number: '+1 202 555 0100',
  phone_number_verified: true,
  address: { street_address: '1 Navy Yard', locality: 'Washington', region: 'DC', postal_code: '20374', country: 'US' },
};
const PROFILE_CLAIMS = {
  name: GRACE.name,
  given_name: GRACE.given_name,
  middle_name: GRACE.middle_name,
  family_name: GRACE.family_name,
  nickname: GRACE.nickname,
  preferred_username: GRACE.username,
  profile: GRACE.profile,
  picture: GRACE.picture,
  website: GRACE.website,
  gender: GRACE.gender,
  birthdate: GRACE.birthdate,
  zoneinfo: GRACE.zoneinfo,
  locale: GRACE.locale,
  updated_at: expect.any(Number),
};

interface App {
  readonly client_id: string;
  readonly client_secret: string;
}

describe(`OpenID Connect Basic and Config OP conformance [${TEST_DB}]`, () => {
  let t: TestApp;
  let admin: AdminApi;
  let app: App;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    admin = await adminApi(t);
    const user = await admin.post('/admin/users', GRACE);
    expect(user.status).toBe(201);
    app = await createApp();
  });
  afterAll(() => t.close());

  async function createApp(fields: object = {}): Promise<App> {
    const res = await admin.post('/admin/applications', {
      client_name: 'Certification RP',
      redirect_uris: [REDIRECT_URI],
      scope: `${ALL_SCOPES} offline_access`,
      grant_types: ['authorization_code', 'refresh_token'],
      ...fields,
    });
    expect(res.status).toBe(201);
    return res.body as App;
  }

  const discover = (client: App) =>
    oidc.discovery(new URL(t.url), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });

  /** Signs in on the login page when it shows, approves on the consent page when it shows. */
  async function approve(browser: FormBrowser, first: Page): Promise<{ redirect: URL; consentPage?: Page }> {
    let page = first;
    let consentPage: Page | undefined;
    if (page.status === 200 && page.body.includes('name="password"')) page = await browser.submit(page, { username: GRACE.username, password: GRACE.password });
    if (page.status === 200 && page.body.includes('value="approve"')) {
      consentPage = page;
      page = await browser.submit(page, { action: 'approve' });
    }
    if (page.status !== 302 || !page.location) throw new Error(`expected a redirect, got ${page.status}:\n${page.body.slice(0, 400)}`);
    return { redirect: new URL(page.location), consentPage };
  }

  /** The code flow with PKCE and nonce: openid-client builds the request and validates the answer. */
  async function signIn(params: Record<string, string> = {}, options: { client?: App; browser?: FormBrowser; method?: 'GET' | 'POST' } = {}) {
    const client = options.client ?? app;
    const browser = options.browser ?? new FormBrowser(t.url);
    const config = await discover(client);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      ...params,
    });
    const first =
      options.method === 'POST' ? await browser.post(url.pathname, Object.fromEntries(url.searchParams)) : await browser.get(url.pathname + url.search);
    const { redirect, consentPage } = await approve(browser, first);
    const tokens = await oidc.authorizationCodeGrant(config, redirect, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: params.state,
      idTokenExpected: true,
    });
    return { config, tokens, claims: tokens.claims()!, browser, consentPage };
  }

  /** Signs in with scope `openid email`, then reads userinfo by GET: the subject, the e-mail address and its verification. */
  async function expectEmailAtUserinfo(): Promise<void> {
    const { config, tokens, claims } = await signIn({ scope: 'openid email' });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({ sub: claims.sub, email: GRACE.email, email_verified: true });
  }

  describe('oidcc-server / oidcc-discovery-endpoint-verification (Config OP)', () => {
    it('publishes the scopes, claims and parameters it supports, and none it does not', async () => {
      const metadata = (await request(t.url).get('/.well-known/openid-configuration')).body;
      expect(metadata).toMatchObject({
        scopes_supported: ['openid', 'profile', 'email', 'address', 'phone'],
        claims_parameter_supported: true,
        request_parameter_supported: true,
        request_object_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA', 'RS256'],
        request_uri_parameter_supported: false,
        acr_values_supported: ['0', 'urn:oauth-server:acr:mfa'],
        code_challenge_methods_supported: ['S256'],
      });
      expect(metadata.claims_supported).toEqual(
        expect.arrayContaining([
          'sub',
          'acr',
          'auth_time',
          ...Object.keys(PROFILE_CLAIMS),
          'email',
          'email_verified',
          'address',
          'phone_number',
          'phone_number_verified',
        ]),
      );
    });

    it('advertises PKCE plain only while the global policy accepts it', async () => {
      expect((await admin.patch('/admin/settings', { pkce_plain_allowed: true })).status).toBe(200);
      try {
        const metadata = (await request(t.url).get('/.well-known/oauth-authorization-server')).body;
        expect(metadata.code_challenge_methods_supported).toEqual(['S256', 'plain']);
      } finally {
        await admin.patch('/admin/settings', { pkce_plain_allowed: false });
      }
    });
  });

  describe('oidcc-response-type-missing', () => {
    it('answers an authorization request without response_type with invalid_request at the redirect URI', async () => {
      const res = await request(t.url).get('/oauth2/authorize').query({ client_id: app.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', state: 'rt' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
    });
  });

  // Modules whose parameters the server may ignore (Core §3.1.2.1, §5.2): the flow must just succeed.
  describe.each([
    ['oidcc-ensure-request-without-nonce-succeeds-for-code-flow', { scope: 'openid', nonce: undefined }],
    ['oidcc-ensure-other-scope-order-succeeds', { scope: 'email openid' }],
    ['oidcc-display-page', { scope: 'openid', display: 'page' }],
    ['oidcc-display-popup', { scope: 'openid', display: 'popup' }],
    ['oidcc-ui-locales', { scope: 'openid', ui_locales: 'se' }],
    ['oidcc-claims-locales', { scope: 'openid profile', claims_locales: 'se' }],
    ['oidcc-ensure-request-with-unknown-parameter-succeeds', { scope: 'openid', extra: 'foobar' }],
  ] as [string, Record<string, string | undefined>][])('%s', (_module, params) => {
    it('completes the code flow and issues a valid ID Token', async () => {
      const config = await discover(app);
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, ...params } as Record<string, string>);
      if (params.nonce === undefined) url.searchParams.delete('nonce');
      const browser = new FormBrowser(t.url);
      const { redirect } = await approve(browser, await browser.get(url.pathname + url.search));
      const tokens = await oidc.authorizationCodeGrant(config, redirect, { idTokenExpected: true });
      expect(tokens.claims()).toMatchObject({ aud: app.client_id });
    });
  });

  describe('oidcc-server-client-secret-post', () => {
    it('authenticates the client with client_secret_post at the token endpoint', async () => {
      const posting = await createApp({ token_endpoint_auth_method: 'client_secret_post' });
      const config = await oidc.discovery(new URL(t.url), posting.client_id, undefined, oidc.ClientSecretPost(posting.client_secret), {
        execute: [oidc.allowInsecureRequests],
      });
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid' });
      const browser = new FormBrowser(t.url);
      const { redirect } = await approve(browser, await browser.get(url.pathname + url.search));
      const tokens = await oidc.authorizationCodeGrant(config, redirect, { idTokenExpected: true });
      expect(tokens.claims()).toMatchObject({ aud: posting.client_id });
    });
  });

  describe('oidcc-userinfo-get', () => {
    it('answers GET with the bearer token in the header', () => expectEmailAtUserinfo());
  });

  describe('oidcc-userinfo-post-header', () => {
    it('answers POST with the bearer token in the Authorization header, at /oauth2/userinfo and /me', async () => {
      const { config, tokens, claims } = await signIn({ scope: 'openid email' });
      const res = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(`${t.url}/oauth2/userinfo`), 'POST');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ sub: claims.sub, email: GRACE.email, email_verified: true });
      const me = await request(t.url).post('/me').set('Authorization', `Bearer ${tokens.access_token}`);
      expect(me.status).toBe(200);
      expect(me.body.sub).toBe(claims.sub);
    });
  });

  describe('oidcc-userinfo-post-body', () => {
    it('answers POST with the token as the form field access_token (RFC 6750 §2.2)', async () => {
      const { tokens, claims } = await signIn({ scope: 'openid email' });
      const res = await request(t.url).post('/oauth2/userinfo').type('form').send({ access_token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: claims.sub, email: GRACE.email, email_verified: true });
    });

    it('refuses a token sent both in the header and in the body, and a body token that is not form-encoded', async () => {
      const { tokens } = await signIn({ scope: 'openid email' });
      const both = await request(t.url)
        .post('/oauth2/userinfo')
        .set('Authorization', `Bearer ${tokens.access_token}`)
        .type('form')
        .send({ access_token: tokens.access_token });
      expect(both.status).toBe(400);
      expect(both.body.error).toBe('invalid_request');
      const json = await request(t.url).post('/oauth2/userinfo').send({ access_token: tokens.access_token });
      expect(json.status).toBe(400);
      expect(json.body.error).toBe('invalid_request');
      const revoked = await request(t.url).post('/oauth2/userinfo').type('form').send({ access_token: 'not-a-token' });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error).toBe('invalid_token');
    });

    it('does not take a body token at the management API', async () => {
      const res = await request(t.url)
        .post('/admin/scopes')
        .type('form')
        .send({ access_token: admin.auth.slice('Bearer '.length), name: 'x', description: 'y' });
      expect(res.status).toBe(401);
    });
  });

  describe('oidcc-ensure-post-request-succeeds', () => {
    it('takes a form-encoded POST authorization request through sign-in and consent to a code and a valid ID Token', async () => {
      const { claims } = await signIn({ scope: 'openid email', state: 'posted' }, { method: 'POST' });
      expect(claims).toMatchObject({ aud: app.client_id, email: GRACE.email });
    });

    it('answers a POSTed request with prompt=none from a signed-in browser with a code, without any page', async () => {
      const { browser } = await signIn({ scope: 'openid email' });
      const res = await browser.post('/oauth2/authorize', {
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: REDIRECT_URI,
        scope: 'openid email',
        prompt: 'none',
        state: 's1',
      });
      expect(res.status).toBe(302);
      const location = new URL(res.location!);
      expect(location.searchParams.get('code')).toBeTruthy();
      expect(location.searchParams.get('state')).toBe('s1');
    });

    it('keeps the CSRF check of its forms: a POST with action=approve or a password but no valid token is refused', async () => {
      const { browser } = await signIn({ scope: 'openid email', prompt: 'consent' });
      const base = { response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT_URI, scope: 'openid email' };
      const approveWithoutToken = await browser.post('/oauth2/authorize', { ...base, action: 'approve' });
      expect(approveWithoutToken.status).toBe(403);
      const loginWithoutToken = await new FormBrowser(t.url).post('/oauth2/authorize', { ...base, username: GRACE.username, password: GRACE.password });
      expect(loginWithoutToken.status).toBe(403);
      expect(loginWithoutToken.headers.get('set-cookie') ?? '').not.toContain('oauth_session');
    });
  });

  describe('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported', () => {
    it('rejects an unsigned request object with request_not_supported at the redirect URI, with state', async () => {
      const requestObject = new UnsecuredJWT({
        client_id: app.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid email',
        state: 'inside',
      })
        .setIssuer(app.client_id)
        .setAudience(t.url)
        .encode();
      const res = await request(t.url).get('/oauth2/authorize').query({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'outside',
        request: requestObject,
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location);
      expect(location.origin + location.pathname).toBe(REDIRECT_URI);
      expect(location.searchParams.get('error')).toBe('request_not_supported');
      expect(location.searchParams.get('state')).toBe('outside');
    });

    it('shows an error page, never a redirect, when the redirect URI is not registered', async () => {
      const res = await request(t.url)
        .get('/oauth2/authorize')
        .query({ response_type: 'code', client_id: app.client_id, redirect_uri: 'https://evil.example/cb', scope: 'openid', request: 'e30.e30.' });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });

  describe('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported', () => {
    it('rejects request_uri with request_uri_not_supported at the redirect URI', async () => {
      const res = await request(t.url).get('/oauth2/authorize').query({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'st',
        request_uri: 'https://rp.example.com/requests/1.jwt',
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('error')).toBe('request_uri_not_supported');
      expect(location.searchParams.get('state')).toBe('st');
    });
  });

  describe('oidcc-scope-profile', () => {
    it('returns every profile claim the user has, at userinfo and in the ID Token', async () => {
      const { config, tokens, claims } = await signIn({ scope: 'openid profile' });
      expect(claims).toMatchObject({ ...PROFILE_CLAIMS });
      expect(claims.email).toBeUndefined();
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({ sub: claims.sub, ...PROFILE_CLAIMS });
    });
  });

  describe('oidcc-scope-email', () => {
    it('returns email and email_verified', () => expectEmailAtUserinfo());
  });

  describe('oidcc-scope-address', () => {
    it('returns the address claim, and nothing of the other scopes', async () => {
      const { config, tokens, claims } = await signIn({ scope: 'openid address' });
      expect(claims.address).toEqual(GRACE.address);
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({ sub: claims.sub, address: GRACE.address });
    });
  });

  describe('oidcc-scope-phone', () => {
    it('returns phone_number and phone_number_verified', async () => {
      const { config, tokens, claims } = await signIn({ scope: 'openid phone' });
      expect(claims).toMatchObject({ phone_number: GRACE.phone_number, phone_number_verified: true });
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({
        sub: claims.sub,
        phone_number: GRACE.phone_number,
        phone_number_verified: true,
      });
    });
  });

  describe('oidcc-scope-all', () => {
    it('returns the claims of the four standard scopes together', async () => {
      const { config, tokens, claims } = await signIn({ scope: ALL_SCOPES });
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({
        sub: claims.sub,
        ...PROFILE_CLAIMS,
        email: GRACE.email,
        email_verified: true,
        address: GRACE.address,
        phone_number: GRACE.phone_number,
        phone_number_verified: true,
      });
    });

    it('omits the claims a user has no value for instead of sending null (Core §5.3.2)', async () => {
      const sparse = await admin.post('/admin/users', { username: 'sparse', password: 'sparse-password' });
      expect(sparse.status).toBe(201);
      const config = await discover(app);
      const browser = new FormBrowser(t.url);
      const first = await browser.get(
        `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=${encodeURIComponent(ALL_SCOPES)}`,
      );
      let page = await browser.submit(first, { username: 'sparse', password: 'sparse-password' });
      page = await browser.submit(page, { action: 'approve' });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.location!), { idTokenExpected: true });
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo).toEqual({ sub: sparse.body.id, preferred_username: 'sparse', updated_at: expect.any(Number) });
    });
  });

  describe('oidcc-claims-essential', () => {
    it('returns a claim asked for essential in claims.userinfo although its scope was not requested, after the user approved it', async () => {
      const claimsParameter = JSON.stringify({ userinfo: { name: { essential: true } } });
      const { config, tokens, claims, consentPage } = await signIn({ scope: 'openid', claims: claimsParameter, prompt: 'consent' });
      // The consent page asks for the scope whose claim is requested.
      expect(consentPage?.body).toContain('profile');
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({ sub: claims.sub, name: GRACE.name });
      // Asked for at userinfo only: the ID Token carries the claims of its scope (openid: none).
      expect(claims.name).toBeUndefined();
    });

    it('puts claims asked for in claims.id_token into the ID Token, and keeps them in refreshed ID Tokens', async () => {
      const claimsParameter = JSON.stringify({ id_token: { email: { essential: true }, phone_number: null } });
      const { config, tokens, claims } = await signIn({ scope: 'openid offline_access', claims: claimsParameter });
      expect(claims).toMatchObject({ email: GRACE.email, phone_number: GRACE.phone_number });
      expect(claims.email_verified).toBeUndefined();
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()).toMatchObject({ email: GRACE.email, phone_number: GRACE.phone_number });
    });

    it('refuses a claims parameter that is not the JSON object of Core §5.5, at the redirect URI', async () => {
      const res = await request(t.url)
        .get('/oauth2/authorize')
        .query({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', claims: '{"userinfo":', state: 'x' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
    });

    it('does not release a claim of a scope the application may not request', async () => {
      const narrow = await createApp({ scope: 'openid email' });
      const { config, tokens, claims } = await signIn(
        { scope: 'openid', claims: JSON.stringify({ userinfo: { name: null }, id_token: { name: null } }) },
        { client: narrow },
      );
      expect(claims.name).toBeUndefined();
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toEqual({ sub: claims.sub });
    });
  });

  describe('oidcc-ensure-request-with-acr-values-succeeds', () => {
    it('answers acr_values with the acr of a password sign-in, "0"', async () => {
      const { claims } = await signIn({ scope: 'openid', acr_values: '1 2' });
      expect(claims.acr).toBe('0');
    });

    it('sends the acr of the sign-in, "0" for a password, whether or not claims.id_token.acr asks', async () => {
      expect((await signIn({ scope: 'openid' })).claims.acr).toBe('0');
      expect((await signIn({ scope: 'openid', claims: JSON.stringify({ id_token: { acr: null } }) })).claims.acr).toBe('0');
    });

    it('refuses an essential acr it cannot meet with access_denied (Core §5.5.1.1)', async () => {
      const res = await request(t.url)
        .get('/oauth2/authorize')
        .query({
          response_type: 'code',
          client_id: app.client_id,
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:mace:incommon:iap:silver'] } } }),
        });
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('access_denied');
    });
  });

  describe('id_token_claims per application', () => {
    it('keeps the ID Token minimal for an application that asks so, except for what the claims parameter requests; userinfo unchanged', async () => {
      const minimal = await createApp({ id_token_claims: 'minimal' });
      const { config, tokens, claims } = await signIn({ scope: 'openid profile email' }, { client: minimal });
      expect(claims.email).toBeUndefined();
      expect(claims.name).toBeUndefined();
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toMatchObject({ email: GRACE.email, name: GRACE.name });
      const asked = await signIn({ scope: 'openid profile email', claims: JSON.stringify({ id_token: { email: null } }) }, { client: minimal });
      expect(asked.claims.email).toBe(GRACE.email);
      expect(asked.claims.name).toBeUndefined();
    });

    it('is set, read back and exported through the admin API', async () => {
      const created = await createApp({ id_token_claims: 'minimal' });
      expect((await admin.get(`/admin/applications/${created.client_id}`)).body.id_token_claims).toBe('minimal');
      expect((await admin.patch(`/admin/applications/${created.client_id}`, { id_token_claims: 'scope' })).body.id_token_claims).toBe('scope');
      expect((await admin.post('/admin/applications', { client_name: 'x', id_token_claims: 'all' })).status).toBe(400);
      const exported = (await admin.get('/admin/export')).body.applications.find((a: { client_id: string }) => a.client_id === created.client_id);
      expect(exported.id_token_claims).toBe('scope');
    });
  });

  describe('oidcc-id-token-hint', () => {
    it('answers prompt=none with an id_token_hint of the signed-in user with a code whose ID Token has the same sub and auth_time', async () => {
      const first = await signIn({ scope: 'openid' });
      const again = await signIn({ scope: 'openid', prompt: 'none', id_token_hint: first.tokens.id_token! }, { browser: first.browser });
      expect(again.claims.sub).toBe(first.claims.sub);
      expect(again.claims.auth_time).toBe(first.claims.auth_time);
    });
  });

  describe('auth_time', () => {
    afterEach(() => jest.restoreAllMocks());

    it('is the one stored value of the sign-in, in the first ID Token as in later ones, even across a second boundary', async () => {
      // Every reading of the clock is one second later than the one before: a value read again
      // after the session was stored differs from the stored one.
      let tick = time.nowSeconds();
      jest.spyOn(time, 'nowSeconds').mockImplementation(() => ++tick);
      const browser = new FormBrowser(t.url);
      const authorize = (prompt?: string) =>
        `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=openid${prompt ? `&prompt=${prompt}` : ''}`;
      const exchange = async (location: string) => {
        const res = await tokenRequest(
          t.url,
          { grant_type: 'authorization_code', code: new URL(location).searchParams.get('code'), redirect_uri: REDIRECT_URI },
          basicAuth(app.client_id, app.client_secret),
        );
        expect(res.status).toBe(200);
        return decodeJwt(res.body.id_token as string);
      };
      const { redirect } = await approve(browser, await browser.get(authorize()));
      const first = await exchange(redirect.toString());
      const second = await browser.get(authorize('none'));
      expect(second.status).toBe(302);
      const later = await exchange(second.location!);
      expect(later.auth_time).toBe(first.auth_time);
      const [session] = (await t.dataSource.query('SELECT created_at FROM login_sessions ORDER BY created_at DESC')) as { created_at: number | string }[];
      expect(first.auth_time).toBe(Number(session.created_at));
    });
  });

  describe('claims of the standard scopes in the admin API and the import', () => {
    it.each<[string, unknown, string]>([
      ['birthdate', '9 December 1906', 'birthdate'],
      ['phone_number', 'call me', 'phone_number'],
      ['picture', 'javascript:alert(1)', 'picture'],
      ['locale', 'en US', 'locale'],
      ['address', { city: 'Washington' }, 'city'],
    ])('refuses a user whose %s is %j, naming %s', async (field, value, named) => {
      const res = await admin.post('/admin/users', { username: `bad-${field}`, password: 'long-enough-pw', [field]: value });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.details)).toContain(named);
    });

    it('imports and exports them, idempotently', async () => {
      const user = { ...GRACE, username: 'imported-grace', email: 'imported-grace@example.com' };
      const first = await admin.post('/admin/import', { users: [user] });
      expect(first.status).toBe(200);
      expect(first.body.users.created).toEqual(['imported-grace']);
      const again = await admin.post('/admin/import', { users: [user] });
      expect(again.body.users.unchanged).toEqual(['imported-grace']);
      const moved = await admin.post('/admin/import', { users: [{ ...user, address: { ...GRACE.address, locality: 'Arlington' } }] });
      expect(moved.body.users.updated).toEqual(['imported-grace']);
      const exported = (await admin.get('/admin/export')).body.users.find((u: { username: string }) => u.username === 'imported-grace');
      expect(exported).toMatchObject({ phone_number: GRACE.phone_number, birthdate: GRACE.birthdate, address: { ...GRACE.address, locality: 'Arlington' } });
    });
  });

  it('shows the user their standard claims on the account page', async () => {
    const browser = new FormBrowser(t.url);
    const page = await browser.submit(await browser.get('/account/consents'), { action: 'login', username: GRACE.username, password: GRACE.password });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Your profile');
    expect(page.body).toContain(GRACE.phone_number);
    expect(page.body).toContain('1 Navy Yard, Washington, DC, 20374, US');
    expect(page.body).toContain(GRACE.birthdate);
  });

  it('parses the consent form of a claims request like any other (hidden claims field round-trips)', async () => {
    const browser = new FormBrowser(t.url);
    const claimsParameter = JSON.stringify({ userinfo: { phone_number: { essential: true } } });
    const page = await browser.get(
      `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=openid&claims=${encodeURIComponent(claimsParameter)}`,
    );
    expect(parseForm(page.body).fields.claims).toBe(claimsParameter);
  });
});

describe(`rate limits of POSTs to the authorization endpoint [${TEST_DB}]`, () => {
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD, RATE_LIMIT_LOGIN_PER_MINUTE: '2' } });
    const admin = await adminApi(t);
    clientId = (await admin.post('/admin/applications', { client_name: 'RP', redirect_uris: [REDIRECT_URI], scope: 'openid' })).body.client_id;
  });
  afterAll(() => t.close());

  it('counts POSTed authorization requests against the authorize limit and password forms against the login limit', async () => {
    const browser = new FormBrowser(t.url);
    const authorization = { response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'openid' };
    let login: Page | undefined;
    for (let i = 0; i < 3; i++) {
      login = await browser.post('/oauth2/authorize', authorization);
      expect(login.status).toBe(200);
    }
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await browser.submit(login!, { username: 'nobody', password: 'wrong-password' })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
