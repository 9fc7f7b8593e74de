import type { Authentication } from '../common/oauth/authentication';
import { sha256Hex } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import type { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import type { UserProfile, UsersService } from '../users/users.service';
import type { LoginSessionEntity } from './login-session.entity';
import type { LoginSessionRepository } from './login-session.repository';
import { LoginSessionService } from './login-session.service';

/** The login_sessions table in memory. */
class InMemoryLoginSessions implements LoginSessionRepository {
  readonly rows = new Map<string, LoginSessionEntity>();

  async insert(session: LoginSessionEntity): Promise<void> {
    this.rows.set(session.id, { ...session });
  }
  async findByHash(sessionHash: string): Promise<LoginSessionEntity | null> {
    return [...this.rows.values()].find((row) => row.sessionHash === sessionHash) ?? null;
  }
  async deleteByHash(sessionHash: string): Promise<void> {
    for (const [id, row] of this.rows) if (row.sessionHash === sessionHash) this.rows.delete(id);
  }
  async deleteForUser(userId: string): Promise<void> {
    for (const [id, row] of this.rows) if (row.userId === userId) this.rows.delete(id);
  }
  async stepUp(id: string, authentication: Authentication, authTime: number): Promise<void> {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, authentication, authTime });
  }
}

describe('LoginSessionService', () => {
  const alice = { id: 'alice', enabled: true } as UserProfile;
  let sessions: InMemoryLoginSessions;
  let service: LoginSessionService;

  beforeEach(() => {
    sessions = new InMemoryLoginSessions();
    const users = { findEnabled: async (id: string) => (id === alice.id ? alice : null) } as Pick<UsersService, 'findEnabled'>;
    const work = { run: <T>(task: () => Promise<T>) => task(), audited: <T>(_event: unknown, task: () => Promise<T>) => task() } as UnitOfWork;
    service = new LoginSessionService(sessions, users as UsersService, 600, { passwordAcr: '0', mfaAcr: 'mfa', defaultPolicy: 'optional' }, work);
  });

  it('stores only the SHA-256 of the cookie value, and finds the user and auth_time by the cookie', async () => {
    const { cookieValue, authTime } = await service.start(alice.id);
    const [row] = sessions.rows.values();
    expect(row.sessionHash).toBe(sha256Hex(cookieValue));
    expect(JSON.stringify(row)).not.toContain(cookieValue);
    expect(await service.current(cookieValue)).toEqual({ id: row.id, user: alice, authTime, authentication: { amr: ['pwd'], acr: '0' } });
  });

  it('steps a session up in place: same cookie, the new authentication and a later auth_time', async () => {
    const { cookieValue } = await service.start(alice.id);
    const session = (await service.current(cookieValue))!;
    const [row] = sessions.rows.values();
    row.authTime = session.authTime - 100;
    const authTime = await service.stepUp({ ...session, authTime: row.authTime }, { amr: ['pwd', 'otp', 'mfa'], acr: 'mfa' });
    expect(await service.current(cookieValue)).toEqual({ id: session.id, user: alice, authTime, authentication: { amr: ['pwd', 'otp', 'mfa'], acr: 'mfa' } });
    expect(authTime).toBeGreaterThan(row.createdAt - 100);
  });

  it('knows no session for an expired row, an unknown, empty or oversized cookie, or a disabled user', async () => {
    const { cookieValue } = await service.start(alice.id);
    expect(await service.current('unknown')).toBeNull();
    expect(await service.current('')).toBeNull();
    expect(await service.current('x'.repeat(129))).toBeNull();
    const [row] = sessions.rows.values();
    row.expiresAt = nowSeconds();
    expect(await service.current(cookieValue)).toBeNull();
    const bob = await service.start('bob');
    expect(await service.currentUser(bob.cookieValue)).toBeNull();
  });

  it('ends one session on sign-out and every session of a user on request', async () => {
    const first = await service.start(alice.id);
    const second = await service.start(alice.id);
    await service.signOut(first.cookieValue, null);
    expect(await service.currentUser(first.cookieValue)).toBeNull();
    expect(await service.currentUser(second.cookieValue)).toEqual(alice);
    await service.endAllForUser(alice.id);
    expect(sessions.rows.size).toBe(0);
  });
});
