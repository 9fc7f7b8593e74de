import { AsyncLocalStorage } from 'node:async_hooks';
import type { Confirmation } from '../binding/confirmation';

/** The token request a grant serves, as far as the issuer needs it beside the grant's own parameters. */
interface IssuingGrant {
  readonly grantType: string;
  /** What the request proved possession of (a DPoP key, a client certificate): its tokens are bound to it. */
  readonly confirmation: Confirmation | null;
}

/**
 * The grant whose handle() is running, set by the GrantRegistry around each call: the token issuer
 * reads the grant type for the audit trail and the confirmation for the tokens' `cnf`, so no grant
 * has to repeat (or can forget) either.
 */
const issuingGrant = new AsyncLocalStorage<IssuingGrant>();

export function runAsGrant<T>(grantType: string, work: () => T, confirmation: Confirmation | null = null): T {
  return issuingGrant.run({ grantType, confirmation }, work);
}

/** The grant type of the request being served, or null outside the token endpoint (tests, admin). */
export function currentGrantType(): string | null {
  return issuingGrant.getStore()?.grantType ?? null;
}

/**
 * The key or certificate the token request proved possession of (RFC 9449 DPoP, RFC 8705), or null:
 * the issuer binds the tokens to it; a grant whose input is bound (a code's `dpop_jkt`, a public
 * client's refresh token) compares it.
 */
export function presentedConfirmation(): Confirmation | null {
  return issuingGrant.getStore()?.confirmation ?? null;
}
