/** The token endpoint's success body (RFC 6749 §5.1), as the seeds show it. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  /** OpenID Connect Core §3.1.3.3, when the scope includes openid. */
  id_token?: string;
}
