import type { IdTokenService } from '../../oidc/id-token.service';
import type { UsersService } from '../../users/users.service';
import type { RefreshTokenEntity } from '../entities/refresh-token.entity';
import { confirmation } from '../binding/confirmation';
import { runAsGrant } from './issuing-grant';
import { RefreshTokenGrant } from './refresh-token.grant';
import { aClient, aRefreshToken, aUser, fakeIdTokens, InMemoryTokens, InMemoryUsers } from './testing/in-memory';

function setup(stored: RefreshTokenEntity, options: { graceSeconds?: number; users?: InMemoryUsers } = {}) {
  const tokens = new InMemoryTokens();
  tokens.refreshTokens.set('the-refresh-token', stored);
  const grant = new RefreshTokenGrant(
    tokens.asIssuer(),
    tokens.asStore(),
    (options.users ?? new InMemoryUsers()) as unknown as UsersService,
    fakeIdTokens as unknown as IdTokenService,
    options.graceSeconds ?? 0,
  );
  return { tokens, grant };
}

describe('refresh_token grant (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  it('rotates the refresh token: spends it and issues new tokens of the same grant, narrowing the scope on request', async () => {
    const { tokens, grant } = setup(aRefreshToken({ scope: 'read write' }));
    const response = await grant.handle({ refresh_token: 'the-refresh-token', scope: 'read' }, aClient());
    expect(response).toMatchObject({ scope: 'read', refresh_token: expect.any(String) });
    expect(tokens.spent).toEqual(new Set(['refresh-row-1']));
    // The new refresh token keeps the original scope (§6).
    expect(tokens.issued[0]).toMatchObject({ grantId: 'grant-1', userId: 'user-1', scope: 'read', refreshScope: 'read write' });
  });

  it('refuses a scope wider than the original grant with invalid_scope', async () => {
    const { grant } = setup(aRefreshToken({ scope: 'read' }));
    await expect(grant.handle({ refresh_token: 'the-refresh-token', scope: 'read write' }, aClient())).rejects.toMatchObject({ code: 'invalid_scope' });
  });

  it('rejects an unknown, revoked or other client’s refresh token with invalid_grant', async () => {
    await expect(setup(aRefreshToken()).grant.handle({ refresh_token: 'unknown' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(setup(aRefreshToken({ revokedAt: 1 })).grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    await expect(setup(aRefreshToken({ clientId: 'other' })).grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({
      code: 'invalid_grant',
    });
  });

  it('rejects an expired refresh token with invalid_grant', async () => {
    const { grant } = setup(aRefreshToken({ expiresAt: 1 }));
    await expect(grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({
      code: 'invalid_grant',
      description: 'refresh token expired',
    });
  });

  it('revokes the whole family when a rotated refresh token comes back', async () => {
    const { tokens, grant } = setup(aRefreshToken({ rotatedAt: 1 }));
    await expect(grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'grant-1', reason: 'refresh_token_reuse' }]);
  });

  it('replaces the unused tokens of a rotation whose answer was lost, instead of revoking the family', async () => {
    const { tokens, grant } = setup(aRefreshToken({ rotatedAt: Math.floor(Date.now() / 1000) }));
    tokens.unreceivedTokens = { refreshTokenId: 'successor', accessTokenId: 'successor-access' };
    const response = await grant.handle({ refresh_token: 'the-refresh-token' }, aClient());
    expect(response).toMatchObject({ refresh_token: expect.any(String) });
    expect(tokens.replaced).toEqual([{ refreshTokenId: 'successor', accessTokenId: 'successor-access' }]);
    expect(tokens.spent).toEqual(new Set(['successor']));
    expect(tokens.issued[0]).toMatchObject({ grantId: 'grant-1', presentedRefreshTokenId: 'refresh-row-1' });
    expect(tokens.revokedGrants).toHaveLength(0);
  });

  it('revokes the family when the tokens a retry would replace were used meanwhile', async () => {
    const { tokens, grant } = setup(aRefreshToken({ rotatedAt: Math.floor(Date.now() / 1000) }));
    tokens.unreceivedTokens = { refreshTokenId: 'successor', accessTokenId: null };
    tokens.loseNextRace = true;
    await expect(grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({
      code: 'invalid_grant',
      description: 'refresh token was already used',
    });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'grant-1', reason: 'refresh_token_reuse' }]);
  });

  it.each(['unreceived', 'reissue'] as const)(
    'serves a retry that read its refresh token spent just before a compensation made it spendable again (at %s), without revoking the family',
    async (call) => {
      const { tokens, grant } = setup(aRefreshToken({ rotatedAt: Math.floor(Date.now() / 1000) }));
      tokens.unreceivedTokens = { refreshTokenId: 'successor', accessTokenId: 'successor-access' };
      tokens.compensateAt = { call, spentId: 'refresh-row-1' };
      const response = await grant.handle({ refresh_token: 'the-refresh-token' }, aClient());
      expect(response).toMatchObject({ refresh_token: expect.any(String) });
      // The compensation revoked the successor: the retry spends the refresh token it presented, as a first use.
      expect(tokens.spent).toEqual(new Set(['refresh-row-1']));
      expect(tokens.replaced).toEqual([]);
      expect(tokens.revokedGrants).toEqual([]);
    },
  );

  it('revokes the family when a retry loses its race, even with a grace period (the replaced tokens were used)', async () => {
    const { tokens, grant } = setup(aRefreshToken({ rotatedAt: Math.floor(Date.now() / 1000) - 120 }), { graceSeconds: 30 });
    tokens.unreceivedTokens = { refreshTokenId: 'successor', accessTokenId: null };
    tokens.loseNextRace = true;
    await expect(grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({ description: 'refresh token was already used' });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'grant-1', reason: 'refresh_token_reuse' }]);
  });

  it('refuses a just-rotated token within the grace period without revoking the family', async () => {
    const { tokens, grant } = setup(aRefreshToken({ rotatedAt: Math.floor(Date.now() / 1000) }), { graceSeconds: 30 });
    await expect(grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({
      code: 'invalid_grant',
      description: 'refresh token was just rotated',
    });
    expect(tokens.revokedGrants).toHaveLength(0);
  });

  it('keeps the refresh token for a client that chose reuse: a new access token, the same refresh token', async () => {
    const { tokens, grant } = setup(aRefreshToken());
    const response = await grant.handle({ refresh_token: 'the-refresh-token' }, aClient({ refreshTokenRotation: 'reuse' }));
    expect(response.refresh_token).toBe('the-refresh-token');
    expect(tokens.spent.size).toBe(0);
    expect(tokens.issued[0]).toMatchObject({ withRefreshToken: false, grantId: 'grant-1' });
  });

  it('refuses to renew the tokens of a user disabled since with invalid_grant', async () => {
    const { grant } = setup(aRefreshToken(), { users: new InMemoryUsers([aUser({ enabled: false })]) });
    await expect(grant.handle({ refresh_token: 'the-refresh-token' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it.each([
    ['keeps renewing the admin scope of an administrator’s grant when no scope is asked for', ['admin'], 'read admin'],
    ['stops renewing the admin scope once the user lost the admin role: not in the access token, not in the new refresh token', [], 'read'],
  ])('%s', async (_name, roles, renewed) => {
    const users = new InMemoryUsers([aUser({ roles })]);
    const { tokens, grant } = setup(aRefreshToken({ scope: 'read admin' }), { users });
    const response = await grant.handle({ refresh_token: 'the-refresh-token' }, aClient({ scope: 'read admin' }));
    expect(response.scope).toBe(renewed);
    expect(tokens.issued[0]).toMatchObject({ scope: renewed, refreshScope: renewed });
  });

  it('refuses a demoted user’s explicit request for the admin scope with invalid_scope', async () => {
    const demoted = new InMemoryUsers([aUser({ roles: [] })]);
    const { tokens, grant } = setup(aRefreshToken({ scope: 'read admin' }), { users: demoted });
    await expect(grant.handle({ refresh_token: 'the-refresh-token', scope: 'admin' }, aClient({ scope: 'read admin' }))).rejects.toMatchObject({
      code: 'invalid_scope',
    });
    expect(tokens.issued).toHaveLength(0);
  });

  it('does not carry a scope the client has since lost into the new refresh token', async () => {
    const { tokens, grant } = setup(aRefreshToken({ scope: 'read write' }));
    await grant.handle({ refresh_token: 'the-refresh-token' }, aClient({ scope: 'read' }));
    expect(tokens.issued[0]).toMatchObject({ scope: 'read', refreshScope: 'read' });
  });

  it('refreshes a bound refresh token only with a proof of the same key (RFC 9449 §5), revoking nothing otherwise', async () => {
    const bound = () => aRefreshToken({ cnf: confirmation('jkt', 'key-a') });
    for (const presented of [null, confirmation('jkt', 'key-b')]) {
      const { grant, tokens } = setup(bound());
      await expect(runAsGrant('refresh_token', () => grant.handle({ refresh_token: 'the-refresh-token' }, aClient()), presented)).rejects.toMatchObject({
        code: 'invalid_grant',
      });
      expect(tokens.spent.size).toBe(0);
      expect(tokens.revokedGrants).toEqual([]);
    }
    const { grant, tokens } = setup(bound());
    await runAsGrant('refresh_token', () => grant.handle({ refresh_token: 'the-refresh-token' }, aClient()), confirmation('jkt', 'key-a'));
    expect(tokens.spent).toEqual(new Set(['refresh-row-1']));
  });
});
