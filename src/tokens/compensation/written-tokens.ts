/**
 * What one token write stores, by id (never a value or hash): enough to find out whether its
 * COMMIT went through (its token.issued event, which commits with the tokens) and to undo it.
 */
export interface WrittenTokens {
  /** The id of the write's token.issued audit event: present in the database if and only if the write committed. */
  readonly auditId: string;
  readonly accessIds: readonly string[];
  readonly refreshIds: readonly string[];
  /** JWT access tokens (not stored): denied until they expire. */
  readonly jwts: readonly { readonly jti: string; readonly expiresAt: number }[];
  /** The single-use input the write spent. */
  readonly spent?: { readonly kind: 'authorization_code' | 'refresh_token'; readonly id: string };
}
