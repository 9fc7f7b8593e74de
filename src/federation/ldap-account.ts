import type { Entry } from 'ldapts';
import type { GroupMapping, LdapDirectoryEntity } from './ldap-directory.entity';
import { Dn, firstRdnValue, isWithin, normalizeDn, normalizeRdnValue, parseDn } from './ldap-dn';

/** What a directory entry says of a user, read once from the service account's search. */
export interface DirectoryAccount {
  readonly dn: string;
  /** entryUUID, or objectGUID as lower-case hex: what the local user is linked by. */
  readonly externalId: string;
  readonly username: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly groups: readonly string[];
  /** AD's ACCOUNTDISABLE or LOCKOUT flag, or a password policy lock (draft-behera-ldap-password-policy §5.3.3). */
  readonly disabled: boolean;
}

/** Active Directory's userAccountControl flags (MS-ADTS §2.2.16). */
const ACCOUNTDISABLE = 0x2;
const LOCKOUT = 0x10;

export const USER_ACCOUNT_CONTROL = 'userAccountControl';
export const PWD_ACCOUNT_LOCKED_TIME = 'pwdAccountLockedTime';

type Attributes = Pick<LdapDirectoryEntity, 'idAttribute' | 'usernameAttribute' | 'emailAttribute' | 'nameAttribute' | 'groupAttribute'>;

/** The attributes a search asks for: operational ones (entryUUID, pwdAccountLockedTime) only come when named. */
export function requestedAttributes(directory: Attributes): string[] {
  const named = [directory.idAttribute, directory.usernameAttribute, directory.emailAttribute, directory.nameAttribute, directory.groupAttribute];
  return [...new Set([...named.filter((a): a is string => !!a), USER_ACCOUNT_CONTROL, PWD_ACCOUNT_LOCKED_TIME])];
}

/** Binary attributes ldapts must hand over as bytes: AD's objectGUID. */
export function binaryAttributes(directory: Attributes): string[] {
  return directory.idAttribute.toLowerCase() === 'objectguid' ? [directory.idAttribute] : [];
}

/** The account an entry describes, or null when it lacks its identifier or username. */
export function accountFromEntry(entry: Entry, directory: Attributes): DirectoryAccount | null {
  const externalId = identifier(value(entry, directory.idAttribute));
  const username = text(value(entry, directory.usernameAttribute));
  if (!externalId || !username) return null;
  const uac = Number(text(value(entry, USER_ACCOUNT_CONTROL)) ?? 0);
  const lockedTime = text(value(entry, PWD_ACCOUNT_LOCKED_TIME));
  return {
    dn: entry.dn,
    externalId,
    username,
    email: directory.emailAttribute ? text(value(entry, directory.emailAttribute)) : null,
    name: directory.nameAttribute ? text(value(entry, directory.nameAttribute)) : null,
    groups: directory.groupAttribute ? values(entry, directory.groupAttribute).map((g) => text(g)!) : [],
    disabled: (Number.isFinite(uac) && (uac & (ACCOUNTDISABLE | LOCKOUT)) !== 0) || !!lockedTime,
  };
}

/**
 * The roles the account's groups give through the mapping. A mapping names a group by its full DN,
 * compared as normalized DNs (ldap-dn.ts), or by name under a base DN: then only a group of that
 * name at or below the base counts, so a group of the same name in another OU gives nothing.
 */
export function rolesFor(groups: readonly string[], mappings: readonly GroupMapping[]): string[] {
  const memberOf = groups.map(parseDn).filter((dn): dn is Dn => dn !== null);
  const roles = mappings.filter((m) => memberOf.some((dn) => matches(dn, m))).flatMap((m) => m.roles);
  return [...new Set(roles)].sort();
}

function matches(group: Dn, mapping: GroupMapping): boolean {
  if (!mapping.baseDn) return group.join(',') === normalizeDn(mapping.group);
  const base = parseDn(mapping.baseDn);
  return base !== null && group.length > base.length && isWithin(group, base) && firstRdnValue(group) === normalizeRdnValue(mapping.group);
}

type AttributeValue = Entry[string];

/** Attribute names are case-insensitive (RFC 4512 §2.5); ldapts keys entries as the server spelled them. */
function value(entry: Entry, attribute: string): string | Buffer | undefined {
  return values(entry, attribute)[0];
}

function values(entry: Entry, attribute: string): (string | Buffer)[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const found: AttributeValue | undefined = key ? entry[key] : undefined;
  if (found === undefined) return [];
  return Array.isArray(found) ? found : [found];
}

function text(v: string | Buffer | undefined): string | null {
  if (v === undefined) return null;
  const s = typeof v === 'string' ? v : v.toString('utf8');
  return s.length > 0 ? s : null;
}

function identifier(v: string | Buffer | undefined): string | null {
  if (Buffer.isBuffer(v)) return v.length > 0 ? v.toString('hex') : null;
  return text(v)?.toLowerCase() ?? null;
}
