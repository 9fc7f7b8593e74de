import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { MetricsService, SignInChannel } from '../metrics/metrics.service';
import { ThrottleService } from '../security/throttle.service';
import { UserProfile, UsersService } from './users.service';

export type LoginChannel = SignInChannel;

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
    private readonly metrics: MetricsService,
  ) {}

  async attempt(username: string, password: string, channel: LoginChannel, clientId?: string): Promise<LoginResult> {
    const candidate = await this.users.findForLogin(username);
    // Keyed on the account when it exists (every spelling the database matches counts together),
    // on the name otherwise. The attempt is counted before the password is checked, atomically, so
    // a burst of concurrent guesses cannot all pass the check before any failure is recorded.
    const key = candidate ? `user:${candidate.id}` : `name:${username.normalize('NFKC').trim().toLowerCase()}`;
    const lockedFor = await this.throttle.countLoginAttempt(key);
    if (lockedFor > 0) {
      this.metrics.signIn(channel, 'locked');
      await this.audit.record({ type: 'login.failure', outcome: 'failure', subject: username, clientId, detail: { channel, reason: 'locked' } });
      return { ok: false, reason: 'locked', retryAfter: lockedFor };
    }
    const user = await this.users.checkPassword(candidate, password);
    if (!user) {
      this.metrics.signIn(channel, 'invalid');
      await this.audit.record({ type: 'login.failure', outcome: 'failure', subject: username, clientId, detail: { channel, reason: 'invalid' } });
      return { ok: false, reason: 'invalid' };
    }
    await this.throttle.loginSucceeded(key);
    this.metrics.signIn(channel, 'success');
    await this.audit.record({ type: 'login.success', actorUserId: user.id, subject: user.id, clientId, detail: { channel } });
    return { ok: true, user };
  }
}
