import { nowSeconds } from '../../common/time';
import { ReplayCache } from '../../security/replay-cache';
import { FactorSecrets } from './factor-secrets';
import type { FactorRecord, SignInFactor } from './sign-in-factor';
import { SignInFactorProvider } from './sign-in-factor.decorator';
import { base32Decode, matchingStep, TOTP_PERIOD_SECONDS, TOTP_WINDOW } from './totp';
import { UserFactorsRepository } from './user-factors.repository';

export const TOTP_FACTOR = 'totp';

/** Namespace of used TOTP steps in the replay cache. */
const USED_STEPS = 'totp-step';

/** An authenticator app's code (RFC 6238: HMAC-SHA-1, 6 digits, 30 s, ±1 step), each code accepted once. */
@SignInFactorProvider()
export class TotpFactor implements SignInFactor {
  readonly type = TOTP_FACTOR;
  // RFC 8176 §2: "otp", a one-time password.
  readonly amr = ['otp'];

  constructor(
    private readonly secrets: FactorSecrets,
    private readonly replays: ReplayCache,
    private readonly factors: UserFactorsRepository,
  ) {}

  accepts(proof: string): boolean {
    return /^\d{6}$/.test(proof);
  }

  async verify(records: readonly FactorRecord[], proof: string): Promise<FactorRecord | null> {
    const now = nowSeconds();
    for (const record of records) {
      const step = this.matches(record, proof, now);
      if (step === null) continue;
      if (!(await this.claimUse(record.userId, step, proof))) return null;
      await this.factors.touch(record.id, now);
      return record;
    }
    return null;
  }

  /**
   * RFC 6238 §5.2: a verifier must not accept the second attempt of the same OTP. The use is
   * claimed in the replay cache every instance shares, kept until the window has passed its step;
   * keyed on the user and the code, so that a secret enrolled again (or imported) does not take it twice.
   */
  claimUse(userId: string, step: number, code: string): Promise<boolean> {
    return this.replays.claim(USED_STEPS, `${userId}\n${step}\n${code}`, (step + TOTP_WINDOW + 1) * TOTP_PERIOD_SECONDS);
  }

  /** Whether `code` is a current code of a record's secret (and of which step). */
  matches(record: FactorRecord, code: string, now = nowSeconds()): number | null {
    const secret = base32Decode(this.secrets.open(record.secret, record.id));
    return secret ? matchingStep(secret, code, now) : null;
  }
}
