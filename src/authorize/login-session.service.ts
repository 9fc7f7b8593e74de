import type { Authentication } from '../common/oauth/authentication';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { UserProfile, UsersService } from '../users/users.service';
import { LoginSessionRepository } from './login-session.repository';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';

/** A browser's sign-in: its still enabled user, when they last authenticated and how. */
export interface LoginSession {
  readonly id: string;
  readonly user: UserProfile;
  /** OpenID Connect auth_time: the sign-in, or the last step-up to a second factor. */
  readonly authTime: number;
  readonly authentication: Authentication;
}

/** Browser sign-in at the authorize endpoint, stored in the database (no process memory). */
@Injectable()
export class LoginSessionService {
  constructor(
    private readonly repository: LoginSessionRepository,
    private readonly users: UsersService,
    @InjectConfig('loginSessionTtl') private readonly loginSessionTtl: AppConfig['loginSessionTtl'],
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
    private readonly work: UnitOfWork,
  ) {}

  get ttlSeconds(): number {
    return this.loginSessionTtl;
  }

  /**
   * Starts a session and returns the cookie value (only its hash is stored) and the session's
   * start as stored, the OpenID Connect auth_time of every ID Token of this sign-in. Not after the
   * request was answered 503 (a unit of work): no session row without the cookie that names it.
   */
  async start(
    userId: string,
    authentication: Authentication = this.passwordOnly(),
    authenticatedAt: number | null = null,
  ): Promise<{ readonly id: string; readonly cookieValue: string; readonly authTime: number }> {
    const value = randomToken();
    const now = nowSeconds();
    // `authenticatedAt`: when an upstream provider says the user authenticated (its auth_time or
    // AuthnInstant), which the session's auth_time keeps (OpenID Connect Core §2: the time of the
    // authentication itself); never later than now.
    const authTime = authenticatedAt === null ? now : Math.min(authenticatedAt, now);
    const id = randomUUID();
    await this.work.run(() =>
      this.repository.insert({
        id,
        sessionHash: sha256Hex(value),
        userId,
        expiresAt: now + this.loginSessionTtl,
        createdAt: now,
        authentication,
        authTime,
      }),
    );
    return { id, cookieValue: value, authTime };
  }

  /**
   * Signs out: the session row of a cookie value is deleted, so no instance accepts the cookie any
   * more, with the `logout` event of its user (when one was signed in) in the same commit, and not
   * at all after a 503.
   */
  async signOut(cookieValue: unknown, signedIn: { readonly userId: string; readonly clientId: string | null } | null): Promise<void> {
    const end = () => this.end(cookieValue);
    if (!signedIn) return this.work.run(end);
    const { userId, clientId } = signedIn;
    await this.work.audited({ type: 'logout', actorUserId: userId, subject: userId, clientId }, end);
  }

  /** Ends the session of a cookie value, in the caller's unit of work when there is one; nothing when there is none. */
  private async end(cookieValue: unknown): Promise<void> {
    if (typeof cookieValue !== 'string' || cookieValue === '' || cookieValue.length > 128) return;
    await this.repository.deleteByHash(sha256Hex(cookieValue));
  }

  /** Ends every session of a user, in the caller's unit of work when there is one. */
  async endAllForUser(userId: string): Promise<void> {
    await this.repository.deleteForUser(userId);
  }

  /** The signed-in, still enabled user of a cookie value, or null. */
  async currentUser(cookieValue: unknown): Promise<UserProfile | null> {
    return (await this.current(cookieValue))?.user ?? null;
  }

  /**
   * The session's user has authenticated again, with a second factor: the same session (no new
   * cookie), now with `authentication` and auth_time now (OpenID Connect Core §2: the time of the
   * authentication the ID Token reports). Returns that auth_time.
   */
  async stepUp(session: LoginSession, authentication: Authentication): Promise<number> {
    const now = nowSeconds();
    await this.work.run(() => this.repository.stepUp(session.id, authentication, now));
    return now;
  }

  /** The session of a cookie value: its still enabled user and when they authenticated; or null. */
  async current(cookieValue: unknown): Promise<LoginSession | null> {
    // No cookie, an empty one or an oversized one is no session.
    if (typeof cookieValue !== 'string' || cookieValue === '' || cookieValue.length > 128) return null;
    const session = await this.repository.findByHash(sha256Hex(cookieValue));
    if (!session || session.expiresAt <= nowSeconds()) return null;
    const user = await this.users.findEnabled(session.userId);
    if (!user) return null;
    // Sessions from before sign-ins were recorded were a password's.
    const authentication = session.authentication ?? this.passwordOnly();
    return { id: session.id, user, authTime: session.authTime ?? session.createdAt, authentication };
  }

  /** RFC 8176 `pwd`, with the configured class of a password alone (ACR_PASSWORD). */
  passwordOnly(): Authentication {
    return { amr: ['pwd'], acr: this.mfa.passwordAcr };
  }
}
