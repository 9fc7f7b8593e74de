import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, TestClient, tokenRequest } from '../support/factories';

describe(`client_credentials grant [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;

  beforeAll(async () => {
    t = await createTestApp();
    client = await createClient(t, { scope: 'read write' });
  });
  afterAll(() => t.close());

  it('issues an access token and no refresh token (RFC 6749 §4.4.3)', async () => {
    const res = await tokenRequest(t.url, { grant_type: 'client_credentials', scope: 'read' }, client.basic);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read' });
  });

  it('introspects its token as active with no subject', async () => {
    const token = await tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);
    const res = await request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token: token.body.access_token });
    expect(res.body).toMatchObject({ active: true, client_id: client.clientId, scope: 'read write', token_type: 'Bearer' });
    expect(res.body.sub).toBeUndefined();
  });

  it('does not let /me accept a token without a resource owner', async () => {
    const token = await tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);
    const me = await request(t.url).get('/me').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(me.status).toBe(401);
    expect(me.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('refuses a public client with unauthorized_client', async () => {
    const publicClient = await createClient(t, { tokenEndpointAuthMethod: 'none' });
    const res = await tokenRequest(t.url, { grant_type: 'client_credentials', client_id: publicClient.clientId });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});
