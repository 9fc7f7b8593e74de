import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { basicAuth, createClient, createUser, introspectionRequest, revocationRequest, TestClient, TestUser, tokenRequest } from '../support/factories';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const ORDERS = 'https://api.example.com/orders';

/** RFC 8693 token exchange, enabled per application by listing its grant type. */
describe(`token exchange (RFC 8693) [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let frontend: TestClient;
  let service: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    const created = await api.post('/admin/resources', { identifier: ORDERS, name: 'Orders', scope: 'read', access_token_format: 'opaque' });
    expect(created.status).toBe(201);
    frontend = await createClient(t, { grantTypes: ['password'], scope: 'read write' });
    // Enabled as an operator enables it: by listing the grant type in the application's grant_types.
    const app = await api.post('/admin/applications', {
      client_name: 'Orders gateway',
      grant_types: [TOKEN_EXCHANGE, 'client_credentials'],
      scope: 'read write',
      resources: [ORDERS],
    });
    expect(app.status).toBe(201);
    service = {
      clientId: app.body.client_id,
      clientSecret: app.body.client_secret,
      basic: basicAuth(app.body.client_id, app.body.client_secret),
      redirectUri: '',
    };
    user = await createUser(t);
  });
  afterAll(() => t.close());

  const token = (client: TestClient, fields: Record<string, string>) => tokenRequest(t.url, fields, client.basic);
  const userToken = async (scope = 'read write'): Promise<string> => {
    const res = await token(frontend, { grant_type: 'password', username: user.username, password: user.password, scope });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const exchange = (subjectToken: string, extra: Record<string, string> = {}, client = service) =>
    token(client, { grant_type: TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, ...extra });
  const introspect = (value: string) => introspectionRequest(t.url, { token: value }, service.basic);
  const issuedEvents = async (client: TestClient): Promise<{ user_id: string | null; detail: Record<string, unknown> }[]> =>
    (await api.get(`/admin/audit-events?type=token.issued&client_id=${client.clientId}`)).body.items;

  it('exchanges a user’s access token for one of the calling client with a narrower scope, and says it issued an access token', async () => {
    const res = await exchange(await userToken(), { scope: 'read' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read', issued_token_type: ACCESS_TOKEN_TYPE });
    expect((await introspect(res.body.access_token)).body).toMatchObject({ active: true, client_id: service.clientId, sub: user.id, scope: 'read' });
  });

  it('keeps the subject token’s whole scope when none is requested', async () => {
    const res = await exchange(await userToken('read write'));
    expect(res.body).toMatchObject({ scope: 'read write', issued_token_type: ACCESS_TOKEN_TYPE });
  });

  it('records delegation in the audit event of the issued token: the subject, the actor and the audience', async () => {
    const delegate = await createClient(t, { grantTypes: [TOKEN_EXCHANGE, 'client_credentials'], scope: 'read' });
    const subject = await userToken();
    const actor = await token(delegate, { grant_type: 'client_credentials' });
    const res = await exchange(subject, { actor_token: actor.body.access_token, actor_token_type: ACCESS_TOKEN_TYPE, audience: 'orders-service' }, delegate);
    expect(res.status).toBe(200);
    const exchanged = (await issuedEvents(delegate)).filter((event) => event.detail.grant_type === TOKEN_EXCHANGE);
    expect(exchanged).toHaveLength(1);
    expect(exchanged[0].user_id).toBe(user.id);
    expect(exchanged[0].detail).toMatchObject({
      subject_client_id: frontend.clientId,
      actor_client_id: delegate.clientId,
      actor_user_id: null,
      audience: 'orders-service',
    });
  });

  it('issues the token for a resource server the client may use (RFC 8707), and refuses one it may not (invalid_target)', async () => {
    const subject = await userToken();
    const res = await exchange(subject, { resource: ORDERS });
    expect(res.status).toBe(200);
    expect((await introspect(res.body.access_token)).body).toMatchObject({ active: true, aud: ORDERS, scope: 'read' });
    expect((await exchange(subject, { resource: 'https://api.example.com/billing' })).body.error).toBe('invalid_target');
  });

  it('refuses a subject token that is not an access token of this server with invalid_request (RFC 8693 §2.2.2)', async () => {
    const res = await exchange('not-a-token-of-this-server');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a revoked subject token with invalid_request (RFC 8693 §2.2.2)', async () => {
    const subject = await userToken();
    expect((await revocationRequest(t.url, { token: subject }, frontend.basic)).status).toBe(200);
    expect((await exchange(subject)).body.error).toBe('invalid_request');
  });

  it('refuses an actor token that is not an active access token with invalid_request (RFC 8693 §2.2.2)', async () => {
    const res = await exchange(await userToken(), { actor_token: 'forged', actor_token_type: ACCESS_TOKEN_TYPE });
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a scope wider than the subject token’s with invalid_scope', async () => {
    const res = await exchange(await userToken('read'), { scope: 'read write' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('refuses any subject_token_type but access_token, and an actor_token without its type, with invalid_request', async () => {
    const subject = await userToken();
    const refreshType = await exchange(subject, { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' });
    expect(refreshType.body).toMatchObject({ error: 'invalid_request', error_description: `subject_token_type must be ${ACCESS_TOKEN_TYPE}` });
    const untypedActor = await exchange(subject, { actor_token: subject });
    expect(untypedActor.body).toMatchObject({
      error: 'invalid_request',
      error_description: `actor_token_type must be ${ACCESS_TOKEN_TYPE} when actor_token is sent`,
    });
  });

  it('refuses the exchange to a client whose application does not list the grant type (unauthorized_client)', async () => {
    const res = await exchange(await userToken(), {}, frontend);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('lists the grant type in the authorization server metadata', async () => {
    expect((await request(t.url).get('/.well-known/oauth-authorization-server')).body.grant_types_supported).toContain(TOKEN_EXCHANGE);
  });
});
