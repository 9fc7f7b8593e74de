import { defineOAuthErrorCode, OAuthError, oauthErrorStatus } from './oauth-error';

describe('OAuth error codes', () => {
  it('takes the status of a built-in code from the table (RFC 6749 §5.2: invalid_client is 401)', () => {
    expect(new OAuthError('invalid_client').status).toBe(401);
    expect(new OAuthError('invalid_grant').status).toBe(400);
    expect(new OAuthError('temporarily_unavailable').status).toBe(503);
  });

  it('answers a code an extension defined with its own status (RFC 8628 §3.5)', () => {
    const slowDown = defineOAuthErrorCode('slow_down_test', 400);
    const error = new OAuthError(slowDown, 'poll less often');
    expect(error.status).toBe(400);
    expect(error.toJSON()).toEqual({ error: 'slow_down_test', error_description: 'poll less often' });
  });

  it('lets two modules define one code with one status, but refuses a second status', () => {
    defineOAuthErrorCode('expired_token_test', 400);
    expect(() => defineOAuthErrorCode('expired_token_test', 400)).not.toThrow();
    expect(() => defineOAuthErrorCode('expired_token_test', 401)).toThrow('already defined with status 400');
  });

  it.each([
    ['a built-in code', 'invalid_grant', 400, 'is built in'],
    ['a code with a space', 'bad code', 400, 'character set'],
    ['a code with a quote', 'bad"code', 400, 'character set'],
    ['a success status', 'fine_test', 200, 'needs a 4xx or 5xx status'],
  ])('refuses to define %s', (_name, code, status, message) => {
    expect(() => defineOAuthErrorCode(code, status)).toThrow(message);
  });

  it('keeps built-in codes type-checked: a typo does not compile, a plain string is not a defined code', () => {
    // @ts-expect-error a misspelt built-in code
    expect(new OAuthError('invalid_grnt').status).toBe(500);
    const fromInput: string = 'made_up';
    // @ts-expect-error only defineOAuthErrorCode() makes a string a code
    expect(oauthErrorStatus(fromInput)).toBe(500);
  });
});
