import type { CacheBus } from '../cache/cache-bus.service';
import { uuidv7 } from '../common/crypto/tokens';
import type { SigningKeysService } from '../keys/signing-keys.service';
import type { TokenRevocationEntity } from './entities/token-revocation.entity';
import { TokenRevocationRepository } from './token-revocation.repository';
import { type JwtSubjects, TokenRevocations } from './token-revocations';

/** The token_revocations table in memory, counting the reads a check makes. */
class InMemoryRevocations implements TokenRevocationRepository {
  readonly rows = new Map<string, TokenRevocationEntity>();
  reads = 0;

  async find(ids: readonly string[]): Promise<TokenRevocationEntity[]> {
    this.reads++;
    return ids.flatMap((id) => (this.rows.has(id) ? [this.rows.get(id)!] : []));
  }

  async unexpired(now: number): Promise<TokenRevocationEntity[]> {
    this.reads++;
    return [...this.rows.values()].filter((row) => row.expiresAt > now);
  }

  async record(rows: readonly TokenRevocationEntity[]): Promise<void> {
    for (const row of rows) this.rows.set(row.id, row);
  }
}

/** A cache bus that delivers every message to every instance built on it, subscribed or not. */
class FakeBus {
  subscription: number | null = null;
  private readonly listeners: ((key: string) => void)[] = [];

  onMessage(_topic: string, listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  async invalidate(_topic: string, key: string): Promise<void> {
    for (const listener of this.listeners) listener(key);
  }
}

const keys = { longestTokenLifetime: async () => 3600 } as SigningKeysService;
const jwt = (overrides: Partial<JwtSubjects> = {}): JwtSubjects => ({
  jti: uuidv7(),
  grantId: 'grant-1',
  userId: 'user-1',
  clientId: 'client-1',
  issuedAt: Math.floor(Date.now() / 1000),
  ...overrides,
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('TokenRevocations: the deny-list and not-before times of JWT access tokens', () => {
  it('refuses a JWT whose jti, grant, user, application or user at the application was revoked after it was minted', async () => {
    const table = new InMemoryRevocations();
    const revocations = new TokenRevocations(table, new FakeBus() as unknown as CacheBus, keys);
    const subjects = [
      { jti: 'x', expiresAt: 0 },
      { grantId: 'grant-1' },
      { userId: 'user-1' },
      { clientId: 'client-1' },
      { userId: 'user-1', clientId: 'client-1' },
    ];
    for (const subject of subjects) {
      table.rows.clear();
      const token = 'jti' in subject ? jwt({ jti: uuidv7() }) : jwt();
      await tick();
      await revocations.revoke(['jti' in subject ? { jti: token.jti, expiresAt: token.issuedAt + 60 } : subject]);
      expect(await revocations.revokedAt(token)).not.toBeNull();
      expect(await revocations.revokedAt(jwt({ grantId: 'grant-2', userId: 'user-2', clientId: 'client-2' }))).toBeNull();
    }
  });

  it('refuses a revoked JWT whatever the clocks say: one minted by an instance whose clock runs ahead (RFC 7009 §2)', async () => {
    const table = new InMemoryRevocations();
    const revocations = new TokenRevocations(table, new FakeBus() as unknown as CacheBus, keys);
    // Minted on an instance 5 s ahead: its UUIDv7 time is later than the revoking instance's now.
    const ahead = Date.now() + 5000;
    const token = jwt({ jti: uuidv7(ahead), issuedAt: Math.floor(ahead / 1000) });
    await revocations.revoke([{ jti: token.jti, expiresAt: token.issuedAt + 60 }]);
    expect(await revocations.revokedAt(token)).not.toBeNull();
  });

  it('accepts a JWT minted after the revocation of its subject (a user enabled again signs in anew)', async () => {
    const revocations = new TokenRevocations(new InMemoryRevocations(), new FakeBus() as unknown as CacheBus, keys);
    const before = jwt();
    await tick();
    await revocations.revoke([{ userId: 'user-1' }]);
    await tick();
    expect(await revocations.revokedAt(before)).not.toBeNull();
    expect(await revocations.revokedAt(jwt())).toBeNull();
  });

  it('reads the table on every check without a bus, and its in-memory mirror once subscribed, kept current by messages', async () => {
    const table = new InMemoryRevocations();
    const bus = new FakeBus();
    const here = new TokenRevocations(table, bus as unknown as CacheBus, keys);
    const there = new TokenRevocations(table, bus as unknown as CacheBus, keys);
    const token = jwt();
    await there.revokedAt(token);
    await there.revokedAt(token);
    expect(table.reads).toBe(2);

    bus.subscription = 1;
    await there.revokedAt(token); // fills the mirror meanwhile (one read of the table)
    await tick();
    const reads = table.reads;
    expect(await there.revokedAt(token)).toBeNull();
    await tick();
    await here.revoke([{ grantId: 'grant-1' }]);
    expect(await there.revokedAt(token)).not.toBeNull();
    expect(table.reads).toBe(reads);
  });
});
