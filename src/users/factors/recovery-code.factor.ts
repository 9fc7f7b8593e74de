import { randomBytes, timingSafeEqual } from 'node:crypto';
import { nowSeconds } from '../../common/time';
import { FactorSecrets } from './factor-secrets';
import type { FactorRecord, SignInFactor } from './sign-in-factor';
import { SignInFactorProvider } from './sign-in-factor.decorator';
import { base32Encode } from './totp';
import { UserFactorsRepository } from './user-factors.repository';

export const RECOVERY_CODE_FACTOR = 'recovery_code';
export const RECOVERY_CODE_COUNT = 10;

/** A recovery code as shown: 16 base32 characters (80 bits) in groups of four, e.g. `abcd-efgh-ijkl-mnop`. */
export function newRecoveryCode(): string {
  return base32Encode(randomBytes(10)).toLowerCase().match(/.{4}/g)!.join('-');
}

/** The one spelling a recovery code is hashed in: lower case, without separators. */
function normalised(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

/** One of the ten single-use codes shown at enrolment, for a user without their authenticator. */
@SignInFactorProvider()
export class RecoveryCodeFactor implements SignInFactor {
  readonly type = RECOVERY_CODE_FACTOR;
  // RFC 8176 has no value of its own for it: a recovery code is a one-time password.
  readonly amr = ['otp'];

  constructor(
    private readonly secrets: FactorSecrets,
    private readonly factors: UserFactorsRepository,
  ) {}

  accepts(proof: string): boolean {
    return /^[a-z2-7]{16}$/.test(normalised(proof));
  }

  /** The keyed hash stored for a new code. */
  hash(code: string): string {
    return this.secrets.recoveryCodeHash(normalised(code));
  }

  async verify(records: readonly FactorRecord[], proof: string): Promise<FactorRecord | null> {
    const presented = Buffer.from(this.hash(proof), 'hex');
    const match = records.find((record) => record.spentAt === null && timingSafeEqual(Buffer.from(record.secret, 'hex'), presented));
    // Spent by a conditional update: of two instances presented the same code, one wins.
    return match && (await this.factors.spend(match.id, nowSeconds())) ? match : null;
  }
}
