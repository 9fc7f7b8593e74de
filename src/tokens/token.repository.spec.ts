import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase, entityDataSource, TEST_DB, type TestDatabase } from '../../test/support/databases';
import { sleep } from '../../test/support/sleep';
import { AuditEventEntity } from '../audit/audit-event.entity';
import type { AuditRepository } from '../audit/audit.repository';
import { AbandonedError } from '../database/unit-of-work/abandon';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { AccessTokenEntity } from './entities/access-token.entity';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { type SingleUseInput, type TokenRows, TypeOrmTokenRepository } from './token.repository';

const NOW = 1_700_000_000;
const ALL = [true, true, true];
const NONE = [false, false, false];
const hash = () => randomBytes(32).toString('hex');

/** The columns an access token and a refresh token share (IssuedTokenEntity), and their state columns. */
const issued = () => ({
  id: randomUUID(),
  tokenHash: hash(),
  clientId: 'client',
  userId: null,
  scope: 'read',
  grantId: randomUUID(),
  resource: null,
  cnf: null,
  claims: null,
  authTime: null,
  authentication: null,
  revokedAt: null,
  createdAt: NOW,
});

function refreshToken(fields: Partial<RefreshTokenEntity> = {}): RefreshTokenEntity {
  return Object.assign(new RefreshTokenEntity(), { ...issued(), expiresAt: NOW + 3600, rotatedAt: null, parentId: null, accessTokenId: null, ...fields });
}

function accessToken(): AccessTokenEntity {
  return Object.assign(new AccessTokenEntity(), { ...issued(), expiresAt: NOW + 600 });
}

function authorizationCode(fields: Partial<AuthorizationCodeEntity> = {}): AuthorizationCodeEntity {
  return Object.assign(new AuthorizationCodeEntity(), {
    id: randomUUID(),
    codeHash: hash(),
    clientId: 'client',
    userId: randomUUID(),
    redirectUri: 'https://client.example/cb',
    redirectUriProvided: true,
    scope: 'openid',
    codeChallenge: null,
    codeChallengeMethod: null,
    nonce: null,
    authTime: null,
    claims: null,
    resource: null,
    dpopJkt: null,
    expiresAt: NOW + 60,
    spentAt: null,
    authentication: null,
    createdAt: NOW,
    ...fields,
  });
}

function issuedEvent(): AuditEventEntity {
  return Object.assign(new AuditEventEntity(), {
    id: randomUUID(),
    occurredAt: NOW,
    type: 'token.issued',
    outcome: 'success',
    actorUserId: null,
    clientId: 'client',
    subject: null,
    ip: null,
    detail: null,
  });
}

/** What one input's redemption would store: an access token, a refresh token and their event. */
function yields(): TokenRows {
  return { access: [accessToken()], refresh: [refreshToken()], revokesAccess: [], audit: [issuedEvent()] };
}

/** The rows of the inputs spent (by index), as TokenStore gives them. */
function rowsOf(perInput: readonly TokenRows[]) {
  return (spent: readonly boolean[]): TokenRows => {
    const won = perInput.filter((_, i) => spent[i]);
    return {
      access: won.flatMap((rows) => rows.access),
      refresh: won.flatMap((rows) => rows.refresh),
      revokesAccess: won.flatMap((rows) => rows.revokesAccess),
      audit: won.flatMap((rows) => rows.audit),
    };
  };
}

const refreshInput = (row: RefreshTokenEntity): SingleUseInput => ({ kind: 'refresh_token', id: row.id });
const codeInput = (row: AuthorizationCodeEntity): SingleUseInput => ({ kind: 'authorization_code', id: row.id });

