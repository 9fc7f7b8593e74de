import { randomUUID } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { chromiumAndLoopbackApp, describeBrowser } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { withNonce } from '../support/dpop-nonce';
import { createClient, createUser, TestUser } from '../support/factories';

const insecure = { [oauth.allowInsecureRequests]: true };

async function keyPair(alg: 'ES256' | 'PS256') {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JWK };
}

/** One request a client library sent to the server and the error it got back, if any. */
interface Exchange {
  readonly path: string;
  readonly jti: string | undefined;
  readonly error: string | undefined;
}

/**
 * fetch() that records each call's client assertion `jti` and error: shows the libraries answer
 * use_dpop_nonce with a fresh assertion (RFC 7523 §3: a jti is single use), and that it then works.
 */
function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const body = init?.body instanceof URLSearchParams ? init.body : new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    const assertion = body.get('client_assertion');
    const response = await fetch(input, init);
    const challenge = /error="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
    const error = response.status < 400 ? undefined : (challenge ?? ((await response.clone().json()) as { error?: string }).error);
    log.push({
      path: new URL(input instanceof Request ? input.url : input.toString()).pathname,
      jti: assertion ? (decodeJwt(assertion).jti as string) : undefined,
      error,
    });
    return response;
  };
}

/**
 * The FAPI 2.0 Security Profile with the strict clients that implement it, the user signing in and
 * consenting in headless Chromium: private_key_jwt (ES256, PS256), PAR, PKCE S256, DPoP with the
 * server's nonce, DPoP-bound tokens, userinfo with a proof and a refresh bound to the key.
 */
describeBrowser(`FAPI 2.0 in headless Chromium with oauth4webapi and openid-client [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let redirectUri: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    user = await createUser(t);
    ({ browser, redirectUri, close: closeBrowser } = await chromiumAndLoopbackApp('<p>Back at the application.</p>'));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const fapiClient = async (jwk: JWK) =>
    (
      await createClient(t, {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [jwk] },
        redirectUris: [redirectUri],
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'openid read',
        refreshTokenRotation: 'reuse',
        idTokenSignedResponseAlg: 'PS256',
        fapiProfile: 'fapi2-security',
      })
    ).clientId;

  /** The user signs in and approves in Chromium; returns the URL the browser came back to. */
  async function signInAndApprove(authorizationUrl: string): Promise<URL> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizationUrl);
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL((url) => url.toString().startsWith(redirectUri));
      return new URL(page.url());
    } finally {
      await context.close();
    }
  }

  /** Every use_dpop_nonce answer was followed by a success with another assertion, and no jti was sent twice. */
  function expectFreshAssertionsOnRetry(log: readonly Exchange[]): void {
    expect(log.some((exchange) => exchange.error === 'use_dpop_nonce')).toBe(true);
    expect(log.filter((exchange) => exchange.error !== undefined && exchange.error !== 'use_dpop_nonce')).toEqual([]);
    const jtis = log.map((exchange) => exchange.jti).filter((jti) => jti !== undefined);
    expect(new Set(jtis).size).toBe(jtis.length);
  }

  it.each(['ES256', 'PS256'] as const)('oauth4webapi: private_key_jwt with %s, PAR, PKCE and DPoP to bound tokens, userinfo and refresh', async (alg) => {
    const key = await keyPair(alg);
    const log: Exchange[] = [];
    const options = { ...insecure, [oauth.customFetch]: recordingFetch(log) };
    const issuer = new URL(t.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    const client: oauth.Client = { client_id: await fapiClient(key.jwk), token_endpoint_auth_method: 'private_key_jwt' };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();

    const pushed = await withNonce(
      async () =>
        oauth.pushedAuthorizationRequest(
          as,
          client,
          auth,
          {
            response_type: 'code',
            redirect_uri: redirectUri,
            scope: 'openid read',
            code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
            state,
            nonce,
          },
          { DPoP, ...options },
        ),
      (response) => oauth.processPushedAuthorizationResponse(as, client, response),
    );
    const authorize = new URL(as.authorization_endpoint!);
    authorize.search = new URLSearchParams({ client_id: client.client_id, request_uri: pushed.request_uri }).toString();
    const params = oauth.validateAuthResponse(as, client, await signInAndApprove(authorize.href), state);

    const tokens = await withNonce(
      () => oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, { DPoP, ...options }),
      (response) => oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    );
    expect(tokens.token_type).toBe('dpop');
    const info = await withNonce(
      () => oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...options }),
      (response) => oauth.processUserInfoResponse(as, client, oauth.getValidatedIdTokenClaims(tokens)!.sub, response),
    );
    expect(info.sub).toBe(user.id);
    // The access token is DPoP-bound: as a bearer token it is refused.
    expect((await fetch(as.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);

    const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    await expect(
      withNonce(
        () => oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { DPoP: other, ...options }),
        (response) => oauth.processRefreshTokenResponse(as, client, response),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshed = await withNonce(
      () => oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { DPoP, ...options }),
      (response) => oauth.processRefreshTokenResponse(as, client, response),
    );
    expect(refreshed.token_type).toBe('dpop');
    expectFreshAssertionsOnRetry(log.filter((exchange) => !(exchange.path.endsWith('/token') && exchange.error === 'invalid_grant')));
  });

  it('openid-client: private_key_jwt, PAR and DPoP, retrying use_dpop_nonce on its own with a fresh assertion', async () => {
    const key = await keyPair('ES256');
    const log: Exchange[] = [];
    const config = await oidc.discovery(new URL(t.url), await fapiClient(key.jwk), undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), {
      execute: [oidc.allowInsecureRequests],
    });
    config[oidc.customFetch] = recordingFetch(log) as never;
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();

    const authorize = await oidc.buildAuthorizationUrlWithPAR(
      config,
      {
        redirect_uri: redirectUri,
        scope: 'openid read',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      },
      { DPoP },
    );
    expect([...authorize.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      await signInAndApprove(authorize.href),
      { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
      undefined,
      { DPoP },
    );
    expect(tokens.token_type).toBe('dpop');
    const sub = tokens.claims()!.sub;
    expect(await oidc.fetchUserInfo(config, tokens.access_token, sub, { DPoP })).toMatchObject({ sub: user.id });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.token_type).toBe('dpop');
    expectFreshAssertionsOnRetry(log);
  });
});
