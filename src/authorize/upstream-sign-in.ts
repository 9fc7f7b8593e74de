import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';

/** A "Sign in with …" button of the login page: an upstream identity provider. */
export interface UpstreamButton {
  readonly id: string;
  readonly displayName: string;
}

/** The authorization request to come back to once the upstream provider has answered. */
export interface PendingAuthorization {
  readonly clientId: string;
  /** The fields our sign-in form posts back (the request's parameters, sealed when pushed or signed), without the CSRF token. */
  readonly fields: Readonly<Record<string, string>>;
  /** True when `fields` carry a seal: only a form post (never a GET) brings them back. */
  readonly sealed: boolean;
  /**
   * The request asks for a new authentication (prompt=login, or max_age passed, OpenID Connect Core
   * §3.1.2.1): the provider is asked to authenticate the user again, not to reuse its session.
   */
  readonly forceAuthentication: boolean;
  /**
   * The request's max_age when above 0 (OpenID Connect Core §3.1.2.1): the provider is asked for an
   * authentication no older than that, and its answer must show one.
   */
  readonly maxAge?: number;
}

/**
 * Sign-in through upstream identity providers, seen from the authorization endpoint: the buttons
 * of the login page and what a click on one does. Provided by the federation module when it is
 * loaded; without it the login page shows no buttons. Also consulted at sign-out, for the
 * upstream's end session.
 */
export abstract class UpstreamSignIn {
  abstract buttons(): Promise<readonly UpstreamButton[]>;
  /** Answers the browser: a redirect to the provider's authorization endpoint, or an error page. */
  abstract start(req: Request, res: Response, providerId: string, pending: PendingAuthorization): Promise<void>;
  /**
   * The upstream end-session URL to send the browser to after our session (of this cookie value)
   * ends, or null. `postLogoutRedirectUri`: where the client asked to land (already validated),
   * with its `state`; the provider sends the browser back to a route of ours that goes on there.
   */
  abstract endSessionUrl(sessionCookie: string | undefined, postLogoutRedirectUri: string | undefined, state: string | undefined): Promise<string | null>;
}
