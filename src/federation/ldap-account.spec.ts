import type { Entry } from 'ldapts';
import { accountFromEntry, rolesFor } from './ldap-account';

const openLdap = { idAttribute: 'entryUUID', usernameAttribute: 'uid', emailAttribute: 'mail', nameAttribute: 'cn', groupAttribute: 'memberOf' };

describe('a directory entry as an account', () => {
  const entry: Entry = {
    dn: 'uid=alice,ou=people,dc=example,dc=org',
    entryUUID: 'A1B2C3D4-0000-1111-2222-333344445555',
    uid: 'alice',
    mail: 'alice@example.org',
    cn: 'Alice Martin',
    memberOf: ['cn=admins,ou=groups,dc=example,dc=org', 'cn=staff,ou=groups,dc=example,dc=org'],
  };

  it('reads the identifier, username, e-mail, name and groups, attribute names regardless of case', () => {
    expect(accountFromEntry({ ...entry, memberof: entry.memberOf, memberOf: [] }, openLdap)).toEqual({
      dn: entry.dn,
      externalId: 'a1b2c3d4-0000-1111-2222-333344445555',
      username: 'alice',
      email: 'alice@example.org',
      name: 'Alice Martin',
      groups: [],
      disabled: false,
    });
    expect(accountFromEntry(entry, openLdap)?.groups).toHaveLength(2);
  });

  it('links an Active Directory user by objectGUID as hex', () => {
    const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const ad = { ...openLdap, idAttribute: 'objectGUID', usernameAttribute: 'sAMAccountName' };
    expect(accountFromEntry({ dn: 'CN=Bob,DC=corp', objectGUID: guid, sAMAccountName: 'bob' }, ad)?.externalId).toBe('00112233445566778899aabbccddeeff');
  });

  it('is disabled when AD says ACCOUNTDISABLE or LOCKOUT, or a password policy locked it', () => {
    expect(accountFromEntry({ ...entry, userAccountControl: '514' }, openLdap)?.disabled).toBe(true);
    expect(accountFromEntry({ ...entry, userAccountControl: '528' }, openLdap)?.disabled).toBe(true);
    expect(accountFromEntry({ ...entry, userAccountControl: '512' }, openLdap)?.disabled).toBe(false);
    expect(accountFromEntry({ ...entry, pwdAccountLockedTime: '000001010000Z' }, openLdap)?.disabled).toBe(true);
  });

  it('is no account without its stable identifier', () => {
    expect(accountFromEntry({ ...entry, entryUUID: [] }, openLdap)).toBeNull();
  });
});

describe('group mapping', () => {
  const mappings = [
    { group: 'cn=admins,ou=groups,dc=example,dc=org', roles: ['admin'] },
    { group: 'Staff', baseDn: 'ou=groups,dc=example,dc=org', roles: ['staff', 'reader'] },
  ];

  it('maps a group by its full DN, regardless of case and spacing', () => {
    expect(rolesFor(['CN=Admins, OU=Groups, DC=example, DC=org'], mappings)).toEqual(['admin']);
    expect(rolesFor(['cn=other,dc=example,dc=org'], mappings)).toEqual([]);
  });

  it('gives nothing for a group of the same name in another OU', () => {
    expect(rolesFor(['cn=admins,ou=projects,dc=example,dc=org', 'cn=staff,ou=projects,dc=example,dc=org'], mappings)).toEqual([]);
    expect(rolesFor(['cn=admins,ou=groups,dc=example,dc=org,dc=evil'], mappings)).toEqual([]);
  });

  it('maps a group by name only at or below the base DN the mapping gives', () => {
    expect(rolesFor(['cn=staff,ou=groups,dc=example,dc=org'], mappings)).toEqual(['reader', 'staff']);
    expect(rolesFor(['cn=STAFF,ou=emea,ou=groups,dc=example,dc=org'], mappings)).toEqual(['reader', 'staff']);
    // The base itself is no group of that name.
    expect(rolesFor(['ou=groups,dc=example,dc=org'], [{ group: 'groups', baseDn: 'ou=groups,dc=example,dc=org', roles: ['x'] }])).toEqual([]);
  });

  it('matches nothing with a bare name that has no base DN (as stored before base DNs)', () => {
    expect(rolesFor(['cn=staff,ou=groups,dc=example,dc=org'], [{ group: 'staff', roles: ['staff'] }])).toEqual([]);
  });
});
