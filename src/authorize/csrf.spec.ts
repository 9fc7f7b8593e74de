import { randomBytes } from 'node:crypto';
import { csrfToken, isCsrfTokenOf } from './csrf';

describe('CSRF tokens', () => {
  const key = randomBytes(32);

  it('is a 43-character base64url HMAC that depends on the session and on the server key', () => {
    const token = csrfToken(key, 'session-a');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken(key, 'session-a')).toBe(token);
    expect(csrfToken(key, 'session-b')).not.toBe(token);
    expect(csrfToken(randomBytes(32), 'session-a')).not.toBe(token);
  });

  it('accepts the token of the same session only', () => {
    const token = csrfToken(key, 'session-a');
    expect(isCsrfTokenOf(key, 'session-a', token)).toBe(true);
    expect(isCsrfTokenOf(key, 'session-b', token)).toBe(false);
  });

  it('refuses a token made under another server key', () => {
    expect(isCsrfTokenOf(key, 'session-a', csrfToken(randomBytes(32), 'session-a'))).toBe(false);
  });

  it.each([
    ['the session id itself (the old double-submit value)', 'session-a'],
    ['an empty string', ''],
    ['a repeated field', ['x', 'y']],
    ['no field', undefined],
  ])('refuses %s', (_name, token) => {
    expect(isCsrfTokenOf(key, 'session-a', token)).toBe(false);
  });

  it('refuses every token when there is no session id to bind to', () => {
    expect(isCsrfTokenOf(key, '', csrfToken(key, ''))).toBe(false);
  });
});
