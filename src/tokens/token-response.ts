/** The token endpoint's success body (RFC 6749 §5.1), as the seeds show it. */
export interface TokenResponse {
  access_token: string;
  /** `Bearer`, or `DPoP` for a DPoP-bound access token (RFC 9449 §5). */
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  /** OpenID Connect Core §3.1.3.3, when the scope includes openid. */
  id_token?: string;
  /**
   * RFC 6749 §5.1: "The client MUST ignore unrecognized value names", so a grant may add its own
   * members (RFC 8693 §2.2.1 `issued_token_type`) without a cast; they are sent as JSON values.
   */
  [extension: string]: string | number | boolean | undefined;
}
