import { isWithin, normalizeDn, parseDn } from './ldap-dn';

describe('distinguished names (RFC 4514)', () => {
  it('compares attribute types and values regardless of case, and ignores spaces around separators', () => {
    const dn = 'cn=admins,ou=groups,dc=example,dc=org';
    for (const same of ['CN=Admins,OU=Groups,DC=Example,DC=ORG', 'cn = admins , ou=groups,  dc=example ,dc=org', ' cn=admins;ou=groups;dc=example;dc=org ']) {
      expect(normalizeDn(same)).toBe(normalizeDn(dn));
    }
    expect(normalizeDn('cn=admins,ou=other,dc=example,dc=org')).not.toBe(normalizeDn(dn));
  });

  it('decodes escapes: a comma in a value is not a separator, and \\2C is the same comma', () => {
    expect(parseDn('cn=Smith\\, John,ou=people,dc=example')).toEqual(['cn=smith\\, john', 'ou=people', 'dc=example']);
    expect(normalizeDn('cn=Smith\\2C John,ou=people,dc=example')).toBe(normalizeDn('cn=Smith\\, John,ou=people,dc=example'));
    expect(normalizeDn('cn=Gr\\C3\\BCn,dc=example')).toBe(normalizeDn('cn=grün,dc=example'));
    // An escaped trailing space is part of the value.
    expect(normalizeDn('cn=a\\ ,dc=example')).not.toBe(normalizeDn('cn=a,dc=example'));
  });

  it('takes an OID for its short name and a multi-valued RDN in any order', () => {
    expect(normalizeDn('2.5.4.3=admins,0.9.2342.19200300.100.1.25=example')).toBe(normalizeDn('cn=admins,dc=example'));
    expect(normalizeDn('cn=a+uid=b,dc=example')).toBe(normalizeDn('uid=b+cn=a,dc=example'));
  });

  it('is no DN without attribute=value pairs', () => {
    for (const text of ['admins', '', 'cn=admins,', '=x', 'cn=a,dc', 'c n=a', 'cn=a\\']) expect(parseDn(text)).toBeNull();
  });

  it('tells an entry at or below a base from one elsewhere', () => {
    const base = parseDn('ou=groups,dc=example,dc=org')!;
    expect(isWithin(parseDn('cn=admins,ou=Groups,dc=example,dc=org')!, base)).toBe(true);
    expect(isWithin(parseDn('cn=admins,ou=teams,ou=groups,dc=example,dc=org')!, base)).toBe(true);
    expect(isWithin(parseDn('cn=admins,ou=groups,dc=evil,dc=org')!, base)).toBe(false);
    expect(isWithin(parseDn('dc=org')!, base)).toBe(false);
  });
});
