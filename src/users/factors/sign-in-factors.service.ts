import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../../common/crypto/tokens';
import type { Authentication, MfaPolicy } from '../../common/oauth/authentication';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import { AuditService } from '../../audit/audit.service';
import { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { ThrottleService } from '../../security/throttle.service';
import { FactorSecrets } from './factor-secrets';
import { isMultiFactor, needsSecondFactor, withSecondFactor } from './mfa-policy';
import { newRecoveryCode, RECOVERY_CODE_COUNT, RECOVERY_CODE_FACTOR, RecoveryCodeFactor } from './recovery-code.factor';
import { SignInFactorRegistry } from './sign-in-factor-registry';
import { TOTP_FACTOR, TotpFactor } from './totp.factor';
import { base32Decode, base32Encode, matchingStep, newTotpSecret } from './totp';
import { UserFactorEntity } from './user-factor.entity';
import { UserFactorsRepository } from './user-factors.repository';

/** A factor as the user and the admin API see it: never its secret. */
export interface FactorSummary {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface UserFactors {
  readonly factors: readonly FactorSummary[];
  readonly recoveryCodesRemaining: number;
}

export type SecondFactorResult =
  | { readonly ok: true; readonly amr: readonly string[] }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'locked'; readonly retryAfter: number };

/** Who acts on a user's factors: the user on the account page or an administrator (audited as such). */
export interface FactorActor {
  readonly actorUserId: string | null;
  readonly via: 'account' | 'admin';
}

/** A TOTP enrolment in progress: the secret the page shows, and sealed for the form to post back. */
export interface PendingTotp {
  readonly secret: string;
  readonly sealed: string;
}

/** What a sign-in still lacks: a code from the user's factor, or enrolling one first. */
export type PendingFactor = 'verify' | 'enrol';

/** The sign-in a second factor may be asked of: its user, the application, how far it got. */
export interface SignInAttempt {
  readonly userId: string;
  /** The application signed in to (its `mfa`; null: MFA_DEFAULT); null when unknown. */
  readonly client: { readonly mfa: MfaPolicy | null } | null;
  readonly authentication: Authentication;
  /** The acr values the request asks for (acr_values, the claims parameter). */
  readonly requestedAcr?: readonly string[];
}

const ENROLMENT = 'totp-enrolment';

/**
 * The second sign-in factors of users: enrolment, verification (counted against the same lockout
 * as passwords), and management from the account page and the admin API, every change audited.
 */
@Injectable()
export class SignInFactorsService {
  constructor(
    private readonly repository: UserFactorsRepository,
    private readonly registry: SignInFactorRegistry,
    private readonly totp: TotpFactor,
    private readonly recovery: RecoveryCodeFactor,
    private readonly secrets: FactorSecrets,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditService,
    private readonly work: UnitOfWork,
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
  ) {}

  /**
   * The one answer to "does this sign-in need a second factor", for every place a user signs in
   * (authorization endpoint, device page, password grant): null when it does not, 'verify' when
   * the user gives a code, 'enrol' when they have no factor yet and must enrol one. The policy is
   * an administrator's requirement for the user, else the application's `mfa` (or MFA_DEFAULT),
   * else the multi-factor class the request asks for.
   *
   * The same two lookups are made whatever the answer, so that after a right password the time
   * taken does not tell whether the user has a factor or is required to have one.
   */
  async pendingFactor(attempt: SignInAttempt): Promise<PendingFactor | null> {
    const [hasFactor, enrolmentRequired] = await Promise.all([this.hasSecondFactor(attempt.userId), this.repository.enrolmentRequired(attempt.userId)]);
    if (isMultiFactor(attempt.authentication)) return null;
    const policy = enrolmentRequired ? 'required' : (attempt.client?.mfa ?? this.mfa.defaultPolicy);
    if (!needsSecondFactor(policy, attempt.requestedAcr ?? [], hasFactor, this.mfa)) return null;
    return hasFactor ? 'verify' : 'enrol';
  }

  /** Whether an administrator requires the user to have a second factor (require-enrolment). */
  enrolmentRequired(userId: string): Promise<boolean> {
    return this.repository.enrolmentRequired(userId);
  }

  /**
   * An administrator requires the user to have a second factor: at the next sign-in they enrol one
   * after the password (or give a code if they have one), whatever the applications' policy.
   */
  async requireEnrolment(userId: string, actor: FactorActor): Promise<void> {
    // Idempotent: asking again changes nothing, so audits nothing.
    if (await this.repository.enrolmentRequired(userId)) return;
    return this.work.audited(
      { type: 'user.factor.enrolment_required', actorUserId: actor.actorUserId, subject: userId, detail: { via: actor.via } },
      async () => {
        await this.repository.requireEnrolment({ userId, requiredAt: nowSeconds(), requiredBy: actor.actorUserId });
      },
    );
  }

  /** Clears an administrator's requirement; false when there was none (nothing audited then). */
  async clearEnrolmentRequirement(userId: string, actor: FactorActor): Promise<boolean> {
    if (!(await this.repository.enrolmentRequired(userId))) return false;
    return this.work.audited({ type: 'user.factor.enrolment_cleared', actorUserId: actor.actorUserId, subject: userId, detail: { via: actor.via } }, () =>
      this.repository.clearEnrolmentRequirement(userId),
    );
  }

  async list(userId: string): Promise<UserFactors> {
    const rows = await this.repository.listForUser(userId);
    return {
      factors: rows
        .filter((row) => row.type !== RECOVERY_CODE_FACTOR)
        .map(({ id, type, name, createdAt, lastUsedAt }) => ({ id, type, name, createdAt, lastUsedAt })),
      recoveryCodesRemaining: rows.filter((row) => row.type === RECOVERY_CODE_FACTOR && row.spentAt === null).length,
    };
  }

  /** Whether the user has a factor to sign in with besides the password (recovery codes alone do not count). */
  async hasSecondFactor(userId: string): Promise<boolean> {
    return (await this.repository.listForUser(userId)).some((row) => row.type !== RECOVERY_CODE_FACTOR);
  }

  /**
   * Checks a code (TOTP or recovery code) for a user who has just given their password, or whose
   * session steps up. Every attempt counts against the user's lockout first, as a password does
   * (LoginService's key), so guessing codes is as limited as guessing passwords, on every instance.
   * `first` is how the session signed in (a password, an upstream provider): the event records both.
   */
  async verify(userId: string, proof: string, first: Authentication, clientId?: string): Promise<SecondFactorResult> {
    const key = `user:${userId}`;
    const lockedFor = await this.throttle.countLoginAttempt(key);
    if (lockedFor > 0) {
      await this.audit.record({ type: 'login.second_factor', outcome: 'failure', subject: userId, clientId, detail: { reason: 'locked' } });
      return { ok: false, reason: 'locked', retryAfter: lockedFor };
    }
    const code = proof.trim();
    const rows = await this.repository.listForUser(userId);
    for (const factor of this.registry.all()) {
      if (!factor.accepts(code)) continue;
      const used = await factor.verify(
        rows.filter((row) => row.type === factor.type),
        code,
      );
      if (!used) continue;
      await this.throttle.loginSucceeded(key);
      const amr = used.amr ?? factor.amr;
      const detail = { factor: factor.type, amr: withSecondFactor(this.mfa, first, amr).amr.join(' ') };
      await this.audit.record({ type: 'login.second_factor', actorUserId: userId, subject: userId, clientId, detail });
      return { ok: true, amr };
    }
    await this.audit.record({ type: 'login.second_factor', outcome: 'failure', subject: userId, clientId, detail: { reason: 'invalid' } });
    return { ok: false, reason: 'invalid' };
  }

  /** A new secret for the enrolment page, sealed to this user for the form that confirms it. */
  startTotp(userId: string): PendingTotp {
    const secret = base32Encode(newTotpSecret());
    return { secret, sealed: this.secrets.seal(secret, `${ENROLMENT}:${userId}`) };
  }

  /** The secret of a pending enrolment posted back, or null when it was not sealed for this user. */
  pendingSecret(userId: string, sealed: string): string | null {
    try {
      return this.secrets.open(sealed, `${ENROLMENT}:${userId}`);
    } catch {
      return null;
    }
  }

  /**
   * Confirms an enrolment with a code of the new authenticator (proof the user scanned it), and
   * returns the recovery codes created with the user's first authenticator (shown once), or [].
   * Null when the code does not match: nothing is stored.
   */
  async confirmTotp(userId: string, sealed: string, code: string, name: string, actor: FactorActor): Promise<readonly string[] | null> {
    const secret = this.pendingSecret(userId, sealed);
    const bytes = secret ? base32Decode(secret) : null;
    if (!secret || !bytes) return null;
    const lockedFor = await this.throttle.countLoginAttempt(`user:${userId}`);
    const step = lockedFor > 0 ? null : matchingStep(bytes, code.trim(), nowSeconds());
    if (step === null || !(await this.totp.claimUse(userId, step, code.trim()))) return null;
    return this.addTotp(userId, secret, name, actor, true);
  }

  /** An administrator imports a user's existing TOTP secret (base32), so the authenticator app keeps working. */
  async importTotp(userId: string, secretBase32: string, name: string, actor: FactorActor): Promise<FactorSummary> {
    const bytes = base32Decode(secretBase32);
    if (!bytes || bytes.length < 10) throw new OAuthError('invalid_request', 'secret must be a base32 TOTP secret of at least 80 bits');
    await this.addTotp(userId, base32Encode(bytes), name, actor, false);
    const { factors } = await this.list(userId);
    return factors[factors.length - 1];
  }

  private async addTotp(userId: string, secret: string, name: string, actor: FactorActor, withRecoveryCodes: boolean): Promise<readonly string[]> {
    const id = uuidv7();
    const now = nowSeconds();
    const row: UserFactorEntity = {
      id,
      userId,
      type: TOTP_FACTOR,
      name: name.trim().slice(0, 100) || 'Authenticator app',
      secret: this.secrets.seal(secret, id),
      createdAt: now,
      lastUsedAt: null,
      spentAt: null,
    };
    return this.work.audited(
      { type: 'user.factor.added', actorUserId: actor.actorUserId, subject: userId, detail: { factor: TOTP_FACTOR, id, via: actor.via } },
      async () => {
        const existing = await this.repository.listForUser(userId);
        await this.repository.insert([row]);
        const hasCodes = existing.some((r) => r.type === RECOVERY_CODE_FACTOR && r.spentAt === null);
        return withRecoveryCodes && !hasCodes ? this.replaceRecoveryCodes(userId) : [];
      },
    );
  }

  /** New recovery codes (shown once); the old ones stop working. */
  regenerateRecoveryCodes(userId: string, actor: FactorActor): Promise<readonly string[]> {
    return this.work.audited({ type: 'user.factor.recovery_codes', actorUserId: actor.actorUserId, subject: userId, detail: { via: actor.via } }, () =>
      this.replaceRecoveryCodes(userId),
    );
  }

  private async replaceRecoveryCodes(userId: string): Promise<readonly string[]> {
    const now = nowSeconds();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.repository.deleteOfType(userId, RECOVERY_CODE_FACTOR);
    await this.repository.insert(
      codes.map((code) => ({
        id: uuidv7(),
        userId,
        type: RECOVERY_CODE_FACTOR,
        name: 'Recovery code',
        secret: this.recovery.hash(code),
        createdAt: now,
        lastUsedAt: null,
        spentAt: null,
      })),
    );
    return codes;
  }

  /** Removes one factor; with the user's last authenticator go their recovery codes. False when there was none. */
  async remove(userId: string, factorId: string, actor: FactorActor): Promise<boolean> {
    return this.work.audited(
      { type: 'user.factor.removed', actorUserId: actor.actorUserId, subject: userId, detail: { id: factorId, via: actor.via } },
      async () => {
        const rows = await this.repository.listForUser(userId);
        const row = rows.find((r) => r.id === factorId && r.type !== RECOVERY_CODE_FACTOR);
        if (!row) return false;
        await this.repository.delete(userId, factorId);
        if (!rows.some((r) => r.id !== factorId && r.type !== RECOVERY_CODE_FACTOR)) await this.repository.deleteOfType(userId, RECOVERY_CODE_FACTOR);
        return true;
      },
    );
  }

  /**
   * Removes every factor and recovery code of a user (an administrator's reset). An enrolment
   * requirement stays, so the user enrols again, unless `withRequirement` (the user is deleted).
   */
  reset(userId: string, actor: FactorActor, withRequirement = false): Promise<void> {
    return this.work.audited({ type: 'user.factor.reset', actorUserId: actor.actorUserId, subject: userId, detail: { via: actor.via } }, async () => {
      await this.repository.deleteForUser(userId);
      if (withRequirement) await this.repository.clearEnrolmentRequirement(userId);
    });
  }
}
