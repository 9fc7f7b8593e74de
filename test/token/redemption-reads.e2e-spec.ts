import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, type TestClient, type TestUser, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { busSubscribed, REDIS_URL, skipWithoutRedis } from '../support/redis';
import { recordStatementsByRequest } from '../support/statement-recorder';

/**
 * What a redemption costs in the deployed configuration (REDIS_URL set, caches warm): the client,
 * the resource owner and the settings come from the caches the bus invalidates, so the presented
 * refresh token or code is the one row read before the transaction that spends it. The committed
 * snapshots (src/tokens/queries/) show the embedded configuration, where those caches are off.
 */
describe(`the reads of a warm redemption, with the Redis cache bus [${TEST_DB}]`, () => {
  let skipped = false;
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;
  let recorded: Map<string, string[]>;

  beforeAll(async () => {
    if (await skipWithoutRedis()) {
      skipped = true;
      return;
    }
    ({ t, client, user } = await appWithClientAndUser({ scope: 'openid read' }, {}, { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:` }));
    recorded = recordStatementsByRequest(t.dataSource);
    await busSubscribed(t);
  });
  afterAll(async () => {
    if (!skipped) await t.close();
  });
  /** it(), passing without Redis where the suite is skipped (skipWithoutRedis said so). */
  const it = (name: string, test: () => Promise<void>) =>
    global.it(name, async () => {
      if (!skipped) await test();
    });

  /** The tables the SELECTs of a request read, in order (statements of its transaction included). */
  function tablesRead(res: request.Response): string[] {
    const statements = recorded.get(res.headers['x-request-id'] as string) ?? [];
    return statements.flatMap((statement) =>
      statement
        .split(/;\s*/)
        .filter((part) => /^SELECT\b/i.test(part))
        .map((part) => /\bFROM\s+[`"]?(\w+)/i.exec(part)?.[1] ?? part),
    );
  }

  it('reads the presented refresh token and nothing else before spending it', async () => {
    const password = await tokenRequest(
      t.url,
      { grant_type: 'password', username: user.username, password: user.password, scope: 'openid read' },
      client.basic,
    );
    let refreshToken = password.body.refresh_token as string;
    // The first refresh warms the caches; the second is what every later one costs.
    for (let i = 0; i < 2; i++) {
      const res = await tokenRequest(t.url, { grant_type: 'refresh_token', refresh_token: refreshToken }, client.basic);
      expect(res.status).toBe(200);
      expect(res.body.id_token).toEqual(expect.any(String));
      refreshToken = res.body.refresh_token as string;
      if (i === 1) expect(tablesRead(res)).toEqual(['refresh_tokens']);
    }
  });

  it('reads the presented authorization code and nothing else before spending it', async () => {
    const authorizeUrl = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'openid read' })}`;
    for (let i = 0; i < 2; i++) {
      const code = (await approveAuthorization(new FormBrowser(t.url), authorizeUrl, user)).searchParams.get('code');
      const res = await tokenRequest(t.url, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri }, client.basic);
      expect(res.status).toBe(200);
      expect(res.body.id_token).toEqual(expect.any(String));
      if (i === 1) expect(tablesRead(res)).toEqual(['authorization_codes']);
    }
  });
});
