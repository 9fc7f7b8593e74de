import * as oauth from 'oauth4webapi';
import { approveAuthorization, FormBrowser } from './form-browser';

/** oauth4webapi's option for the test servers' plain-HTTP loopback URLs. */
export const insecure = { [oauth.allowInsecureRequests]: true };

/** The server's metadata as oauth4webapi reads it: RFC 8414 (`oauth2`) or OpenID Connect Discovery (`oidc`). */
export async function discover(server: { readonly url: string }, algorithm: 'oauth2' | 'oidc' = 'oauth2'): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(server.url);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm, ...insecure }));
}

/**
 * A code request with PKCE (S256, for `verifier`) at the authorization endpoint oauth4webapi
 * discovered, with `params` (client_id, redirect_uri, scope, state, dpop_jkt, …), signed in and
 * approved by `user` in a FormBrowser on `serverUrl`. Resolves with the callback URL.
 */
export async function approveCodeRequest(
  as: oauth.AuthorizationServer,
  serverUrl: string,
  params: Record<string, string>,
  verifier: string,
  user: { readonly username: string; readonly password: string },
): Promise<URL> {
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    ...params,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  return approveAuthorization(new FormBrowser(serverUrl), url.toString(), user);
}
