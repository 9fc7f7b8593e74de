import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
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
    const res = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'urn:example:grant', assertion: 'trusted' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it('validates the custom grant’s parameters and applies its errors', async () => {
    const client = await createClient(t, { grantTypes: ['urn:example:grant'] });
    const missing = await request(t.url).post('/oauth2/token').set('Authorization', client.basic).type('form').send({ grant_type: 'urn:example:grant' });
    expect(missing.body.error).toBe('invalid_request');
    const rejected = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'urn:example:grant', assertion: 'forged' });
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
    const res = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'urn:example:grant', assertion: 'trusted' });
    expect(res.status).toBe(200);
    const events = await request(t.url)
      .get(`/admin/audit-events?type=token.issued&client_id=${client.clientId}`)
      .set('Authorization', `Bearer ${await adminToken(t)}`);
    expect(events.body.items[0].detail).toMatchObject({ grant_type: 'urn:example:grant' });
  });

  it('refuses the custom grant to a client that is not allowed it (unauthorized_client)', async () => {
    const client = await createClient(t, { grantTypes: ['client_credentials'] });
    const res = await request(t.url)
      .post('/oauth2/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'urn:example:grant', assertion: 'trusted' });
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

  it('refuses to boot with two strategies for one grant type', async () => {
    await expect(createTestApp({ extraModules: [DuplicateGrantModule] })).rejects.toThrow('Two grant strategies registered for grant_type password');
  });
});
