import { s256 } from '../../src/pkce/pkce';
import type request from 'supertest';
import { basicAuth, tokenRequest, type TestClient } from './factories';
import { approveAuthorization, FormBrowser } from './form-browser';

/** What the application of a sign-in test asks for: its redirect URI, scope, state, nonce (OpenID Connect) and PKCE verifier. */
export interface AppRequest {
  readonly redirectUri: string;
  readonly scope: string;
  readonly state: string;
  readonly nonce?: string;
  readonly verifier: string;
}

/** The application's authorization request (a path and query): the code flow with PKCE (S256), plus `extra` (prompt, max_age, …). */
export function authorizationRequest(client: Pick<TestClient, 'clientId'>, app: AppRequest, extra: Record<string, string> = {}): string {
  return `/oauth2/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: app.redirectUri,
    scope: app.scope,
    state: app.state,
    ...(app.nonce === undefined ? {} : { nonce: app.nonce }),
    code_challenge: s256(app.verifier),
    code_challenge_method: 'S256',
    ...extra,
  })}`;
}

/**
 * Where the browser landed at the application's redirect URI: checks it carries the request's state,
 * then exchanges its code with the verifier (with Basic when the client has a secret) and expects 200.
 * Resolves with the token response.
 */
export async function redeemAtRedirectUri(
  serverUrl: string,
  client: Pick<TestClient, 'clientId' | 'basic'>,
  app: AppRequest,
  landedAt: string,
): Promise<Record<string, unknown> & { access_token: string; id_token: string }> {
  const landed = new URL(landedAt);
  expect(landed.searchParams.get('state')).toBe(app.state);
  const res = await tokenRequest(
    serverUrl,
    {
      grant_type: 'authorization_code',
      code: landed.searchParams.get('code'),
      redirect_uri: app.redirectUri,
      client_id: client.clientId,
      code_verifier: app.verifier,
    },
    client.basic || undefined,
  );
  expect(res.status).toBe(200);
  return res.body;
}

/**
 * The code flow of a confidential application as the admin API answers it (`client_id`,
 * `client_secret`): `user` signs in and approves `authorizePath` in a FormBrowser, then the code is
 * redeemed for `redirectUri` with client_secret_basic. Resolves with the token endpoint's answer.
 */
export async function signInAndRedeem(
  serverUrl: string,
  app: { readonly client_id: string; readonly client_secret: string },
  authorizePath: string,
  redirectUri: string,
  user: { readonly username: string; readonly password: string },
): Promise<request.Response> {
  const redirect = await approveAuthorization(new FormBrowser(serverUrl), authorizePath, user);
  return tokenRequest(
    serverUrl,
    { grant_type: 'authorization_code', code: redirect.searchParams.get('code'), redirect_uri: redirectUri },
    basicAuth(app.client_id, app.client_secret),
  );
}
