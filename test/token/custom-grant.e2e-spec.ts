import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, type TestClient, tokenRequest } from '../support/factories';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { CustomGrantModule, DuplicateGrantModule } from '../fixtures/custom-grant.module';

describe(`a custom grant strategy registered by another module [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ extraModules: [CustomGrantModule], env: { ADMIN_PASSWORD } });
  });
  afterAll(() => t.close());

  it('serves urn:example:grant at the token endpoint without any change to the controller or registry', async () => {
    const client = await createClient(t, { grantTypes: ['urn:example:grant'], scope: 'read' });
    const res = await tokenRequest(t.url, { grant_type: 'urn:example:grant', assertion: 'trusted' }, client.basic);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it('validates the custom grant’s parameters and applies its errors', async () => {
    const client = await createClient(t, { grantTypes: ['urn:example:grant'] });
    const missing = await tokenRequest(t.url, { grant_type: 'urn:example:grant' }, client.basic);
    expect(missing.body.error).toBe('invalid_request');
    const rejected = await tokenRequest(t.url, { grant_type: 'urn:example:grant', assertion: 'forged' }, client.basic);
    expect(rejected.body.error).toBe('invalid_grant');
  });

  it('answers a JSON null for an optional parameter of the custom grant with invalid_request, not a 500', async () => {
    const client = await createClient(t, { grantTypes: ['urn:example:grant'], scope: 'read' });
    const res = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', client.basic)
      .send({ grant_type: 'urn:example:grant', assertion: 'trusted', scope: null });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: 'parameter scope must be a string' });
  });

  it('records the custom grant type in the audit event of the token it issued, without the grant naming it', async () => {
    const client = await createClient(t, { grantTypes: ['urn:example:grant'], scope: 'read' });
    const res = await tokenRequest(t.url, { grant_type: 'urn:example:grant', assertion: 'trusted' }, client.basic);
    expect(res.status).toBe(200);
    const events = await request(t.url)
      .get(`/admin/audit-events?type=token.issued&client_id=${client.clientId}`)
      .set('Authorization', `Bearer ${await adminToken(t)}`);
    expect(events.body.items[0].detail).toMatchObject({ grant_type: 'urn:example:grant' });
  });

  it('refuses the custom grant to a client that is not allowed it (unauthorized_client)', async () => {
    const client = await createClient(t, { grantTypes: ['client_credentials'] });
    const res = await tokenRequest(t.url, { grant_type: 'urn:example:grant', assertion: 'trusted' }, client.basic);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('lists the custom grant in the metadata', async () => {
    const res = await request(t.url).get('/.well-known/oauth-authorization-server');
    expect(res.body.grant_types_supported).toContain('urn:example:grant');
  });

  it('documents the custom grant’s parameters in the OpenAPI token request body', async () => {
    const { components } = (await request(t.url).get('/docs-json')).body;
    expect(components.schemas.TokenRequestBody.discriminator.mapping['urn:example:grant']).toBe('#/components/schemas/ExampleGrantRequest');
    expect(components.schemas.ExampleGrantRequest).toMatchObject({
      properties: { grant_type: { enum: ['urn:example:grant'] }, assertion: { type: 'string' }, scope: { type: 'string' } },
      required: ['grant_type', 'assertion'],
    });
  });

  describe('the admin scope, which the token issuer reserves for users with the admin role whatever the grant', () => {
    const grant = (client: TestClient, fields: Record<string, string>) => tokenRequest(t.url, fields, client.basic);

    it('refuses the custom grant asking for the admin scope with invalid_scope, though the application lists it', async () => {
      const client = await createClient(t, { grantTypes: ['urn:example:grant'], scope: 'read admin' });
      const res = await grant(client, { grant_type: 'urn:example:grant', assertion: 'trusted', scope: 'admin' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    });

    it('gives the custom grant without a scope every listed scope but admin', async () => {
      const client = await createClient(t, { grantTypes: ['urn:example:grant'], scope: 'read admin' });
      const res = await grant(client, { grant_type: 'urn:example:grant', assertion: 'trusted' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('read');
    });

    describe('a grant that checks no scope at all', () => {
      let client: TestClient;
      beforeAll(async () => {
        client = await createClient(t, { grantTypes: ['urn:example:careless', 'refresh_token'], scope: 'read admin' });
      });

      it('cannot mint the admin scope without a user', async () => {
        expect((await grant(client, { grant_type: 'urn:example:careless', scope: 'admin' })).body.error).toBe('invalid_scope');
      });

      it('cannot mint the admin scope for a user without the admin role', async () => {
        const user = await createUser(t);
        expect((await grant(client, { grant_type: 'urn:example:careless', scope: 'read admin', user_id: user.id })).body.error).toBe('invalid_scope');
      });

      it('cannot mint a scope outside the application’s list', async () => {
        expect((await grant(client, { grant_type: 'urn:example:careless', scope: 'read write' })).body.error).toBe('invalid_scope');
      });

      it('issues the admin scope for a user who holds the admin role, as any grant may', async () => {
        const administrator = await createUser(t, { roles: ['admin'] });
        const res = await grant(client, { grant_type: 'urn:example:careless', scope: 'admin', user_id: administrator.id });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ scope: 'admin', refresh_token: expect.any(String) });
      });
    });
  });

  it('refuses to boot with two strategies for one grant type', async () => {
    await expect(createTestApp({ extraModules: [DuplicateGrantModule] })).rejects.toThrow('Two grant strategies registered for grant_type password');
  });
});
