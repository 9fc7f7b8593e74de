/**
 * How an access token is written: an opaque reference or a signed JWT (RFC 9068). Chosen per
 * application and per resource server, so it sits below both.
 */
export type AccessTokenFormat = 'opaque' | 'jwt';
export const ACCESS_TOKEN_FORMATS: readonly AccessTokenFormat[] = ['opaque', 'jwt'];
