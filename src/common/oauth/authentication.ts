/** Whether an application asks its users for a second sign-in factor: never, when they have one, always. */
export type MfaPolicy = 'off' | 'optional' | 'required';
export const MFA_POLICIES: readonly MfaPolicy[] = ['off', 'optional', 'required'];

/**
 * How a user authenticated, as the application learns it: RFC 8176 `amr` values and the OpenID
 * Connect `acr` (Core §2). Kept with the login session, its authorization codes and its tokens.
 */
export interface Authentication {
  readonly amr: readonly string[];
  readonly acr: string;
}

/**
 * A sign-in at another provider that this server does not vouch for. RFC 8176's registry has no
 * method for "authenticated elsewhere" and naming one (`pwd`) would claim a check nobody made
 * here, so no method is listed; the class is OpenID Connect Core §2's "0" (the authentication
 * does not meet ISO/IEC 29115 level 1 as far as we can tell).
 */
export const UNVOUCHED_AUTHENTICATION: Authentication = Object.freeze({ amr: Object.freeze([]), acr: '0' });

/**
 * The `amr` and `acr` claims of a sign-in, as ID Tokens, JWT access tokens (RFC 9068 §2.2.1) and
 * introspection answers carry them: `amr` only when a method is known (it is optional, Core §2;
 * an empty array would say nothing).
 */
export function authenticationClaims(authentication: Authentication): { amr?: readonly string[]; acr: string } {
  return { ...(authentication.amr.length > 0 ? { amr: authentication.amr } : {}), acr: authentication.acr };
}
