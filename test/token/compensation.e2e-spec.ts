import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { TokenCompensator } from '../../src/tokens/compensation/token-compensator';
import { TokenStore } from '../../src/tokens/token-store';
import type { WrittenTokens } from '../../src/tokens/compensation/written-tokens';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, TestClient, TestUser } from '../support/factories';
import { sha256 } from '../support/sha256';
import { sql } from '../support/sql';

/** What a driver reports when the connection died during COMMIT: no answer, the outcome unknown. */
const connectionLost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });

/**
 * Compensation of a refresh whose answer was lost (SECURITY.md, "A 503 that happened anyway"), on the
 * real repository: the tokens it issued are revoked and, while the refresh token it issued was never
 * used, the refresh token it spent is spendable again, so that its re-presentation is an ordinary refresh.
 */
describe(`compensation of a token write whose answer was lost [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;
  let compensator: TokenCompensator;
  let outbox: string;

  beforeAll(async () => {
    outbox = mkdtempSync(join(tmpdir(), 'token-outbox-'));
    ({ t, client, user } = await appWithClientAndUser({ scope: 'read' }, {}, { TOKEN_OUTBOX_DIR: outbox }));
    compensator = t.app.get(TokenCompensator);
  });
  afterAll(async () => {
    await t.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  const tokenRequest = (form: Record<string, string>) => request(t.url).post('/oauth/token').set('Authorization', client.basic).type('form').send(form);
  const passwordGrant = async () =>
    (await tokenRequest({ grant_type: 'password', username: user.username, password: user.password, scope: 'read' })).body as {
      access_token: string;
      refresh_token: string;
    };
  const refresh = (refreshToken: string) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const active = async (token: string) =>
    (await request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token })).body.active;
  const idOf = async (table: 'access_tokens' | 'refresh_tokens', token: string) =>
    (await sql<{ id: string }>(t.dataSource, `SELECT id FROM ${table} WHERE token_hash = ?`, [sha256(token)]))[0].id;

  /** What the refresh from `parent` to `child` wrote, as TokenStore describes it to the compensator. */
  async function refreshWrite(parent: string, child: { access_token: string; refresh_token: string }): Promise<WrittenTokens> {
    const accessId = await idOf('access_tokens', child.access_token);
    const [event] = await sql<{ id: string }>(t.dataSource, `SELECT id FROM audit_events WHERE type = 'token.issued' AND subject = ?`, [accessId]);
    return {
      auditId: event.id,
      accessIds: [accessId],
      refreshIds: [await idOf('refresh_tokens', child.refresh_token)],
      jwts: [],
      spent: { kind: 'refresh_token', id: await idOf('refresh_tokens', parent) },
    };
  }
  const compensatedEvents = async () => (await sql(t.dataSource, `SELECT id FROM audit_events WHERE type = 'token.compensated'`)).length;

  it('revokes what the lost refresh issued and makes the refresh token it spent usable again', async () => {
    const parent = (await passwordGrant()).refresh_token;
    const lost = (await refresh(parent)).body as { access_token: string; refresh_token: string };
    const events = await compensatedEvents();

    compensator.watch(await refreshWrite(parent, lost), undefined).failed(connectionLost());
    await compensator.tick();

    expect(compensator.pending).toBe(0);
    expect(await active(lost.access_token)).toBe(false);
    expect(await active(lost.refresh_token)).toBe(false);
    expect(await compensatedEvents()).toBe(events + 1);
    // Re-presented, the refresh token is refreshed as if the lost request had never happened.
    const retried = await refresh(parent);
    expect(retried.status).toBe(200);
    expect(await active(retried.body.access_token)).toBe(true);
  });

  /**
   * The race of a retry with the compensation, forced: the retry reads its refresh token spent, then
   * the compensation commits (on this instance here; on another one alike, the database is all they
   * share), then the retry looks for the tokens to replace (`unspentChild`) or spends them (`write`),
   * and finds them revoked. The retry is served as a first presentation, not taken for a replay.
   */
  it.each(['unspentChild', 'write'] as const)(
    'serves a retry that read its refresh token spent just before the compensation committed (before %s), revoking nothing of the family',
    async (method) => {
      const parent = (await passwordGrant()).refresh_token;
      const lost = (await refresh(parent)).body as { access_token: string; refresh_token: string };
      const written = await refreshWrite(parent, lost);
      const store = t.app.get(TokenStore);
      const original = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
      const raced = jest.spyOn(store, method).mockImplementationOnce((async (...args: unknown[]) => {
        compensator.watch(written, undefined).failed(connectionLost());
        await compensator.tick();
        return original(...args);
      }) as never);
      try {
        const retried = await refresh(parent);
        expect(raced).toHaveBeenCalled();
        expect(compensator.pending).toBe(0);
        expect(`${retried.status} ${String(retried.body.error_description ?? '')}`).toBe('200 ');
        expect(await active(retried.body.access_token)).toBe(true);
        expect(await active(retried.body.refresh_token)).toBe(true);
        expect(await active(lost.access_token)).toBe(false);
        expect(await active(lost.refresh_token)).toBe(false);
      } finally {
        raced.mockRestore();
      }
    },
  );

  it('leaves the spent refresh token spent when the refresh token issued in its place was used meanwhile', async () => {
    const parent = (await passwordGrant()).refresh_token;
    const lost = (await refresh(parent)).body as { access_token: string; refresh_token: string };
    const written = await refreshWrite(parent, lost);
    expect((await refresh(lost.refresh_token)).status).toBe(200);

    compensator.watch(written, undefined).failed(connectionLost());
    await compensator.tick();

    expect(await active(lost.access_token)).toBe(false);
    expect((await refresh(parent)).body.error).toBe('invalid_grant');
  });

  it('does nothing for a write the database rolled back', async () => {
    const { access_token } = await passwordGrant();
    const events = await compensatedEvents();
    const accessId = await idOf('access_tokens', access_token);
    const deadlock = Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK', sqlState: '40001' });
    compensator.watch({ auditId: 'not-an-event', accessIds: [accessId], refreshIds: [], jwts: [] }, undefined).failed(deadlock);
    await compensator.tick();
    expect(await active(access_token)).toBe(true);
    expect(await compensatedEvents()).toBe(events);
  });
});
