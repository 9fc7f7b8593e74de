import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UserProfile, UsersService } from '../users/users.service';
import { LoginSessionEntity } from './login-session.entity';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';

/** Browser sign-in at the authorize endpoint, stored in the database (no process memory). */
@Injectable()
export class LoginSessionService {
  constructor(
    @InjectRepository(LoginSessionEntity) private readonly repository: Repository<LoginSessionEntity>,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionRunner,
  ) {}

  get ttlSeconds(): number {
    return this.config.loginSessionTtl;
  }

  /**
   * Starts a session and returns the cookie value (only its hash is stored) and the session's
   * start as stored, the OpenID Connect auth_time of every ID Token of this sign-in. Not after the
   * request was answered 503 (runForRequest): no session row without the cookie that names it.
   */
  async start(userId: string): Promise<{ readonly cookieValue: string; readonly authTime: number }> {
    const value = randomToken();
    const now = nowSeconds();
    await this.transactions.runForRequest((manager) =>
      manager.insert(LoginSessionEntity, {
        id: randomUUID(),
        sessionHash: sha256Hex(value),
        userId,
        expiresAt: now + this.config.loginSessionTtl,
        createdAt: now,
      }),
    );
    return { cookieValue: value, authTime: now };
  }

  /** Ends the session of a cookie value (sign-out), in the caller's transaction; nothing when there is none. */
  async end(cookieValue: unknown, manager: EntityManager = this.repository.manager): Promise<void> {
    if (typeof cookieValue !== 'string' || cookieValue === '' || cookieValue.length > 128) return;
    await manager.delete(LoginSessionEntity, { sessionHash: sha256Hex(cookieValue) });
  }

  async endAllForUser(userId: string, manager: EntityManager = this.repository.manager): Promise<void> {
    await manager.delete(LoginSessionEntity, { userId });
  }

  /** The signed-in, still enabled user of a cookie value, or null. */
  async currentUser(cookieValue: unknown): Promise<UserProfile | null> {
    return (await this.current(cookieValue))?.user ?? null;
  }

  /** The session of a cookie value: its still enabled user and when they authenticated; or null. */
  async current(cookieValue: unknown): Promise<{ readonly user: UserProfile; readonly authTime: number } | null> {
    // No cookie, an empty one or an oversized one is no session.
    if (typeof cookieValue !== 'string' || cookieValue === '' || cookieValue.length > 128) return null;
    const session = await this.repository.findOneBy({ sessionHash: sha256Hex(cookieValue) });
    if (!session || session.expiresAt <= nowSeconds()) return null;
    const user = await this.users.findEnabled(session.userId);
    return user ? { user, authTime: session.createdAt } : null;
  }
}
