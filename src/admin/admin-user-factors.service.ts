import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth-error';
import { PasskeysService } from '../users/factors/passkeys.service';
import { SignInFactorsService } from '../users/factors/sign-in-factors.service';
import { UsersService } from '../users/users.service';
import {
  EnrolmentRequirementResponse,
  ImportTotpDto,
  toUserFactorResponse,
  toUserFactorsResponse,
  UserFactorResponse,
  UserFactorsResponse,
} from './dto/user-factor.dto';

/** The admin side of users' sign-in factors; every change is audited (the actor from the request). */
@Injectable()
export class AdminUserFactorsService {
  private static readonly ADMIN = { actorUserId: null, via: 'admin' } as const;

  constructor(
    private readonly factors: SignInFactorsService,
    private readonly users: UsersService,
    private readonly passkeys: PasskeysService,
  ) {}

  async list(userId: string): Promise<UserFactorsResponse> {
    await this.assertUser(userId);
    const [factors, required] = await Promise.all([this.factors.list(userId), this.factors.enrolmentRequired(userId)]);
    return toUserFactorsResponse(factors, required, await this.passkeys.list(userId, factors.factors));
  }

  async importTotp(userId: string, dto: ImportTotpDto): Promise<UserFactorResponse> {
    await this.assertUser(userId);
    return toUserFactorResponse(await this.factors.importTotp(userId, dto.secret, dto.name ?? 'Authenticator app', AdminUserFactorsService.ADMIN));
  }

  async remove(userId: string, factorId: string): Promise<void> {
    await this.assertUser(userId);
    if (!(await this.factors.remove(userId, factorId, AdminUserFactorsService.ADMIN))) throw new OAuthError('not_found', 'factor not found');
  }

  async reset(userId: string): Promise<void> {
    await this.assertUser(userId);
    await this.factors.reset(userId, AdminUserFactorsService.ADMIN);
  }

  /** The user enrols a second factor at their next sign-in, whatever the applications' policy (audited). */
  async requireEnrolment(userId: string): Promise<EnrolmentRequirementResponse> {
    await this.assertUser(userId);
    await this.factors.requireEnrolment(userId, AdminUserFactorsService.ADMIN);
    return { enrolment_required: true };
  }

  /** Clears the requirement (audited when there was one); the applications' policy applies again. */
  async clearEnrolmentRequirement(userId: string): Promise<void> {
    await this.assertUser(userId);
    await this.factors.clearEnrolmentRequirement(userId, AdminUserFactorsService.ADMIN);
  }

  private async assertUser(userId: string): Promise<void> {
    if (!(await this.users.get(userId))) throw new OAuthError('not_found', 'user not found');
  }
}
