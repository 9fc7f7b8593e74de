import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, basicAuth, createClient, createUser, TestClient, TestUser, tokenRequest } from '../support/factories';

describe(`password grant (seeds 003, 004) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(
    async () =>
      ({ t, client, user } = await appWithClientAndUser({ scope: 'read write PRODUCTION' }, { username: 'admin@break-out.org', password: 'password' })),
  );
  afterAll(() => t.close());

  /** A password grant request at Spring's /oauth/token (seed 003), authenticated by `by` with Basic. */
  const passwordGrant = (by: Pick<TestClient, 'basic'>, fields: Record<string, string>) =>
    request(t.url)
      .post('/oauth/token')
      .set('Authorization', by.basic)
      .type('form')
      .send({ grant_type: 'password', ...fields });

  it('answers the Spring request of seed 003 at /oauth/token with access and refresh tokens', async () => {
    const res = await request(t.url)
      .post('/oauth/token')
      .set('Authorization', client.basic)
      .set('Accept', 'application/json')
      .type('form')
      .send('username=admin%40break-out.org&password=password&grant_type=password&scope=read+write');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      scope: 'read write',
    });
  });

  it('answers the WSO2 request of seed 004 at /token with scope=PRODUCTION', async () => {
    const res = await request(t.url)
      .post('/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: user.password, scope: 'PRODUCTION' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('PRODUCTION');
    expect(res.body.refresh_token).toBeDefined();
  });

  it('grants the client’s registered scopes when no scope is requested', async () => {
    const res = await tokenRequest(t.url, { grant_type: 'password', username: user.username, password: user.password }, client.basic);
    expect(res.body.scope).toBe('read write PRODUCTION');
  });

  it('accepts client_secret_post as well as Basic', async () => {
    const res = await tokenRequest(t.url, {
      grant_type: 'password',
      username: user.username,
      password: user.password,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(res.status).toBe(200);
  });

  it('returns a token that /me accepts (seed 003 GET /me/ with Bearer)', async () => {
    const token = await passwordGrant(client, { username: user.username, password: user.password, scope: 'read' });
    const me = await request(t.url).get('/me/').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: user.id, id: user.id, username: user.username, email: user.email, scope: 'read' });
  });

  it.each([
    ['a wrong password', { password: 'nope' }],
    ['an unknown user', { username: 'ghost@example.com' }],
  ])('refuses %s with invalid_grant', async (_name, override) => {
    const res = await passwordGrant(client, { username: user.username, password: user.password, ...override });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'invalid resource owner credentials', request_id: expect.any(String) });
  });

  it('refuses a disabled user with invalid_grant', async () => {
    const disabled = await createUser(t, { enabled: false });
    const res = await passwordGrant(client, { username: disabled.username, password: disabled.password });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a scope outside the client’s list with invalid_scope', async () => {
    const res = await passwordGrant(client, { username: user.username, password: user.password, scope: 'read admin' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('refuses a missing password with invalid_request', async () => {
    const res = await passwordGrant(client, { username: user.username });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toContain('password');
  });

  it('refuses a client not allowed the password grant with unauthorized_client', async () => {
    const limited = await createClient(t, { grantTypes: ['client_credentials'] });
    const res = await passwordGrant(limited, { username: user.username, password: user.password });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('issues no refresh token to a client without the refresh_token grant', async () => {
    const noRefresh = await createClient(t, { grantTypes: ['password'] });
    const res = await passwordGrant(noRefresh, { username: user.username, password: user.password });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('uses the per-application access token lifetime', async () => {
    const shortLived = await createClient(t, { accessTokenTtl: 60 });
    const res = await passwordGrant(shortLived, { username: user.username, password: user.password });
    expect(res.body.expires_in).toBe(60);
  });

  it('stores neither the password nor the tokens in clear text', async () => {
    const user = await createUser(t, { password: 'Unmistakable-Pa55phrase' });
    const res = await request(t.url)
      .post('/oauth/token')
      .set('Authorization', basicAuth(client.clientId, client.clientSecret!))
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: user.password });
    const dump = JSON.stringify([
      await t.dataSource.query('SELECT * FROM access_tokens'),
      await t.dataSource.query('SELECT * FROM refresh_tokens'),
      await t.dataSource.query('SELECT * FROM users'),
      await t.dataSource.query('SELECT * FROM clients'),
    ]);
    expect(dump).not.toContain(res.body.access_token);
    expect(dump).not.toContain(res.body.refresh_token);
    expect(dump).not.toContain(user.password);
    expect(dump).not.toContain(client.clientSecret);
    expect(dump).toContain('$argon2id$');
  });
});
