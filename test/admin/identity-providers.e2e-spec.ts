import request from 'supertest';
import { AdminApi, appWithAdminApi } from '../support/admin';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createUser } from '../support/factories';
import { sql } from '../support/sql';

describe(`admin API: upstream identity providers [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => ({ t, api } = await appWithAdminApi()));
  afterAll(() => t.close());

  const provider = (extra: Record<string, unknown> = {}) => ({
    alias: 'partner',
    display_name: 'Partner ID',
    issuer: 'https://id.partner.example',
    client_id: 'as-at-partner',
    client_secret: 'partner-secret-value',
    ...extra,
  });

  it('creates, reads, changes and deletes a provider, never answering its secret, each change audited', async () => {
    const created = await api.post('/admin/identity-providers').send(provider({ allowed_email_domains: ['Partner.example'] }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      alias: 'partner',
      client_auth_method: 'client_secret_basic',
      scope: 'openid email profile',
      claim_mapping: { subject: 'sub', email: 'email', name: 'name' },
      allowed_email_domains: ['partner.example'],
      trust_upstream_amr: false,
      jit_provisioning: true,
      redirect_uri: `${t.url}/oauth2/upstream/callback`,
      post_logout_redirect_uri: `${t.url}/oauth2/upstream/signed-out`,
    });
    expect(JSON.stringify(created.body)).not.toContain('partner-secret-value');
    const id = created.body.id as string;

    // Sealed at rest: the column holds no plaintext.
    const [row] = await sql(t.dataSource, 'SELECT sealed_credential FROM upstream_identity_providers WHERE id = ?', [id]);
    expect(String(row.sealed_credential)).not.toContain('partner-secret-value');

    expect((await api.get('/admin/identity-providers')).body).toEqual([expect.objectContaining({ id, display_name: 'Partner ID' })]);
    const changed = await api.patch(`/admin/identity-providers/${id}`).send({ display_name: 'Partner Login', claim_mapping: { email: 'mail' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ display_name: 'Partner Login', claim_mapping: { subject: 'sub', email: 'mail', name: 'name' } });
    expect((await api.delete(`/admin/identity-providers/${id}`)).status).toBe(204);
    expect((await api.get(`/admin/identity-providers/${id}`)).status).toBe(404);

    const audit = await sql(t.dataSource, "SELECT type FROM audit_events WHERE subject = ? AND type LIKE 'admin.identity_provider.%' ORDER BY id", [id]);
    expect(audit.map((r) => r.type).sort()).toEqual(['admin.identity_provider.created', 'admin.identity_provider.deleted', 'admin.identity_provider.updated']);
  });

  it('refuses a provider without its credential, a scope without openid, or a taken alias', async () => {
    expect((await api.post('/admin/identity-providers').send(provider({ alias: 'p1', client_secret: undefined }))).status).toBe(400);
    expect((await api.post('/admin/identity-providers').send(provider({ alias: 'p2', client_auth_method: 'private_key_jwt' }))).status).toBe(400);
    expect((await api.post('/admin/identity-providers').send(provider({ alias: 'p3', scope: 'email' }))).status).toBe(400);
    expect((await api.post('/admin/identity-providers').send(provider({ alias: 'p4', issuer: 'ftp://x.example' }))).status).toBe(400);
    expect((await api.post('/admin/identity-providers').send(provider({ alias: 'taken' }))).status).toBe(201);
    expect((await api.post('/admin/identity-providers').send(provider({ alias: 'taken' }))).status).toBe(409);
  });

  it('refuses a change of issuer or client_id that would send the stored credential elsewhere, unless it comes with it', async () => {
    const { body: p } = await api.post('/admin/identity-providers').send(provider({ alias: 'mover' }));
    const sealed = async () => (await sql(t.dataSource, 'SELECT sealed_credential FROM upstream_identity_providers WHERE id = ?', [p.id]))[0].sealed_credential;
    const before = await sealed();
    for (const change of [{ issuer: 'https://attacker.example' }, { client_id: 'another-client' }]) {
      const refused = await api.patch(`/admin/identity-providers/${p.id}`).send(change);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_request', details: [{ field: 'client_secret' }] });
      expect(refused.body.error_description).toContain('client_secret is required when issuer or client_id change');
    }
    expect((await api.get(`/admin/identity-providers/${p.id}`)).body).toMatchObject({ issuer: 'https://id.partner.example', client_id: 'as-at-partner' });
    expect(await sealed()).toBe(before);
    // Unchanged values need nothing; a move with its new secret is taken and re-sealed.
    expect((await api.patch(`/admin/identity-providers/${p.id}`).send({ issuer: 'https://id.partner.example', display_name: 'Partner 2' })).status).toBe(200);
    const moved = await api.patch(`/admin/identity-providers/${p.id}`).send({ issuer: 'https://login.partner.example', client_secret: 'the-new-secret' });
    expect(moved.status).toBe(200);
    expect(moved.body.issuer).toBe('https://login.partner.example');
    expect(await sealed()).not.toBe(before);
  });

  it('asks a private_key_jwt provider for its key again when it moves', async () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1', alg: 'ES256' };
    const { body: p } = await api
      .post('/admin/identity-providers')
      .send(provider({ alias: 'jwt-mover', client_secret: undefined, client_auth_method: 'private_key_jwt', private_key_jwk: jwk }));
    const refused = await api.patch(`/admin/identity-providers/${p.id}`).send({ client_id: 'renamed' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', details: [{ field: 'private_key_jwk' }] });
    expect((await api.patch(`/admin/identity-providers/${p.id}`).send({ client_id: 'renamed', private_key_jwk: jwk })).status).toBe(200);
  });

  it('links a local user to an upstream subject once, lists and removes the link', async () => {
    const { body: p } = await api.post('/admin/identity-providers').send(provider({ alias: 'linker' }));
    const user = await createUser(t, { username: 'linked-person' });
    const link = await api.post(`/admin/identity-providers/${p.id}/links`).send({ user_id: user.id, subject: 'upstream-248289761001' });
    expect(link.status).toBe(201);
    expect(link.body).toMatchObject({ user_id: user.id, subject: 'upstream-248289761001', linked_by: 'admin' });
    expect((await api.post(`/admin/identity-providers/${p.id}/links`).send({ user_id: user.id, subject: 'upstream-248289761001' })).status).toBe(409);
    expect((await api.post(`/admin/identity-providers/${p.id}/links`).send({ user_id: 'no-such-user', subject: 'x' })).status).toBe(404);
    expect((await api.get(`/admin/identity-providers/${p.id}/links`)).body).toHaveLength(1);
    expect((await api.delete(`/admin/identity-providers/${p.id}/links/${link.body.id}`)).status).toBe(204);
    expect((await api.get(`/admin/identity-providers/${p.id}/links`)).body).toHaveLength(0);
  });

  it('is for administrators only', async () => {
    expect((await request(t.url).get('/admin/identity-providers')).status).toBe(401);
  });
});
