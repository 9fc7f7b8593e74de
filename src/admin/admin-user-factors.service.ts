import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth-error';
import { PasskeysService } from '../users/factors/passkeys.service';
import { SignInFactorsService } from '../users/factors/sign-in-factors.service';
import { UsersService } from '../users/users.service';
import { ImportTotpDto, toUserFactorResponse, toUserFactorsResponse, UserFactorResponse, UserFactorsResponse } from './dto/user-factor.dto';

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
    const factors = await this.factors.list(userId);
    return toUserFactorsResponse(factors, await this.passkeys.list(userId, factors.factors));
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

  private async assertUser(userId: string): Promise<void> {
    if (!(await this.users.get(userId))) throw new OAuthError('not_found', 'user not found');
  }
}
