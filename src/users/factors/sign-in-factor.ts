import type { UserFactorEntity } from './user-factor.entity';

/** A user's stored record of a factor, as a factor sees it. */
export type FactorRecord = Readonly<UserFactorEntity>;

/**
 * The record a proof proved, with the RFC 8176 values it adds when they depend on the record or the
 * proof (a passkey: `hwk` or `swk`, and `user` when the authenticator verified the user); without
 * them, the factor's own `amr`.
 */
export type VerifiedFactor = FactorRecord & { readonly amr?: readonly string[] };

/**
 * A sign-in factor besides the password (TOTP, recovery codes, …): one class each, marked
 * `@SignInFactorProvider()`; the SignInFactorRegistry refuses two factors of one type at start.
 */
export interface SignInFactor {
  /** The `type` of the user_factors records it verifies. */
  readonly type: string;
  /** The RFC 8176 `amr` values a sign-in with it adds (besides `mfa`, which the session adds). */
  readonly amr: readonly string[];
  /** Whether `proof` has this factor's form, so that only the factor it is meant for checks it. */
  accepts(proof: string): boolean;
  /**
   * The record of the user's (all of this factor's type) that `proof` proves, now used (a
   * single-use proof cannot be used again, on any instance); null when none does.
   */
  verify(records: readonly FactorRecord[], proof: string): Promise<VerifiedFactor | null>;
}
