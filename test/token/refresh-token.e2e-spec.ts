import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { ResourceServersService } from '../../src/resources/resource-servers.service';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, createClient, passwordGrantRequest, TestClient, TestUser } from '../support/factories';

describe(`refresh_token grant (RFC 6749 §6, seeds 003, 004) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser({ scope: 'read write PRODUCTION' })));
  afterAll(() => t.close());

  const passwordGrant = (scope = 'read write PRODUCTION') =>
    request(t.url)
      .post('/oauth/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: user.password, scope });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}, auth = client.basic) =>
    request(t.url)
      .post('/oauth/token')
      .set('Authorization', auth)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });

  it('returns a new access and refresh token, and the old refresh token stops working once the new one is used', async () => {
    const first = (await passwordGrant()).body;
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.any(String),
      scope: 'read write PRODUCTION',
    });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('renews with scope=PRODUCTION as WSO2 does (seed 004), narrowing the access token only', async () => {
    const first = (await passwordGrant()).body;
    const narrowed = await refresh(first.refresh_token, { scope: 'PRODUCTION' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('PRODUCTION');
    // RFC 6749 §6: the new refresh token keeps the original scope.
    const widened = await refresh(narrowed.body.refresh_token, { scope: 'read write' });
    expect(widened.status).toBe(200);
    expect(widened.body.scope).toBe('read write');
  });

  it('refuses a scope wider than the original grant with invalid_scope', async () => {
    const first = (await passwordGrant('read')).body;
    const res = await refresh(first.refresh_token, { scope: 'read write' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('revokes the whole family when a rotated refresh token is presented again (RFC 9700 §4.14.2)', async () => {
    const first = (await passwordGrant()).body;
    const second = (await refresh(first.refresh_token)).body;
    const third = (await refresh(second.refresh_token)).body;
    expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
    // The legitimate holder's newer tokens are gone too.
    expect((await refresh(third.refresh_token)).body.error).toBe('invalid_grant');
    const me = await request(t.url).get('/me').set('Authorization', `Bearer ${third.access_token}`);
    expect(me.status).toBe(401);
  });

  describe('a retry whose first answer was lost (a 503 sent while the COMMIT went through)', () => {
    const active = async (token: string, hint: string) =>
      (await request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token, token_type_hint: hint })).body
        .active as boolean;

    it('replaces the never-used tokens of the first rotation instead of revoking the family', async () => {
      const first = (await passwordGrant()).body;
      const lost = (await refresh(first.refresh_token)).body; // the answer the client never read
      const retry = await refresh(first.refresh_token);
      expect(retry.status).toBe(200);
      expect(retry.body.refresh_token).not.toBe(lost.refresh_token);
      // The tokens of the lost answer are dead; the retry's work, and keep rotating.
      expect(await active(lost.refresh_token, 'refresh_token')).toBe(false);
      expect(await active(lost.access_token, 'access_token')).toBe(false);
      expect(await active(retry.body.access_token, 'access_token')).toBe(true);
      expect((await refresh(retry.body.refresh_token)).status).toBe(200);
    });

    it('keeps the replaced JWT refused until it expires, when it lived longer than the token replacing it', async () => {
      // The lost answer's JWT is for a resource whose tokens live 7200 s; the retry names no
      // resource and gets the application's 300 s: the deny-list entry must outlive the former.
      const identifier = `https://long-lived-${randomUUID()}.example`;
      await t.app.get(ResourceServersService).create({
        identifier,
        name: 'Long-lived API',
        scope: 'read',
        accessTokenFormat: 'jwt',
        accessTokenSigningAlg: 'RS256',
        accessTokenTtl: 7200,
      });
      const jwtClient = await createClient(t, { accessTokenFormat: 'jwt', accessTokenTtl: 300, resources: [identifier] });
      const first = (await passwordGrantRequest(t, jwtClient, user)).body;
      const lost = (await refresh(first.refresh_token, { resource: identifier }, jwtClient.basic)).body;
      const { exp } = decodeJwt(lost.access_token as string) as { exp: number };
      const retry = await refresh(first.refresh_token, {}, jwtClient.basic);
      expect(retry.status).toBe(200);
      expect(retry.body.expires_in).toBe(300);
      const introspected = async (token: string) =>
        (await request(t.url).post('/oauth2/introspect').set('Authorization', jwtClient.basic).type('form').send({ token })).body.active as boolean;
      expect(await introspected(lost.access_token)).toBe(false);
      // The janitor, run when the retry's token has expired but the replaced one has not, keeps its entry.
      await t.app.get(ExpiredDataCleanupService).runOnce(exp - 1);
      expect(await introspected(lost.access_token)).toBe(false);
    });

    it('is reuse once the tokens of the first rotation were used: the family is revoked', async () => {
      const first = (await passwordGrant()).body;
      const second = (await refresh(first.refresh_token)).body;
      const third = (await refresh(second.refresh_token)).body;
      const replay = await refresh(first.refresh_token);
      expect(replay.body).toMatchObject({ error: 'invalid_grant', error_description: 'refresh token was already used' });
      expect(await active(third.access_token, 'access_token')).toBe(false);
    });

    it('lets the holder of the replaced tokens detect a replay: using them revokes the family', async () => {
      const first = (await passwordGrant()).body;
      const delivered = (await refresh(first.refresh_token)).body; // delivered, then a stolen first token comes back
      const thief = (await refresh(first.refresh_token)).body;
      expect((await refresh(delivered.refresh_token)).body.error).toBe('invalid_grant');
      expect(await active(thief.access_token, 'access_token')).toBe(false);
      expect(await active(thief.refresh_token, 'refresh_token')).toBe(false);
    });
  });

  it('rejects a refresh token of another client as invalid_grant', async () => {
    const first = (await passwordGrant()).body;
    const other = await createClient(t);
    expect((await refresh(first.refresh_token, {}, other.basic)).body.error).toBe('invalid_grant');
  });

  it('rejects an expired refresh token', async () => {
    const first = (await passwordGrant()).body;
    await t.dataSource.query('UPDATE refresh_tokens SET expires_at = 1 WHERE rotated_at IS NULL AND revoked_at IS NULL');
    const res = await refresh(first.refresh_token);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'refresh token expired', request_id: expect.any(String) });
  });

  it('rejects an unknown refresh token and a missing one', async () => {
    expect((await refresh('nope')).body.error).toBe('invalid_grant');
    const missing = await request(t.url).post('/oauth/token').set('Authorization', client.basic).type('form').send({ grant_type: 'refresh_token' });
    expect(missing.body.error).toBe('invalid_request');
  });

  it('does not renew a scope the client has since lost', async () => {
    const shrinking = await createClient(t, { scope: 'read write' });
    const first = (await passwordGrantRequest(t, shrinking, user)).body;
    expect(first.scope).toBe('read write');
    await t.clients.update(shrinking.clientId, { scope: 'read' });
    const renewed = await refresh(first.refresh_token, {}, shrinking.basic);
    expect(renewed.status).toBe(200);
    expect(renewed.body.scope).toBe('read');
  });

  it('stops refreshing once the user is disabled', async () => {
    const first = (await passwordGrant()).body;
    await t.users.setEnabled(user.id, false);
    try {
      expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
    } finally {
      await t.users.setEnabled(user.id, true);
    }
  });
});
