import type { IdTokenService } from '../../oidc/id-token.service';
import type { UsersService } from '../../users/users.service';
import type { AuthorizationCodeService } from '../authorization-code.service';
import type { AuthorizationCodeEntity } from '../entities/authorization-code.entity';
import { AuthorizationCodeGrant } from './authorization-code.grant';
import { confirmation } from '../binding/confirmation';
import { runAsGrant } from './issuing-grant';
import { aClient, anAuthorizationCode, aUser, fakeIdTokens, InMemoryTokens, InMemoryUsers } from './testing/in-memory';

/** RFC 7636 Appendix B. */
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function setup(code: AuthorizationCodeEntity, users = new InMemoryUsers()) {
  const tokens = new InMemoryTokens();
  const codes = { stored: true, find: async (value: string) => (value === 'the-code' && codes.stored ? code : null) };
  const grant = new AuthorizationCodeGrant(
    codes as unknown as AuthorizationCodeService,
    tokens.asIssuer(),
    tokens.asStore(),
    users as unknown as UsersService,
    fakeIdTokens as unknown as IdTokenService,
  );
  return { tokens, grant, codes };
}

describe('authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6)', () => {
  it('spends the code and issues tokens for its user and scope in one step', async () => {
    const { tokens, grant } = setup(anAuthorizationCode({ scope: 'read' }));
    const response = await grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient());
    expect(response).toMatchObject({ scope: 'read', refresh_token: expect.any(String) });
    expect(tokens.spent).toEqual(new Set(['code-1']));
    expect(tokens.issued[0]).toMatchObject({ userId: 'user-1', scope: 'read', grantId: 'code-1', withRefreshToken: true });
  });

  it('rejects an unknown code, and a code of another client alike, with invalid_grant', async () => {
    const { grant } = setup(anAuthorizationCode({ clientId: 'other-client' }));
    await expect(grant.handle({ code: 'the-code' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant', description: 'invalid authorization code' });
    await expect(grant.handle({ code: 'unknown' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant', description: 'invalid authorization code' });
  });

  it('rejects an expired code with invalid_grant', async () => {
    const { grant } = setup(anAuthorizationCode({ expiresAt: 1 }));
    await expect(grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('rejects a redirect_uri other than the authorization request’s, or a missing one that was sent there', async () => {
    const { grant } = setup(anAuthorizationCode());
    await expect(grant.handle({ code: 'the-code', redirect_uri: 'https://evil.example/cb' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(grant.handle({ code: 'the-code' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('rejects a second redemption of the same code with invalid_grant and revokes what the first issued (§4.1.2)', async () => {
    const { tokens, grant } = setup(anAuthorizationCode({ spentAt: 1 }));
    await expect(grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'code-1', reason: 'code_replay' }]);
    expect(tokens.issued).toHaveLength(0);
  });

  it('denies a second presentation at once, by the same client with the same redirect_uri, even when the first tokens were never used', async () => {
    const { tokens, grant } = setup(anAuthorizationCode({ spentAt: Math.floor(Date.now() / 1000) }));
    // What a retry window would have replaced: the code grant never asks for it.
    tokens.unreceivedTokens = { refreshTokenId: 'first-refresh', accessTokenId: 'first-access' };
    await expect(grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient())).rejects.toMatchObject({
      code: 'invalid_grant',
      description: 'authorization code was already used',
    });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'code-1', reason: 'code_replay' }]);
    expect(tokens.replaced).toHaveLength(0);
    expect(tokens.issued).toHaveLength(0);
  });

  it('denies a second presentation that fails a check too (other redirect_uri), revoking what the first issued', async () => {
    const { tokens, grant } = setup(anAuthorizationCode({ spentAt: Math.floor(Date.now() / 1000) }));
    await expect(grant.handle({ code: 'the-code', redirect_uri: 'https://evil.example/cb' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'code-1', reason: 'code_replay' }]);
  });

  it('treats losing the race to a concurrent redemption as a replay', async () => {
    const code = anAuthorizationCode();
    const { tokens, grant } = setup(code);
    tokens.loseNextRace = true;
    const redeemed = grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient());
    // Spent by the concurrent redemption after this one read it.
    code.spentAt = Math.floor(Date.now() / 1000);
    await expect(redeemed).rejects.toMatchObject({ code: 'invalid_grant', description: 'authorization code was already used' });
    expect(tokens.revokedGrants).toEqual([{ grantId: 'code-1', reason: 'code_replay' }]);
  });

  it('refuses a code voided while it was redeemed (its row deleted) as invalid, without reporting a replay', async () => {
    const { tokens, grant, codes } = setup(anAuthorizationCode());
    tokens.loseNextRace = true;
    const redeemed = grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient());
    // Deleted by the voiding after the grant read it, before its spend found nothing to spend.
    codes.stored = false;
    await expect(redeemed).rejects.toMatchObject({ code: 'invalid_grant', description: 'invalid authorization code' });
    expect(tokens.revokedGrants).toEqual([]);
    expect(tokens.issued).toHaveLength(0);
  });

  it('accepts the RFC 7636 Appendix B verifier for its S256 challenge, and refuses a missing verifier', async () => {
    const withPkce = anAuthorizationCode({ codeChallenge: CHALLENGE, codeChallengeMethod: 'S256', redirectUriProvided: false });
    await expect(setup(withPkce).grant.handle({ code: 'the-code' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(setup(withPkce).grant.handle({ code: 'the-code', code_verifier: VERIFIER }, aClient())).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('refuses a verifier that does not match the S256 challenge with invalid_grant', async () => {
    const withPkce = anAuthorizationCode({ codeChallenge: CHALLENGE, codeChallengeMethod: 'S256', redirectUriProvided: false });
    const wrong = `${VERIFIER.slice(0, -1)}${VERIFIER.endsWith('A') ? 'B' : 'A'}`;
    await expect(setup(withPkce).grant.handle({ code: 'the-code', code_verifier: wrong }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('refuses a verifier when no challenge was stored (PKCE downgrade) with invalid_grant', async () => {
    const { grant } = setup(anAuthorizationCode({ redirectUriProvided: false }));
    await expect(grant.handle({ code: 'the-code', code_verifier: VERIFIER }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('refuses the code of a user disabled since with invalid_grant', async () => {
    const { grant } = setup(anAuthorizationCode(), new InMemoryUsers([aUser({ enabled: false })]));
    await expect(grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('refuses a resource other than the one the code was issued for with invalid_target (RFC 8707 §2.2)', async () => {
    const { grant } = setup(anAuthorizationCode({ resource: 'https://api.example/orders' }));
    await expect(
      grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb', resource: 'https://api.example/billing' }, aClient()),
    ).rejects.toMatchObject({ code: 'invalid_target' });
  });

  it('adds an ID Token when the scope includes openid (OpenID Connect Core §3.1.3.3)', async () => {
    const { grant } = setup(anAuthorizationCode({ scope: 'openid read' }));
    expect(await grant.handle({ code: 'the-code', redirect_uri: 'https://rp.example/cb' }, aClient({ scope: 'openid read' }))).toMatchObject({
      id_token: 'id-token',
    });
  });

  it('redeems a code requested with dpop_jkt only with a proof of that key (RFC 9449 §10)', async () => {
    const code = () => anAuthorizationCode({ dpopJkt: 'key-a' });
    const params = { code: 'the-code', redirect_uri: 'https://rp.example/cb' };
    for (const presented of [null, confirmation('jkt', 'key-b'), confirmation('x5t#S256', 'key-a')]) {
      const { grant, tokens } = setup(code());
      await expect(runAsGrant('authorization_code', () => grant.handle(params, aClient()), presented)).rejects.toMatchObject({ code: 'invalid_grant' });
      expect(tokens.spent.size).toBe(0);
    }
    const { grant } = setup(code());
    await expect(runAsGrant('authorization_code', () => grant.handle(params, aClient()), confirmation('jkt', 'key-a'))).resolves.toBeDefined();
  });
});
