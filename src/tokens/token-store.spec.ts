import { QueryFailedError } from 'typeorm';
import { AbandonedError } from '../database/unit-of-work/abandon';
import type { AuditService } from '../audit/audit.service';
import type { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import type { AccessTokenEntity } from './entities/access-token.entity';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';
import { isActive, TokenStore, type TokenWrite } from './token-store';
import type { TokenRepository } from './token.repository';
import type { AccessTokenFormats } from './access-token-formats';
import type { TokenRevocations } from './token-revocations';
import type { MetricsService } from '../metrics/metrics.service';
import type { TokenCompensator } from './compensation/token-compensator';

const databaseRetried = jest.fn();
const watched = { committed: jest.fn(), rolledBack: jest.fn(), failed: jest.fn() };
const compensator = { watch: () => watched } as unknown as TokenCompensator;

/** A TokenStore whose repository spends with `spendAndStore` (answering which inputs it spent). */
function store(spendAndStore: jest.Mock, tokens = {} as TokenRepository, formats = {} as AccessTokenFormats, revocations = {} as TokenRevocations) {
  const audit = {} as unknown as AuditService;
  return new TokenStore(
    Object.assign(Object.create(tokens) as TokenRepository, { spendAndStore }),
    audit,
    {} as UnitOfWork,
    formats,
    revocations,
    { databaseRetried } as unknown as MetricsService,
    { max: 200, lingerMs: 0 },
    compensator,
  );
}

const deadlock = () => new QueryFailedError('UPDATE …', [], Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' }));
const write = (kind: 'refresh_token' | 'authorization_code' = 'refresh_token'): TokenWrite => ({
  spends: { kind, id: 'r1' },
  access: {} as AccessTokenEntity,
  audit: { id: 'event-1' } as never,
});

describe('TokenStore batched writes', () => {
  it('runs a batch again when InnoDB rolled it back as a deadlock victim, and counts the retry', async () => {
    databaseRetried.mockClear();
    const run = jest.fn().mockRejectedValueOnce(deadlock()).mockResolvedValueOnce([true]);
    expect(await store(run).write(write())).toBe(true);
    expect(run).toHaveBeenCalledTimes(2);
    expect(databaseRetried).toHaveBeenCalledTimes(1);
  });

  it('does not retry other failures, and gives up on deadlocks after a few attempts', async () => {
    const failing = jest.fn().mockRejectedValue(new Error('connection lost'));
    await expect(store(failing).write(write())).rejects.toThrow('connection lost');
    expect(failing).toHaveBeenCalledTimes(1);
    const alwaysDeadlocked = jest.fn().mockRejectedValue(deadlock());
    await expect(store(alwaysDeadlocked).write(write())).rejects.toThrow(QueryFailedError);
    expect(alwaysDeadlocked).toHaveBeenCalledTimes(4);
  });

  it('answers false when another request spent the input first, and fails when the request was answered 503', async () => {
    expect(await store(jest.fn().mockResolvedValue([false])).write(write('authorization_code'))).toBe(false);
    const spendAndStore = jest.fn();
    await expect(store(spendAndStore).write({ ...write(), abandoned: AbortSignal.abort() })).rejects.toThrow('rolled back');
    // Dropped before its transaction: nothing was sent.
    expect(spendAndStore).not.toHaveBeenCalled();
  });
});

describe('TokenStore spending batches', () => {
  const job = (spends: TokenWrite['spends'], access: string): TokenWrite => ({
    spends,
    access: { id: access } as AccessTokenEntity,
    audit: { id: `event-${access}` } as never,
  });

  it('spends each input once per batch: of two writes presenting the same one, the first is stored', async () => {
    const spendAndStore = jest
      .fn()
      .mockImplementation(async (inputs: unknown[], _now, _signals, rowsFor: (spent: boolean[]) => { access: { id: string }[] }) => {
        const spent = inputs.map(() => true);
        expect(rowsFor(spent).access.map((row) => row.id)).toEqual(['a1', 'a3']);
        return spent;
      });
    const tokens = store(spendAndStore);
    const outcomes = await Promise.all([
      tokens.write(job({ kind: 'refresh_token', id: 'r1' }, 'a1')),
      tokens.write(job({ kind: 'refresh_token', id: 'r1' }, 'a2')),
      tokens.write(job({ kind: 'authorization_code', id: 'r1' }, 'a3')),
    ]);
    expect(outcomes).toEqual([true, false, true]);
    expect(spendAndStore).toHaveBeenCalledTimes(1);
    expect(spendAndStore.mock.calls[0][0]).toEqual([
      { kind: 'refresh_token', id: 'r1' },
      { kind: 'authorization_code', id: 'r1' },
    ]);
  });

  it('stores, of a batch whose inputs were partly spent elsewhere, the writes whose input it spent and those that spend none', async () => {
    const spendAndStore = jest.fn().mockImplementation(async (_inputs, _now, _signals, rowsFor: (spent: boolean[]) => { access: { id: string }[] }) => {
      expect(rowsFor([false, true, false]).access.map((row) => row.id)).toEqual(['a2', 'a4']);
      return [false, true, false];
    });
    const tokens = store(spendAndStore);
    const outcomes = await Promise.all([
      tokens.write(job({ kind: 'refresh_token', id: 'r1' }, 'a1')),
      tokens.write(job({ kind: 'refresh_token', id: 'r2' }, 'a2')),
      tokens.write(job({ kind: 'authorization_code', id: 'c1' }, 'a3')),
      tokens.write(job(undefined, 'a4')),
    ]);
    expect(outcomes).toEqual([false, true, false, true]);
  });
});

describe('TokenStore spending batches answered 503 in part', () => {
  it('runs a batch again without the write whose request was answered 503 while it ran, which rolled it back', async () => {
    const answered503 = new AbortController();
    const spendAndStore = jest
      .fn()
      .mockImplementationOnce(async () => {
        answered503.abort();
        throw new AbandonedError();
      })
      .mockResolvedValueOnce([true]);
    const tokens = store(spendAndStore);
    const [timedOut, other] = await Promise.allSettled([
      tokens.write({ ...write(), abandoned: answered503.signal }),
      tokens.write({ ...write(), spends: { kind: 'refresh_token', id: 'r2' } }),
    ]);
    expect(timedOut.status).toBe('rejected');
    expect(other).toEqual({ status: 'fulfilled', value: true });
    expect(spendAndStore.mock.calls[1][0]).toEqual([{ kind: 'refresh_token', id: 'r2' }]);
  });
});

describe('TokenStore writes in doubt', () => {
  beforeEach(() => Object.values(watched).forEach((fn) => fn.mockClear()));

  it('tells the compensator of a write committed while its request was answered 503, and does not go on', async () => {
    const abandoned = new AbortController();
    const run = jest.fn().mockImplementation(async () => {
      abandoned.abort();
      return [true];
    });
    await expect(store(run).write({ ...write(), abandoned: abandoned.signal })).rejects.toThrow('rolled back');
    expect(watched.committed).toHaveBeenCalledTimes(1);
  });

  it('hands a failed write to the compensator, which decides from the error whether it may have committed', async () => {
    const lost = Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    await expect(store(jest.fn().mockRejectedValue(lost)).write(write())).rejects.toThrow('Connection lost');
    expect(watched.failed).toHaveBeenCalledWith(lost);
  });

  it('reports a write that stored nothing as rolled back', async () => {
    await store(jest.fn().mockResolvedValue([false])).write(write('authorization_code'));
    expect(watched.rolledBack).toHaveBeenCalledTimes(1);
    expect(watched.committed).not.toHaveBeenCalled();
  });
});

describe('isActive: the one definition of an active token', () => {
  const now = 1_000;
  const access = (row: Partial<AccessTokenEntity>) => ({
    kind: 'access_token' as const,
    row: { revokedAt: null, expiresAt: now + 1, ...row } as AccessTokenEntity,
  });
  const refresh = (row: Partial<RefreshTokenEntity>) => ({
    kind: 'refresh_token' as const,
    row: { revokedAt: null, rotatedAt: null, expiresAt: now + 1, ...row } as RefreshTokenEntity,
  });

  it('is neither revoked nor expired', () => {
    expect(isActive(access({}), now)).toBe(true);
    expect(isActive(access({ revokedAt: now - 1 }), now)).toBe(false);
    expect(isActive(access({ expiresAt: now }), now)).toBe(false);
  });

  it('for a refresh token, also not spent by a rotation', () => {
    expect(isActive(refresh({}), now)).toBe(true);
    expect(isActive(refresh({ rotatedAt: now - 1 }), now)).toBe(false);
    expect(isActive(refresh({ revokedAt: now - 1 }), now)).toBe(false);
  });
});

describe('TokenStore.findAccessToken for a JWT', () => {
  const decoded = (stored: boolean) => ({
    id: 'jti-1',
    clientId: 'c',
    userId: 'u',
    scope: '',
    issuedAt: 1,
    expiresAt: 2,
    cnf: null,
    grantId: 'g',
    claims: null,
    authentication: null,
    resource: null,
    stored,
  });
  const row = { id: 'jti-1', revokedAt: 5 } as AccessTokenEntity;

  it('reads the row of a JWT minted while JWTs were stored (no grant_id): its revocation is there', async () => {
    const findAccessByHash = jest.fn().mockResolvedValue(row);
    const formats = { looksLikeJwt: () => true, decode: async () => decoded(true) } as unknown as AccessTokenFormats;
    const revokedAt = jest.fn();
    const found = await store(jest.fn(), { findAccessByHash } as unknown as TokenRepository, formats, {
      revokedAt,
    } as unknown as TokenRevocations).findAccessToken('a.b.c');
    expect(found).toBe(row);
    expect(findAccessByHash).toHaveBeenCalledWith(expect.stringMatching(/^[0-9a-f]{64}$/));
    expect(revokedAt).not.toHaveBeenCalled();
  });

  it('checks a current JWT against the revocations, without a row', async () => {
    const findAccessByHash = jest.fn();
    const formats = { looksLikeJwt: () => true, decode: async () => decoded(false) } as unknown as AccessTokenFormats;
    const revokedAt = jest.fn().mockResolvedValue(7);
    const found = await store(jest.fn(), { findAccessByHash } as unknown as TokenRepository, formats, {
      revokedAt,
    } as unknown as TokenRevocations).findAccessToken('a.b.c');
    expect(found).toMatchObject({ id: 'jti-1', revokedAt: 7 });
    expect(findAccessByHash).not.toHaveBeenCalled();
  });
});
