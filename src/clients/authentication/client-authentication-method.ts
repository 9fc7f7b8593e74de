import type { OAuthParameters } from '../../common/http/request-body';
import type { StoredClient } from '../clients.service';
import type { PresentedCertificate } from './client-certificate';

export type { StoredClient, PresentedCertificate };

/**
 * What a client authentication method may read: the request's headers, its OAuth parameters, the
 * URL of the endpoint called (an assertion's `aud`) and the client certificate (mutual TLS).
 */
export interface ClientAuthenticationRequest {
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The form or JSON body, each value one string (oauthParameters()). */
  readonly parameters: OAuthParameters;
  /** The absolute URL of the endpoint called, under the issuer (https://as.example/oauth2/token), without query. */
  readonly endpoint: string;
  /** The client certificate of the connection (RFC 8705), when one may be believed; else null. */
  readonly certificate: PresentedCertificate | null;
}

/** The client a request names, and whatever the method read to prove it is that client. */
export interface PresentedClient {
  readonly clientId: string;
}

/**
 * One `token_endpoint_auth_method` (RFC 7591 §2). Implement it in one class, mark it with
 * @ClientAuthenticationMethodProvider(), list it as a provider of any module: the registry finds it
 * at start, the token, revocation and introspection endpoints accept it, and discovery lists it.
 */
export interface ClientAuthenticationMethod<P extends PresentedClient = PresentedClient> {
  /** The `token_endpoint_auth_method` value; the one place it is written. */
  readonly name: string;
  /**
   * What the method proves possession of. A client registered for one method may authenticate with
   * any method that proves the same credential: `client_secret_basic` and `client_secret_post`
   * both prove the client secret (RFC 6749 §2.3.1 makes Basic mandatory for every client issued a
   * password, and clients have always been free to post theirs). Give a new method a credential of
   * its own unless it proves one of these.
   */
  readonly credential: string;
  /**
   * The HTTP authentication scheme of the Authorization header this method reads (`Basic`), if any.
   * A request whose Authorization header no method claims is refused, whatever else it carries.
   */
  readonly authorizationScheme?: string;
  /**
   * Methods whose requests look alike name the same presentation: the mutual TLS methods and `none`
   * all read a `client_id` (and a certificate, if any). When only such methods read a request, the
   * one the application is registered for decides, instead of the request counting as two methods.
   */
  readonly presentation?: string;
  /** The JWS algorithms of a method that reads signed assertions (discovery's `*_auth_signing_alg_values_supported`). */
  readonly signingAlgorithms?: readonly string[];
  /**
   * The client this request presents in this method's form, or null when the request does not
   * use this method. Throws OAuthError for a request that uses it malformed (invalid_client) or
   * contradicts itself (invalid_request).
   */
  present(request: ClientAuthenticationRequest): P | null;
  /** Whether what was presented proves the client is `stored`. Must cost the same whatever the outcome. */
  verify(presented: P, stored: StoredClient): Promise<boolean>;
}
