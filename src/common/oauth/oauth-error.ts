/**
 * The built-in error codes with their HTTP status: RFC 6749 §4.1.2.1 / §5.2, RFC 7009 §2.2.1,
 * RFC 6750 §3.1, OpenID Connect Core §3.1.2.6 and §6.1–6.2 (authorization responses only; RFC
 * 9126 §2.3 answers them as JSON too), RFC 8707 §2, RFC 9449 §12.2 (DPoP, 400 at the token endpoint;
 * at a protected resource a challenge makes them 401), plus the HTTP-level ones of the management API.
 */
const BUILT_IN_STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  unsupported_token_type: 400,
  access_denied: 403,
  unsupported_response_type: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  not_found: 404,
  // RFC 9110 §15.5.6: a route for the path, not for the method (sent with `Allow`).
  method_not_allowed: 405,
  conflict: 409,
  too_many_requests: 429,
  server_error: 500,
  temporarily_unavailable: 503,
  login_required: 400,
  consent_required: 400,
  // OpenID Connect Core §3.1.2.6: prompt=none, but the sign-in needs the user (a second factor).
  interaction_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  invalid_request_uri: 400,
  invalid_request_object: 400,
  invalid_target: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
} as const;

export type BuiltInOAuthErrorCode = keyof typeof BUILT_IN_STATUS;

declare const defined: unique symbol;
/** A code an extension defined with defineOAuthErrorCode(): only its return value has this type. */
export type DefinedOAuthErrorCode<C extends string = string> = C & { readonly [defined]: true };

/**
 * An error code: a built-in one by its name (a typo does not compile), or one defined with
 * defineOAuthErrorCode() by the constant it returned.
 */
export type OAuthErrorCode = BuiltInOAuthErrorCode | DefinedOAuthErrorCode;

const statuses = new Map<string, number>(Object.entries(BUILT_IN_STATUS));

/** RFC 6749 §5.2: an error code is %x20-21 / %x23-5B / %x5D-7E; no space, as every registered code. */
const CODE_CHARSET = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Adds an error code with its HTTP status (an extension's own, e.g. RFC 8628's
 * `defineOAuthErrorCode('authorization_pending', 400)`), once, when its module loads. A built-in
 * code, or one defined before with another status, is refused: two meanings for one code would
 * reach clients as one.
 */
export function defineOAuthErrorCode<C extends string>(code: C, status: number): DefinedOAuthErrorCode<C> {
  if (!CODE_CHARSET.test(code)) throw new Error(`OAuth error code ${JSON.stringify(code)} is not in the RFC 6749 §5.2 character set`);
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`OAuth error code ${code} needs a 4xx or 5xx status, not ${status}`);
  if (Object.hasOwn(BUILT_IN_STATUS, code)) throw new Error(`OAuth error code ${code} is built in`);
  const known = statuses.get(code);
  if (known !== undefined && known !== status) throw new Error(`OAuth error code ${code} is already defined with status ${known}`);
  statuses.set(code, status);
  return code as DefinedOAuthErrorCode<C>;
}

/** The HTTP status of a code; an unknown one (never defined) is a server error. */
export function oauthErrorStatus(code: OAuthErrorCode): number {
  return statuses.get(code) ?? 500;
}

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
const DESCRIPTION_CHARSET = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Field-level validation messages of the management API. */
export interface FieldError {
  readonly field: string;
  readonly messages: readonly string[];
}

export interface OAuthErrorOptions {
  /** Logged, never sent. */
  readonly cause?: unknown;
  /** Field-level messages (management API validation). */
  readonly details?: readonly FieldError[];
  /** Seconds, sent as Retry-After (429, 503). */
  readonly retryAfter?: number;
  /**
   * The body itself failed at the HTTP level: it exceeded the limit (413) or did not arrive in
   * time (408). Still invalid_request on the wire (RFC 6749 has no code for these), but the
   * status tells clients and monitoring it was the request, not the server.
   */
  readonly bodyStatus?: 408 | 413;
  /**
   * Raised by a protected resource (RFC 6750 §3, RFC 9449 §7.1): answered 401 (403 for
   * insufficient_scope) with `WWW-Authenticate: <scheme> error="<code>"`, and `algs` when given.
   */
  readonly challenge?: AuthenticationChallenge;
  /** Headers the answer carries besides the challenge (RFC 9449 §8: a fresh `DPoP-Nonce`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Raised at the token endpoint, where RFC 6749 §5.2 answers every error 400 unless it says
   * otherwise: `access_denied` (RFC 8628 §3.5) is 400 there, not the 403 it is elsewhere.
   */
  readonly atTokenEndpoint?: boolean;
}

/** The authentication scheme of a protected resource's error answer. */
export interface AuthenticationChallenge {
  readonly scheme: 'Bearer' | 'DPoP';
  /** RFC 9449 §7.1: the JWS algorithms the resource accepts for DPoP proofs. */
  readonly algs?: readonly string[];
}

/**
 * The one error type of the protocol layer. Callers never pick an HTTP status: it follows from
 * the code (only a body refused at the HTTP level says 408 or 413). `cause` is logged, never sent.
 */
export class OAuthError extends Error {
  readonly description?: string;
  override readonly cause?: unknown;
  readonly details?: readonly FieldError[];
  readonly retryAfter?: number;
  readonly challenge?: AuthenticationChallenge;
  readonly headers?: Readonly<Record<string, string>>;
  private readonly bodyStatus?: 408 | 413;
  private readonly atTokenEndpoint?: boolean;

  constructor(
    readonly code: OAuthErrorCode,
    description?: string,
    options: OAuthErrorOptions = {},
  ) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'OAuthError';
    this.description = description?.replace(DESCRIPTION_CHARSET, '');
    this.cause = options.cause;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
    this.bodyStatus = options.bodyStatus;
    this.challenge = options.challenge;
    this.headers = options.headers;
    this.atTokenEndpoint = options.atTokenEndpoint;
  }

  /** This error as the token endpoint answers it (RFC 6749 §5.2). */
  toTokenEndpointError(): OAuthError {
    const { description, cause, details, retryAfter, bodyStatus, challenge, headers } = this;
    return new OAuthError(this.code, description, { cause, details, retryAfter, bodyStatus, challenge, headers, atTokenEndpoint: true });
  }

  get status(): number {
    if (this.bodyStatus !== undefined) return this.bodyStatus;
    const status = oauthErrorStatus(this.code);
    if (this.atTokenEndpoint && status === 403) return 400;
    return this.challenge && status === 400 ? 401 : status;
  }

  toJSON(): { error: OAuthErrorCode; error_description?: string; details?: readonly FieldError[] } {
    return {
      error: this.code,
      ...(this.description ? { error_description: this.description } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}
