/** The prefix of a federated user's password column: no password is kept, only where it is checked. */
export const FEDERATED_CREDENTIAL_PREFIX = '!';

/** `ldap:<id>` for a user whose password a directory checks, else null (a local password). */
export function federatedSource(passwordHash: string): string | null {
  return passwordHash.startsWith(FEDERATED_CREDENTIAL_PREFIX) ? passwordHash.slice(FEDERATED_CREDENTIAL_PREFIX.length) : null;
}
