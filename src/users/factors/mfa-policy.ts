import type { Authentication, MfaPolicy } from '../../common/oauth/authentication';

/** The two authentication context classes, by their configured names (ACR_PASSWORD, ACR_MFA). */
export interface AcrNames {
  readonly passwordAcr: string;
  readonly mfaAcr: string;
}

/** RFC 8176 §2: `pwd`, then the second factor's values and `mfa` once there are two. */
export function passwordAuthentication(names: AcrNames): Authentication {
  return { amr: ['pwd'], acr: names.passwordAcr };
}

/**
 * A session stepped up with a second factor: the methods of its first sign-in (`pwd` here, an
 * upstream provider's own, or none we vouch for), the factor's, and `mfa`.
 */
export function withSecondFactor(names: AcrNames, first: Authentication, factorAmr: readonly string[]): Authentication {
  return { amr: [...new Set([...first.amr.filter((m) => m !== 'mfa'), ...factorAmr, 'mfa'])], acr: names.mfaAcr };
}

export function isMultiFactor(authentication: Authentication): boolean {
  return authentication.amr.includes('mfa');
}

/**
 * Whether this authorization request needs a second factor: the application's policy (or the
 * default) says so — `optional` for a user who has one — or the client asked for the multi-factor
 * class (`acr_values`, or an `acr` the claims parameter asks for, OpenID Connect Core §5.5.1.1).
 */
export function needsSecondFactor(policy: MfaPolicy, requestedAcr: readonly string[], userHasFactor: boolean, names: AcrNames): boolean {
  if (policy === 'required') return true;
  if (requestedAcr.includes(names.mfaAcr) && !requestedAcr.includes(names.passwordAcr)) return true;
  return policy === 'optional' && userHasFactor;
}

/**
 * A sign-in with a passkey alone (RFC 8176 §2: `hwk` or `swk`, `user`). With user verification the
 * authenticator checked a PIN or a biometric besides holding the key: two factors, so `mfa` and
 * the multi-factor class (NIST SP 800-63B §5.1.9: a multi-factor cryptographic authenticator).
 */
export function passkeyAuthentication(names: AcrNames, passkeyAmr: readonly string[], userVerified: boolean): Authentication {
  return userVerified ? { amr: [...new Set([...passkeyAmr, 'mfa'])], acr: names.mfaAcr } : { amr: [...passkeyAmr], acr: names.passwordAcr };
}