describe(`TokenRepository.spendAndStore [${TEST_DB}]`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: TransactionRunner;
  let tokens: TypeOrmTokenRepository;
  const saved = <T extends RefreshTokenEntity | AuthorizationCodeEntity>(row: T): Promise<T> => dataSource.manager.save(row);
  const refreshRow = (id: string) => dataSource.getRepository(RefreshTokenEntity).findOneByOrFail({ id });
  /** Whether the access token, the refresh token and the event of `rows` are stored, each. */
  const storedOf = async (rows: TokenRows) => [
    await dataSource.getRepository(AccessTokenEntity).existsBy({ id: rows.access[0].id }),
    await dataSource.getRepository(RefreshTokenEntity).existsBy({ id: rows.refresh[0].id }),
    await dataSource.getRepository(AuditEventEntity).existsBy({ id: rows.audit[0].id }),
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await entityDataSource(db, [AccessTokenEntity, RefreshTokenEntity, AuthorizationCodeEntity, AuditEventEntity]);
    runner = new TransactionRunner(dataSource);
    const audit = { metadata: dataSource.getMetadata(AuditEventEntity) } as AuditRepository;
    tokens = new TypeOrmTokenRepository(runner, dataSource.getRepository(AccessTokenEntity), dataSource.getRepository(RefreshTokenEntity), audit);
  });

  afterAll(async () => {
    await runner.onModuleDestroy();
    await dataSource.destroy();
    await db.drop();
  });

  it('spends an unspent refresh token and stores what it yields, in one commit', async () => {
    const presented = await saved(refreshToken());
    const rows = yields();
    expect(await tokens.spendAndStore([refreshInput(presented)], NOW, [], rowsOf([rows]))).toEqual([true]);
    expect((await refreshRow(presented.id)).rotatedAt).toBe(NOW);
    expect(await storedOf(rows)).toEqual(ALL);
  });

  it('spends nothing and stores nothing for a refresh token spent or revoked before', async () => {
    const spent = await saved(refreshToken({ rotatedAt: NOW }));
    const revoked = await saved(refreshToken({ revokedAt: NOW - 1 }));
    for (const presented of [spent, revoked]) {
      const rows = yields();
      expect(await tokens.spendAndStore([refreshInput(presented)], NOW, [], rowsOf([rows]))).toEqual([false]);
      expect(await storedOf(rows)).toEqual(NONE);
    }
    expect((await refreshRow(revoked.id)).rotatedAt).toBeNull();
  });

  it('tells exactly which of several inputs it spent, one spent before in the same second, and stores only theirs', async () => {
    const inputs = [
      refreshInput(await saved(refreshToken())),
      // Spent by another request at the same `now`: its column holds the very value this call sets.
      refreshInput(await saved(refreshToken({ rotatedAt: NOW }))),
      codeInput(await saved(authorizationCode())),
      codeInput(await saved(authorizationCode({ spentAt: NOW }))),
      refreshInput(await saved(refreshToken())),
    ];
    const rows = inputs.map(() => yields());
    expect(await tokens.spendAndStore(inputs, NOW, [], rowsOf(rows))).toEqual([true, false, true, false, true]);
    expect(await Promise.all(rows.map(storedOf))).toEqual([ALL, NONE, ALL, NONE, ALL]);
  });

  it('lets exactly one of two concurrent calls spend the same input', async () => {
    const presented = await saved(refreshToken());
    const [a, b] = [yields(), yields()];
    const outcomes = await Promise.all([
      tokens.spendAndStore([refreshInput(presented)], NOW, [], rowsOf([a])),
      tokens.spendAndStore([refreshInput(presented)], NOW, [], rowsOf([b])),
    ]);
    expect(outcomes.flat().sort()).toEqual([false, true]);
    expect([await storedOf(a), await storedOf(b)]).toEqual(outcomes[0][0] ? [ALL, NONE] : [NONE, ALL]);
  });

  it('revokes in the same commit the access tokens a retry replaces', async () => {
    const replaced = await dataSource.manager.save(accessToken());
    const presented = await saved(refreshToken());
    const rows = { ...yields(), revokesAccess: [replaced.id] };
    expect(await tokens.spendAndStore([refreshInput(presented)], NOW, [], rowsOf([rows]))).toEqual([true]);
    expect((await dataSource.getRepository(AccessTokenEntity).findOneByOrFail({ id: replaced.id })).revokedAt).toBe(NOW);
  });

  it('stores nothing for a request already answered 503', async () => {
    const presented = await saved(refreshToken());
    const rows = yields();
    await expect(tokens.spendAndStore([refreshInput(presented)], NOW, [AbortSignal.abort()], rowsOf([rows]))).rejects.toThrow(AbandonedError);
    expect((await refreshRow(presented.id)).rotatedAt).toBeNull();
    expect(await storedOf(rows)).toEqual(NONE);
  });

  (TEST_DB === 'sqlite' ? it.skip : it)('rolls back a call whose request is answered 503 while its spend waits on a lock', async () => {
    const presented = await saved(refreshToken());
    const rows = yields();
    // Another transaction holds the row: the spend waits on it until the request is answered 503.
    const holder = dataSource.createQueryRunner();
    await holder.startTransaction();
    await holder.manager.findOne(RefreshTokenEntity, { where: { id: presented.id }, lock: { mode: 'pessimistic_write' } });
    const waiting = tokens.spendAndStore([refreshInput(presented)], NOW, [AbortSignal.timeout(300)], rowsOf([rows]));
    await expect(waiting).rejects.toThrow(AbandonedError);
    await holder.rollbackTransaction();
    await holder.release();
    // The server rolls the closed connection's transaction back once it notices the close.
    await sleep(500);
    expect((await refreshRow(presented.id)).rotatedAt).toBeNull();
    expect(await storedOf(rows)).toEqual(NONE);
    // Still spendable, once.
    expect(await tokens.spendAndStore([refreshInput(presented)], NOW, [], rowsOf([yields()]))).toEqual([true]);
  });
});
