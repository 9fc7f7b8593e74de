import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { MetricsService, SignInChannel } from '../metrics/metrics.service';
import { ThrottleService } from '../security/throttle.service';
import { federatedSource } from './federated-credential';
import { DirectoryUnavailableError, UserDirectories } from './user-directories';
import { LoginCandidate, UserProfile, UsersService } from './users.service';

export type LoginChannel = SignInChannel;

export type LoginResult =
  | { readonly ok: true; readonly user: UserProfile }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'locked'; readonly retryAfter: number }
  /** A user directory did not answer: nothing was decided (the attempt still counts). */
  | { readonly ok: false; readonly reason: 'unavailable' };

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
    private readonly directories: UserDirectories,
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
    let user: UserProfile | null;
    try {
      user = await this.checkPassword(candidate, username, password);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      this.metrics.signIn(channel, 'unavailable');
      await this.audit.record({ type: 'login.failure', outcome: 'failure', subject: username, clientId, detail: { channel, reason: 'unavailable' } });
      return { ok: false, reason: 'unavailable' };
    }
    if (!user) {
      this.metrics.signIn(channel, 'invalid');
      await this.audit.record({ type: 'login.failure', outcome: 'failure', subject: username, clientId, detail: { channel, reason: 'invalid' } });
      return { ok: false, reason: 'invalid' };
    }
    await this.throttle.loginSucceeded(key);
    this.metrics.signIn(channel, 'success');
    await this.audit.record({ type: 'login.success', actorUserId: user.id, subject: user.id, clientId, detail: { channel, amr: 'pwd' } });
    return { ok: true, user };
  }

  /**
   * A local user's password here; a federated user's, or a name we do not know, in the user
   * directory (which links the account at its first sign-in). A name nobody vouches for costs one
   * argon2 verification as well.
   */
  private async checkPassword(candidate: LoginCandidate | null, username: string, password: string): Promise<UserProfile | null> {
    const directory = this.directories.get();
    if (!directory || (candidate && !federatedSource(candidate.passwordHash))) return this.users.checkPassword(candidate, password);
    const user = await directory.authenticate(username, password, candidate);
    if (!user && !candidate) await this.users.checkPassword(null, password);
    return user;
  }
}
