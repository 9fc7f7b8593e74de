import { OAuthError } from './oauth-error';
import { resolveScope } from './scope-policy';

describe('resolveScope', () => {
  const allowed = ['read', 'write', 'PRODUCTION'];

  it('grants every allowed scope when none is requested', () => {
    expect(resolveScope(undefined, allowed)).toBe('read write PRODUCTION');
    expect(resolveScope('', allowed)).toBe('read write PRODUCTION');
  });

  it('grants exactly the requested subset, without duplicates', () => {
    expect(resolveScope('write read write', allowed)).toBe('write read');
  });

  it('refuses a scope outside the allowed list with invalid_scope', () => {
    expect(() => resolveScope('read admin', allowed)).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
  });

  it('refuses scope tokens with characters RFC 6749 §3.3 forbids', () => {
    expect(() => resolveScope('re"ad', allowed)).toThrow(OAuthError);
    expect(() => resolveScope('read\\x', allowed)).toThrow(OAuthError);
  });
});
