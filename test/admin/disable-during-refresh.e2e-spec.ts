import { randomUUID } from 'node:crypto';
import { AccessTokenEntity } from '../../src/tokens/entities/access-token.entity';
import { RefreshTokenEntity } from '../../src/tokens/entities/refresh-token.entity';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, type TestClient, type TestUser, tokenRequest } from '../support/factories';
import { sha256 } from '../support/sha256';
import { sleep } from '../support/sleep';

/**
 * A refresh that spent its token before an administrator disables the user, and commits its new
 * tokens while the disable waits for that token's row lock. Under PostgreSQL's READ COMMITTED an
 * UPDATE sees only the rows committed before the statement began: the new tokens escaped a single
 * revoking UPDATE, and a disabled user kept a live access token. SQLite runs one transaction at a
 * time, so there is no such interleaving to stage there.
 */
const describeLocking = TEST_DB === 'sqlite' ? describe.skip : describe;

describeLocking(`disabling a user while a refresh of theirs commits [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    ({ t, client, user } = await appWithClientAndUser({}, {}, { ADMIN_PASSWORD }));
  });
  afterAll(() => t.close());

  it('revokes the tokens the refresh stored, though they were committed after the disable began', async () => {
    const admin = await adminApi(t);
    const issued = await tokenRequest(t.url, { grant_type: 'password', username: user.username, password: user.password, scope: 'read' }, client.basic);
    expect(issued.status).toBe(200);
    const accessTokens = t.dataSource.getRepository(AccessTokenEntity);
    const refreshTokens = t.dataSource.getRepository(RefreshTokenEntity);
    const presented = await refreshTokens.findOneByOrFail({ tokenHash: sha256(issued.body.refresh_token) });
    const previous = await accessTokens.findOneByOrFail({ tokenHash: sha256(issued.body.access_token) });

    // What a refresh's transaction does: spend the presented token (its row locked), store the new access token.
    const refresh = t.dataSource.createQueryRunner();
    await refresh.connect();
    const minted = { ...previous, id: randomUUID(), tokenHash: sha256(randomUUID()), revokedAt: null };
    let answered = false;
    try {
      await refresh.startTransaction();
      await refresh.manager.update(RefreshTokenEntity, { id: presented.id }, { rotatedAt: Math.floor(Date.now() / 1000) });
      await refresh.manager.insert(AccessTokenEntity, minted);
      const disabling = admin
        .patch(`/admin/users/${user.id}`, { enabled: false })
        .then((res) => res)
        .finally(() => (answered = true));
      await sleep(1000);
      // The disable waits for the rows the refresh holds.
      expect(answered).toBe(false);
      await refresh.commitTransaction();
      expect((await disabling).status).toBe(200);
    } finally {
      if (refresh.isTransactionActive) await refresh.rollbackTransaction();
      await refresh.release();
    }
    expect((await accessTokens.findOneByOrFail({ id: minted.id })).revokedAt).not.toBeNull();
    expect((await accessTokens.findOneByOrFail({ id: previous.id })).revokedAt).not.toBeNull();
  });
});
