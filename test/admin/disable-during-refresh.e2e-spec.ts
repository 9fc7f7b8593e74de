import { randomUUID } from 'node:crypto';
import { AccessTokenEntity } from '../../src/tokens/entities/access-token.entity';
import { RefreshTokenEntity } from '../../src/tokens/entities/refresh-token.entity';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, createClient, type TestClient, type TestUser, tokenRequest } from '../support/factories';
import { sha256 } from '../support/sha256';
import { sleep } from '../support/sleep';
import { sql } from '../support/sql';

/**
 * A revocation of a user's tokens racing a refresh of theirs, each staged with a transaction of
 * the test's own that stops where the race is decided. SQLite runs one transaction at a time, so
 * there is no such interleaving to stage there.
 */
const describeLocking = TEST_DB === 'sqlite' ? describe.skip : describe;

describeLocking(`disabling a user while a refresh of theirs runs [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    ({ t, client, user } = await appWithClientAndUser({}, {}, { ADMIN_PASSWORD }));
  });
  afterAll(() => t.close());

  /** Resolves once a statement of the app waits for a row lock (the test's transaction holds it). */
  async function lockAwaited(): Promise<void> {
    const waiting =
      TEST_DB === 'postgres'
        ? "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        : // MariaDB lists no lock wait of these in INNODB_TRX: a statement of the app's running this long waits.
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO IS NOT NULL AND TIME_MS > 300';
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(25)) {
      if (Number((await sql(t.dataSource, waiting))[0].n) > 0) return;
    }
    throw new Error('no statement waited for the row lock within 10 s');
  }

  const passwordGrant = (basic: string) =>
    tokenRequest(t.url, { grant_type: 'password', username: user.username, password: user.password, scope: 'read' }, basic);

  it('revokes the tokens a rotating refresh committed while the disable waited for its row', async () => {
    const admin = await adminApi(t);
    const issued = await passwordGrant(client.basic);
    expect(issued.status).toBe(200);
    const accessTokens = t.dataSource.getRepository(AccessTokenEntity);
    const presented = await t.dataSource.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash: sha256(issued.body.refresh_token) });
    const previous = await accessTokens.findOneByOrFail({ tokenHash: sha256(issued.body.access_token) });

    // What a refresh's transaction does: spend the presented token (its row locked), store the new access token.
    const refresh = t.dataSource.createQueryRunner();
    await refresh.connect();
    const minted = { ...previous, id: randomUUID(), tokenHash: sha256(randomUUID()), revokedAt: null };
    try {
      await refresh.startTransaction();
      await refresh.manager.update(RefreshTokenEntity, { id: presented.id }, { rotatedAt: Math.floor(Date.now() / 1000) });
      await refresh.manager.insert(AccessTokenEntity, minted);
      const disabling = admin.patch(`/admin/users/${user.id}`, { enabled: false }).then((res) => res.status);
      // PostgreSQL: the revoking UPDATE of the refresh tokens waits for the spent one's row, its
      // snapshot taken before the new access token commits. MariaDB: it waits for the new row.
      await lockAwaited();
      await refresh.commitTransaction();
      expect(await disabling).toBe(200);
    } finally {
      if (refresh.isTransactionActive) await refresh.rollbackTransaction();
      await refresh.release();
    }
    expect((await accessTokens.findOneByOrFail({ id: minted.id })).revokedAt).not.toBeNull();
    expect((await accessTokens.findOneByOrFail({ id: previous.id })).revokedAt).not.toBeNull();
    await admin.patch(`/admin/users/${user.id}`, { enabled: true }).expect(200);
  });

  it('refuses a refresh that keeps its token (rotation: reuse) when a revocation of that token commits after its first read', async () => {
    const reuse = await createClient(t, { refreshTokenRotation: 'reuse' });
    const issued = await passwordGrant(reuse.basic);
    expect(issued.status).toBe(200);
    const presented = await t.dataSource.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash: sha256(issued.body.refresh_token) });

    // What a disable's transaction does: revoke the user's refresh tokens (their rows locked until it commits).
    const disable = t.dataSource.createQueryRunner();
    await disable.connect();
    try {
      await disable.startTransaction();
      await disable.manager.update(RefreshTokenEntity, { id: presented.id }, { revokedAt: Math.floor(Date.now() / 1000) });
      const refreshing = tokenRequest(t.url, { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token }, reuse.basic);
      const answered = refreshing.then((res) => res);
      // The refresh read the token before the disable commits, stored an access token, and now
      // reads the token again: that read must wait for the disable, not answer from before it.
      await lockAwaited();
      await disable.commitTransaction();
      const res = await answered;
      expect([res.status, res.body.error]).toEqual([400, 'invalid_grant']);
    } finally {
      if (disable.isTransactionActive) await disable.rollbackTransaction();
      await disable.release();
    }
  });
});
