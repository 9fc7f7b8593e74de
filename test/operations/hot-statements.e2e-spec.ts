import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, type TestClient, type TestUser, tokenRequest } from '../support/factories';
import type { TestApp } from '../support/create-test-app';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { recordStatementsByRequest } from '../support/statement-recorder';

/**
 * The statements each hot request runs, committed for review beside the token repositories
 * (src/tokens/queries/hot-paths.<database>.sql), as immich commits its queries: a change that adds
 * a statement or a round trip to a hot path shows in the diff, and this spec fails until the file
 * is rewritten with `UPDATE_SQL_SNAPSHOTS=1` and the change is reviewed with it. Each request runs
 * once to warm the caches, then once more with its statements recorded: what every later request
 * of that kind costs. Only statements run for a request are kept (the request context), not the
 * janitor's or the key rotation's. The embedded configuration: no Redis, so the caches of clients,
 * users and settings are off (test/token/redemption-reads.e2e-spec.ts checks what they save).
 */
const SNAPSHOT = join(__dirname, '..', '..', 'src', 'tokens', 'queries', `hot-paths.${TEST_DB}.sql`);

describe(`the statements of the hot requests [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;
  let recorded: Map<string, string[]>;

  beforeAll(async () => {
    ({ t, client, user } = await appWithClientAndUser({ scope: 'read write' }));
    recorded = recordStatementsByRequest(t.dataSource);
  });
  afterAll(() => t.close());

  /** The statements `send` runs the second time (the first warms the caches). */
  async function statementsOf(send: () => request.Test): Promise<string[]> {
    expect((await send()).status).toBe(200);
    const res = await send();
    expect(res.status).toBe(200);
    const id = res.headers['x-request-id'] as string;
    return recorded.get(id) ?? [];
  }

  it('match the reviewed file, request by request', async () => {
    const password = () => tokenRequest(t.url, { grant_type: 'password', username: user.username, password: user.password }, client.basic);
    const { access_token, refresh_token } = (await password()).body as { access_token: string; refresh_token: string };
    let refreshToken = refresh_token;
    const refresh = () => tokenRequest(t.url, { grant_type: 'refresh_token', refresh_token: refreshToken }, client.basic);
    const rotateThenRefresh = async () => {
      refreshToken = (await refresh()).body.refresh_token as string;
      return refresh();
    };
    const authorizeUrl = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'read' })}`;
    const redeem = async () => {
      const code = (await approveAuthorization(new FormBrowser(t.url), authorizeUrl, user)).searchParams.get('code');
      return tokenRequest(t.url, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri }, client.basic);
    };

    const flows: [string, () => Promise<string[]>][] = [
      ['client_credentials (opaque access token)', () => statementsOf(() => tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic))],
      ['password', () => statementsOf(password)],
      [
        'refresh_token (rotation)',
        async () => {
          // Each refresh spends its token: the recorded request is the one after a warm-up rotation.
          const res = await rotateThenRefresh();
          expect(res.status).toBe(200);
          return recorded.get(res.headers['x-request-id'] as string) ?? [];
        },
      ],
      [
        'authorization_code',
        async () => {
          // Each redemption spends its code: the recorded request is the one after a warm-up redemption.
          expect((await redeem()).status).toBe(200);
          const res = await redeem();
          expect(res.status).toBe(200);
          return recorded.get(res.headers['x-request-id'] as string) ?? [];
        },
      ],
      [
        'introspection of an opaque access token',
        () => statementsOf(() => request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token: access_token })),
      ],
      ['GET /me with a Bearer token', () => statementsOf(() => request(t.url).get('/me').set('Authorization', `Bearer ${access_token}`))],
    ];

    let text = `-- The statements each hot request sends to ${TEST_DB}, one line per round trip, after a first request warmed the caches.\n`;
    text += '-- No Redis: the client, user and settings caches are off (on with REDIS_URL: test/token/redemption-reads.e2e-spec.ts).\n';
    text += '-- Written by test/operations/hot-statements.e2e-spec.ts (UPDATE_SQL_SNAPSHOTS=1); reviewed as SQL.\n';
    for (const [name, statementsOfFlow] of flows) {
      const statements = await statementsOfFlow();
      text += `\n-- ${name}: ${statements.length} round trip${statements.length === 1 ? '' : 's'}\n${statements.map((s) => `${s};\n`).join('')}`;
    }

    if (process.env.UPDATE_SQL_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, text);
    expect(existsSync(SNAPSHOT)).toBe(true);
    expect(text).toBe(readFileSync(SNAPSHOT, 'utf8'));
  });
});
