/**
 * Server environment that turns the token, authorization and sign-in rate limits off: load, race and
 * fuzz tests send far more from one address than a client would, and test the rules behind the limits.
 */
export const NO_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_TOKEN_PER_MINUTE: '0',
  RATE_LIMIT_AUTHORIZE_PER_MINUTE: '0',
  RATE_LIMIT_LOGIN_PER_MINUTE: '0',
};
