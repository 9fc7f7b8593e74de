import type { AuthenticatedClient } from '../../clients/clients.service';
import type { AuthenticationChallenge } from '../../common/oauth/oauth-error';

/** What a binding may read of a request, at the token endpoint and at a protected resource. */
export interface BindingRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The request's URL as the client addressed it (this server's issuer + path), without query or fragment. */
  readonly url: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The DER of the TLS client certificate the request came with, from a trusted proxy (or null).
   * Read on demand: a binding that does not need it costs nothing.
   */
  clientCertificate(): Buffer | null;
}

/**
 * One way of sender-constraining tokens (RFC 9449 DPoP, RFC 8705 §3 certificate binding). Implement
 * it in one class, mark it with @TokenBindingProvider(), list it as a provider of any module: the
 * TokenBindingRegistry finds it at start (two bindings for one confirmation method stop the boot),
 * asks it at the token endpoint what the request proves, and asks it again at every protected
 * route when a token carries its confirmation method.
 */
export interface TokenBinding {
  /** The `cnf` member it writes and checks (RFC 7800 §3.1): `jkt`, `x5t#S256`. The one place it is written. */
  readonly confirmationMethod: string;
  /**
   * How a token bound this way is presented and refused (RFC 9449 §7.1: `DPoP`; RFC 8705 keeps
   * `Bearer`); the scheme is also the token response's `token_type`.
   */
  readonly challenge: AuthenticationChallenge;
  /**
   * Token endpoint: the value this request proves possession of for `client` (a key thumbprint, a
   * certificate thumbprint), or null when it does not use this binding. Throws OAuthError for a bad
   * proof, or a missing one the client is registered to send. Must cost no more than a header check
   * for a request that does not use it.
   */
  confirm(request: BindingRequest, client: AuthenticatedClient): Promise<string | null>;
  /**
   * Protected resource: resolves when the request proves possession of `value` for `accessToken`,
   * throws OAuthError (with this binding's challenge) otherwise.
   */
  verify(request: BindingRequest, value: string, accessToken: string): Promise<void>;
}
