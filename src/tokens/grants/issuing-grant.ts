import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The grant type whose handle() is running, set by the GrantRegistry around each call: the token
 * issuer reads it for the audit trail, so no grant has to repeat (or can forget) its own type.
 */
const issuingGrant = new AsyncLocalStorage<string>();

export function runAsGrant<T>(grantType: string, work: () => T): T {
  return issuingGrant.run(grantType, work);
}

/** The grant type of the request being served, or null outside the token endpoint (tests, admin). */
export function currentGrantType(): string | null {
  return issuingGrant.getStore() ?? null;
}
