import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ThrottleService } from '../security/throttle.service';
import { UserProfile, UsersService } from './users.service';

export type LoginChannel = 'login_page' | 'password_grant';

export type LoginResult =
  | { readonly ok: true; readonly user: UserProfile }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'locked'; readonly retryAfter: number };

/**
 * Every check of a resource owner's password (login page and password grant): lockout after
 * repeated failures for one username (a temporary lock that ends by itself), and the audit trail.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditService,
  ) {}

  async attempt(username: string, password: string, channel: LoginChannel, clientId?: string): Promise<LoginResult> {
    const lockedFor = await this.throttle.loginLockedFor(username);
    if (lockedFor > 0) {
      await this.audit.record({ type: 'login.failure', outcome: 'failure', subject: username, clientId, detail: { channel, reason: 'locked' } });
      return { ok: false, reason: 'locked', retryAfter: lockedFor };
    }
    const user = await this.users.verifyCredentials(username, password);
    if (!user) {
      await this.throttle.loginFailed(username);
      await this.audit.record({ type: 'login.failure', outcome: 'failure', subject: username, clientId, detail: { channel, reason: 'invalid' } });
      return { ok: false, reason: 'invalid' };
    }
    await this.throttle.loginSucceeded(username);
    await this.audit.record({ type: 'login.success', actorUserId: user.id, subject: user.id, clientId, detail: { channel } });
    return { ok: true, user };
  }
}
