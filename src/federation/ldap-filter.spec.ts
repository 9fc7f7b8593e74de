import { escapeFilterValue, userByAttributeFilter } from './ldap-filter';

describe('LDAP filter values (RFC 4515 §3)', () => {
  it('escapes the characters that would change the filter', () => {
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('a)(uid=*')).toBe('a\\29\\28uid=\\2a');
    expect(escapeFilterValue('back\\slash')).toBe('back\\5cslash');
    expect(escapeFilterValue('nul\u0000')).toBe('nul\\00');
  });

  it('leaves ordinary and non-ASCII names alone', () => {
    expect(escapeFilterValue('zoë.müller@example.com')).toBe('zoë.müller@example.com');
  });

  it('puts the escaped value inside the directory’s user filter', () => {
    expect(userByAttributeFilter('(objectClass=inetOrgPerson)', 'uid', 'x*)(|(uid=*')).toBe('(&(objectClass=inetOrgPerson)(uid=x\\2a\\29\\28|\\28uid=\\2a))');
    expect(userByAttributeFilter('objectClass=person', 'sAMAccountName', 'bob')).toBe('(&(objectClass=person)(sAMAccountName=bob))');
  });
});
