import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, TestClient, TestUser, tokenRequest } from '../support/factories';

/**
 * Concurrent token requests on one instance share batched statements (one INSERT, one commit);
 * these specs pin down that every request still gets exactly its own outcome.
 */
describe(`batched token writes and lookups on one instance [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  // No retry window: a use that reads the token after the winner committed (a loaded machine) is a
  // replay here, not the retry of a lost answer (refresh-token.e2e-spec.ts covers that window).
  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser({ scope: 'read write' }, {}, { TOKEN_RETRY_WINDOW_SECONDS: '0' })));
  afterAll(() => t.close());

  const token = (body: Record<string, string>) => tokenRequest(t.url, body, client.basic);
  const introspect = (value: string) => request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token: value });

  it('issues 40 concurrent client_credentials tokens that each introspect as their own', async () => {
    const issued = await Promise.all(Array.from({ length: 40 }, () => token({ grant_type: 'client_credentials', scope: 'read' })));
    expect(issued.map((r) => r.status)).toEqual(Array(40).fill(200));
    const values = issued.map((r) => r.body.access_token as string);
    expect(new Set(values).size).toBe(40);
    const answers = await Promise.all([...values, 'not-a-token'].map(introspect));
    expect(answers.slice(0, 40).map((r) => r.body.active)).toEqual(Array(40).fill(true));
    expect(answers[40].body).toEqual({ active: false });
  });

  it('lets exactly one of 20 concurrent uses of one refresh token rotate it, and revokes the family', async () => {
    const first = (await token({ grant_type: 'password', username: user.username, password: user.password, scope: 'read' })).body;
    // Other refresh tokens in the same batches must not be disturbed.
    const bystander = (await token({ grant_type: 'password', username: user.username, password: user.password, scope: 'read' })).body;
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })),
      token({ grant_type: 'refresh_token', refresh_token: bystander.refresh_token }),
    ]);
    const reuses = results.slice(0, 20);
    expect(reuses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(reuses.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(19);
    // The losers presented a spent token: the winner's new pair is revoked with its family.
    const winner = reuses.find((r) => r.status === 200)!.body;
    expect((await introspect(winner.access_token)).body.active).toBe(false);
    expect(results[20].status).toBe(200);
    expect((await introspect(results[20].body.access_token)).body.active).toBe(true);
  });

  it('stores the refresh token issued with a password grant in the same write as its access token', async () => {
    const pairs = await Promise.all(
      Array.from({ length: 4 }, () => token({ grant_type: 'password', username: user.username, password: user.password, scope: 'read' })),
    );
    expect(pairs.map((r) => r.status)).toEqual(Array(4).fill(200));
    const renewed = await Promise.all(pairs.map((r) => token({ grant_type: 'refresh_token', refresh_token: r.body.refresh_token })));
    expect(renewed.map((r) => r.status)).toEqual(Array(4).fill(200));
  });
});
