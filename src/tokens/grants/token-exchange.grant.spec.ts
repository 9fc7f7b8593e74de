import { TokenExchangeGrant } from './token-exchange.grant';
import { aClient, anAccessToken, InMemoryTokens } from './testing/in-memory';
import { runAsGrant } from './issuing-grant';

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

function setup(subject = anAccessToken()) {
  const tokens = new InMemoryTokens();
  tokens.accessTokens.set('subject', subject);
  return { tokens, grant: new TokenExchangeGrant(tokens.asIssuer(), tokens.asStore()) };
}

const service = aClient({ id: 'service', grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'], scope: 'read write' });

describe('token exchange grant (RFC 8693)', () => {
  it('issues an access token for the subject’s user to the calling client, without a refresh token, typed as an access token', async () => {
    const { tokens, grant } = setup();
    const response = await grant.handle({ subject_token: 'subject', subject_token_type: ACCESS_TOKEN_TYPE, scope: 'read' }, service);
    expect(response).toMatchObject({ scope: 'read', issued_token_type: ACCESS_TOKEN_TYPE });
    expect(tokens.issued[0]).toMatchObject({ client: service, userId: 'user-1', scope: 'read', withRefreshToken: false });
  });

  it('records the subject, the actor and the audience for the audit trail (§4.1 delegation)', async () => {
    const { tokens, grant } = setup();
    tokens.accessTokens.set('actor', anAccessToken({ id: 'at-actor', clientId: 'service', userId: null }));
    await grant.handle(
      { subject_token: 'subject', subject_token_type: ACCESS_TOKEN_TYPE, actor_token: 'actor', actor_token_type: ACCESS_TOKEN_TYPE, audience: 'orders' },
      service,
    );
    expect(tokens.issued[0].audit).toEqual({
      subject_token_id: 'access-row-1',
      subject_client_id: 'client-1',
      actor_token_id: 'at-actor',
      actor_client_id: 'service',
      actor_user_id: null,
      audience: 'orders',
    });
  });

  it.each([
    ['an unknown subject token', anAccessToken(), 'other'],
    ['an expired subject token', anAccessToken({ expiresAt: 1 }), 'subject'],
    ['a revoked subject token', anAccessToken({ revokedAt: 1 }), 'subject'],
  ])('refuses %s with invalid_request (RFC 8693 §2.2.2)', async (_name, stored, presented) => {
    const { tokens, grant } = setup(stored);
    await expect(grant.handle({ subject_token: presented, subject_token_type: ACCESS_TOKEN_TYPE }, service)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(tokens.issued).toHaveLength(0);
  });

  it.each(['subject', 'actor'] as const)(
    'refuses a sender-constrained %s token without its proof, and accepts it with the same key (RFC 9449 §7)',
    async (which) => {
      const bound = anAccessToken({ id: `at-${which}`, cnf: { jkt: 'key-a' } });
      const { grant, tokens } = setup(which === 'subject' ? bound : anAccessToken());
      if (which === 'actor') tokens.accessTokens.set('actor', bound);
      const params = {
        subject_token: 'subject',
        subject_token_type: ACCESS_TOKEN_TYPE,
        ...(which === 'actor' ? { actor_token: 'actor', actor_token_type: ACCESS_TOKEN_TYPE } : {}),
      };
      const type = 'urn:ietf:params:oauth:grant-type:token-exchange';
      for (const presented of [null, { jkt: 'key-b' }, { 'x5t#S256': 'key-a' }] as (Record<string, string> | null)[]) {
        await expect(runAsGrant(type, () => grant.handle(params, service), presented)).rejects.toMatchObject({ code: 'invalid_request' });
      }
      await expect(runAsGrant(type, () => grant.handle(params, service), { jkt: 'key-a' })).resolves.toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE });
    },
  );

  it('refuses a scope wider than the subject token’s with invalid_scope', async () => {
    const { grant } = setup(anAccessToken({ scope: 'read' }));
    await expect(grant.handle({ subject_token: 'subject', subject_token_type: ACCESS_TOKEN_TYPE, scope: 'read write' }, service)).rejects.toMatchObject({
      code: 'invalid_scope',
    });
  });

  it('refuses a subject whose scopes the client may not request at all with invalid_scope', async () => {
    const { grant } = setup(anAccessToken({ scope: 'admin' }));
    await expect(grant.handle({ subject_token: 'subject', subject_token_type: ACCESS_TOKEN_TYPE }, service)).rejects.toMatchObject({ code: 'invalid_scope' });
  });
});
