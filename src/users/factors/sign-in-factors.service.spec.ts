import type { AuditService } from '../../audit/audit.service';
import type { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import type { ThrottleService } from '../../security/throttle.service';
import type { MfaPolicy } from '../../common/oauth/authentication';
import type { FactorSecrets } from './factor-secrets';
import type { FactorRequirementEntity } from './factor-requirement.entity';
import { passwordAuthentication, withSecondFactor } from './mfa-policy';
import type { RecoveryCodeFactor } from './recovery-code.factor';
import type { SignInFactorRegistry } from './sign-in-factor-registry';
import { SignInFactorsService } from './sign-in-factors.service';
import type { TotpFactor } from './totp.factor';
import type { UserFactorEntity } from './user-factor.entity';
import { UserFactorsRepository } from './user-factors.repository';

const NAMES = { passwordAcr: '0', mfaAcr: 'urn:example:mfa' };

/** The user_factors and user_factor_requirements tables in memory, every statement written down. */
class InMemoryFactors extends UserFactorsRepository {
  readonly calls: string[] = [];
  readonly rows: UserFactorEntity[] = [];
  readonly required = new Set<string>();

  private log(call: string): void {
    this.calls.push(call);
  }
  async listForUser(userId: string): Promise<UserFactorEntity[]> {
    this.log('listForUser');
    return this.rows.filter((row) => row.userId === userId);
  }
  async insert(rows: readonly UserFactorEntity[]): Promise<void> {
    this.log('insert');
    this.rows.push(...rows);
  }
  async spend(): Promise<boolean> {
    this.log('spend');
    return false;
  }
  async touch(): Promise<void> {
    this.log('touch');
  }
  async rename(userId: string, id: string, type: string, name: string): Promise<boolean> {
    this.log('rename');
    const row = this.rows.find((r) => r.userId === userId && r.id === id && r.type === type);
    if (row) row.name = name;
    return row !== undefined;
  }
  async delete(): Promise<boolean> {
    this.log('delete');
    return false;
  }
  async deleteOfType(): Promise<void> {
    this.log('deleteOfType');
  }
  async deleteForUser(): Promise<void> {
    this.log('deleteForUser');
  }
  async enrolmentRequired(userId: string): Promise<boolean> {
    this.log('enrolmentRequired');
    return this.required.has(userId);
  }
  async requireEnrolment(row: FactorRequirementEntity): Promise<boolean> {
    this.log('requireEnrolment');
    if (this.required.has(row.userId)) return false;
    this.required.add(row.userId);
    return true;
  }
  async clearEnrolmentRequirement(userId: string): Promise<boolean> {
    this.log('clearEnrolmentRequirement');
    return this.required.delete(userId);
  }
}

const totpRow = (userId: string): UserFactorEntity => ({
  id: `f-${userId}`,
  userId,
  type: 'totp',
  name: 'Phone',
  secret: 'sealed',
  createdAt: 1,
  lastUsedAt: null,
  spentAt: null,
});

function setup(defaultPolicy: MfaPolicy = 'optional') {
  const repository = new InMemoryFactors();
  repository.rows.push(totpRow('with-factor'));
  const work = { audited: (_event: unknown, action: () => Promise<unknown>) => action() } as unknown as UnitOfWork;
  const service = new SignInFactorsService(
    repository,
    {} as SignInFactorRegistry,
    {} as TotpFactor,
    {} as RecoveryCodeFactor,
    {} as FactorSecrets,
    {} as ThrottleService,
    {} as AuditService,
    work,
    { defaultPolicy, ...NAMES },
  );
  return { repository, service };
}

const password = passwordAuthentication(NAMES);
const app = (mfa: MfaPolicy | null) => ({ mfa });

describe('SignInFactorsService.pendingFactor: the one second-factor policy of every sign-in', () => {
  it('asks a user with a factor for a code, and takes one without through enrolment, when the application requires it', async () => {
    const { service } = setup();
    await expect(service.pendingFactor({ userId: 'with-factor', client: app('required'), authentication: password })).resolves.toBe('verify');
    await expect(service.pendingFactor({ userId: 'without', client: app('required'), authentication: password })).resolves.toBe('enrol');
  });

  it('follows MFA_DEFAULT for an application without a policy, and asks nothing under "off"', async () => {
    await expect(setup('required').service.pendingFactor({ userId: 'without', client: app(null), authentication: password })).resolves.toBe('enrol');
    await expect(setup('optional').service.pendingFactor({ userId: 'without', client: app(null), authentication: password })).resolves.toBeNull();
    await expect(setup('optional').service.pendingFactor({ userId: 'with-factor', client: null, authentication: password })).resolves.toBe('verify');
    await expect(setup().service.pendingFactor({ userId: 'with-factor', client: app('off'), authentication: password })).resolves.toBeNull();
  });

  it('asks for the multi-factor class the request names, whatever the policy', async () => {
    const { service } = setup();
    const attempt = { userId: 'with-factor', client: app('off'), authentication: password };
    await expect(service.pendingFactor({ ...attempt, requestedAcr: [NAMES.mfaAcr] })).resolves.toBe('verify');
    await expect(service.pendingFactor({ ...attempt, requestedAcr: ['0', NAMES.mfaAcr] })).resolves.toBeNull();
  });

  it('asks nothing more of a session that has given its second factor', async () => {
    const { service } = setup('required');
    const stepped = withSecondFactor(NAMES, passwordAuthentication(NAMES), ['otp']);
    await expect(service.pendingFactor({ userId: 'with-factor', client: app('required'), authentication: stepped })).resolves.toBeNull();
  });

  it('takes a user an administrator requires to enrol through enrolment, even for an application whose policy is off; clearing it ends that', async () => {
    const { service } = setup();
    const attempt = { userId: 'without', client: app('off'), authentication: password };
    await service.requireEnrolment('without', { actorUserId: null, via: 'admin' });
    await expect(service.pendingFactor(attempt)).resolves.toBe('enrol');
    await expect(service.clearEnrolmentRequirement('without', { actorUserId: null, via: 'admin' })).resolves.toBe(true);
    await expect(service.pendingFactor(attempt)).resolves.toBeNull();
    await expect(service.clearEnrolmentRequirement('without', { actorUserId: null, via: 'admin' })).resolves.toBe(false);
  });

  it('makes the same lookups after a right password whether the user has a factor, must enrol, or needs nothing', async () => {
    const lookups: string[][] = [];
    for (const [userId, mfa, required] of [
      ['with-factor', 'required', false],
      ['with-factor', 'optional', false],
      ['without', 'optional', false],
      ['without', 'off', false],
      ['without', 'required', false],
      ['without', 'off', true],
    ] as const) {
      const { repository, service } = setup();
      if (required) repository.required.add(userId);
      await service.pendingFactor({ userId, client: app(mfa), authentication: password });
      lookups.push(repository.calls);
    }
    expect(lookups[0]).toEqual(['listForUser', 'enrolmentRequired']);
    for (const calls of lookups) expect(calls).toEqual(lookups[0]);
  });
});
