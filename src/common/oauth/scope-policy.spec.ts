import { OAuthError } from './oauth-error';
import { assertMayReceiveScope, mayReceiveScope, narrowScope, reservedScopesWithout, resolveScope } from './scope-policy';

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

  it('never grants a reserved scope by default, only on request', () => {
    expect(resolveScope(undefined, ['read', 'admin', 'write'])).toBe('read write');
    expect(resolveScope(undefined, ['admin'])).toBe('');
    expect(resolveScope('admin read', ['read', 'admin'])).toBe('admin read');
  });
});

describe('narrowScope (RFC 6749 §6)', () => {
  it('keeps the whole grant, reserved scopes included, when none is requested', () => {
    expect(narrowScope(undefined, ['read', 'admin'])).toBe('read admin');
  });

  it('narrows to the requested subset and refuses anything wider with invalid_scope', () => {
    expect(narrowScope('read', ['read', 'admin'])).toBe('read');
    expect(() => narrowScope('read write', ['read'])).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
  });
});

describe('reserved scopes', () => {
  it('lets a user with the admin role receive the admin scope', () => {
    expect(mayReceiveScope({ roles: ['admin'] }, 'admin')).toBe(true);
    expect(() => assertMayReceiveScope({ roles: ['admin'] }, 'read admin')).not.toThrow();
  });

  it('refuses the admin scope to a user without the role, and to a token without a user, with invalid_scope', () => {
    expect(mayReceiveScope({ roles: ['auditor'] }, 'admin')).toBe(false);
    expect(mayReceiveScope(null, 'admin')).toBe(false);
    expect(() => assertMayReceiveScope({ roles: ['user'] }, 'read admin')).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
    expect(() => assertMayReceiveScope(null, 'admin')).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
  });

  it('lets anyone, user or not, receive an unreserved scope, even one that merely contains the word', () => {
    expect(() => assertMayReceiveScope(null, 'administration read')).not.toThrow();
    expect(mayReceiveScope({ roles: [] }, 'read')).toBe(true);
  });

  it('names the reserved scopes a user with given roles may not hold', () => {
    expect(reservedScopesWithout(['auditor'])).toEqual(['admin']);
    expect(reservedScopesWithout(['auditor', 'admin'])).toEqual([]);
  });
});
