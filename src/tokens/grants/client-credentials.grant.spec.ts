import { OAuthError } from '../../common/oauth/oauth-error';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { aClient, InMemoryTokens } from './testing/in-memory';

function setup() {
  const tokens = new InMemoryTokens();
  return { tokens, grant: new ClientCredentialsGrant(tokens.asIssuer()) };
}

describe('client_credentials grant (RFC 6749 §4.4)', () => {
  it('issues an access token for the client itself, with the requested scope and no refresh token (§4.4.3)', async () => {
    const { tokens, grant } = setup();
    const response = await grant.handle({ scope: 'read' }, aClient());
    expect(response).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    expect(response.refresh_token).toBeUndefined();
    expect(tokens.issued).toEqual([expect.objectContaining({ userId: null, scope: 'read', withRefreshToken: false })]);
  });

  it('grants every scope of the client when none is requested (§3.3)', async () => {
    const { grant } = setup();
    expect((await grant.handle({}, aClient({ scope: 'read write' }))).scope).toBe('read write');
  });

  it('refuses a scope the client may not use with invalid_scope', async () => {
    const { tokens, grant } = setup();
    await expect(grant.handle({ scope: 'admin' }, aClient())).rejects.toMatchObject({ code: 'invalid_scope' });
    expect(tokens.issued).toHaveLength(0);
  });

  it('refuses a public client with unauthorized_client: it has no credentials to present', async () => {
    const { grant } = setup();
    const error = await grant.handle({}, aClient({ isPublic: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'unauthorized_client' });
  });

  it('passes the requested resource (RFC 8707) to the issuer, which checks it', async () => {
    const { tokens, grant } = setup();
    await grant.handle({ resource: 'https://api.example/orders' }, aClient());
    expect(tokens.issued[0].resource).toBe('https://api.example/orders');
  });
});
