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
