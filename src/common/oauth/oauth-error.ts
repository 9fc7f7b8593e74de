/** Error codes of RFC 6749 §4.1.2.1 / §5.2, RFC 7009 §2.2.1, RFC 6750 §3.1, plus the HTTP-level ones. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'server_error'
  | 'temporarily_unavailable'
  // OpenID Connect Core §3.1.2.6 (authorization responses only)
  | 'login_required'
  | 'consent_required'
  // OpenID Connect Core §6.1, §6.2 (authorization responses only)
  | 'request_not_supported'
  | 'request_uri_not_supported'
  // RFC 8707 §2
  | 'invalid_target';

export const OAUTH_ERROR_STATUS: Readonly<Record<OAuthErrorCode, number>> = {
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
  conflict: 409,
  too_many_requests: 429,
  server_error: 500,
  temporarily_unavailable: 503,
  login_required: 400,
  consent_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  invalid_target: 400,
};

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
  private readonly bodyStatus?: 408 | 413;

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
  }

  get status(): number {
    return this.bodyStatus ?? OAUTH_ERROR_STATUS[this.code];
  }

  toJSON(): { error: OAuthErrorCode; error_description?: string; details?: readonly FieldError[] } {
    return {
      error: this.code,
      ...(this.description ? { error_description: this.description } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}
