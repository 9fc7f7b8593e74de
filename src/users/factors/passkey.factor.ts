import { Inject } from '@nestjs/common';
import { PASSKEY_FACTOR, PasskeysService } from './passkeys.service';
import type { FactorRecord, SignInFactor, VerifiedFactor } from './sign-in-factor';
import { SignInFactorProvider } from './sign-in-factor.decorator';

/** What the factor needs of PasskeysService: checking an assertion for a user. */
export type AssertionVerifier = Pick<PasskeysService, 'verifyAssertion'>;

/**
 * A passkey as the second factor after a password: the proof is the assertion
 * (PublicKeyCredential.toJSON(), WebAuthn §5.1.8) the page posts in place of a code.
 */
@SignInFactorProvider()
export class PasskeyFactor implements SignInFactor {
  readonly type = PASSKEY_FACTOR;
  // RFC 8176 §2: `hwk` or `swk` by the credential, `user` with user verification: see verify().
  readonly amr: readonly string[] = [];

  constructor(@Inject(PasskeysService) private readonly passkeys: AssertionVerifier) {}

  accepts(proof: string): boolean {
    return proof.startsWith('{');
  }

  async verify(records: readonly FactorRecord[], proof: string): Promise<VerifiedFactor | null> {
    if (records.length === 0) return null;
    const result = await this.passkeys.verifyAssertion(proof, records[0].userId);
    if (!result.ok) return null;
    const record = records.find((r) => r.id === result.value.factorId);
    return record ? { ...record, amr: result.value.amr } : null;
  }
}
