import * as oauth from 'oauth4webapi';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';
import { approveCodeRequest, discover, insecure } from '../support/oauth4webapi';

/** A strict third-party client library, used unmodified against the server. */
describe(`oauth4webapi against the server [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let confidential: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    confidential = await createClient(t, { redirectUris: ['http://localhost/cb'], scope: 'read write' });
    user = await createUser(t);
    as = await discover(t);
  });
  afterAll(() => t.close());

  it('discovers the metadata (RFC 8414) with a matching issuer', () => {
    expect(as.issuer).toBe(t.url);
    expect(as.token_endpoint).toBe(`${t.url}/oauth2/token`);
  });

  it('runs authorization code + PKCE for a public client, validating the response iss and state', async () => {
    const publicClient = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: ['http://localhost/cb'], scope: 'read write' });
    const client: oauth.Client = { client_id: publicClient.clientId, token_endpoint_auth_method: 'none' };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();

    const callback = await approveCodeRequest(
      as,
      t.url,
      { client_id: client.client_id, redirect_uri: 'http://localhost/cb', scope: 'read', state },
      verifier,
      user,
    );
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, 'http://localhost/cb', verifier, insecure);
    const result = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(result.token_type).toBe('bearer');
    expect(result.scope).toBe('read');
    expect(result.refresh_token).toBeDefined();

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), result.refresh_token!, insecure),
    );
    expect(refreshed.access_token).not.toBe(result.access_token);

    const userInfo = await oauth.processUserInfoResponse(as, client, user.id, await oauth.userInfoRequest(as, client, refreshed.access_token, insecure));
    expect(userInfo).toMatchObject({ sub: user.id, username: user.username });
  });

  it('runs client_credentials, introspection and revocation with client_secret_basic', async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const auth = oauth.ClientSecretBasic(confidential.clientSecret!);
    const token = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'write' }, insecure),
    );
    expect(token.scope).toBe('write');

    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token.access_token, insecure));
    expect(active).toMatchObject({ active: true, client_id: confidential.clientId, scope: 'write' });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, token.access_token, insecure));
    const inactive = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token.access_token, insecure));
    expect(inactive.active).toBe(false);
  });

  it('surfaces a failed client authentication as a Basic challenge (RFC 6749 §5.2)', async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong'), {}, insecure);
    await expect(oauth.processClientCredentialsResponse(as, client, response)).rejects.toMatchObject({
      code: oauth.WWW_AUTHENTICATE_CHALLENGE,
      status: 401,
      cause: [expect.objectContaining({ scheme: 'basic' })],
    });
  });

  it('surfaces invalid_grant as a ResponseBodyError', async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(confidential.clientSecret!), 'no-such-token', insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, response)).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });
});
