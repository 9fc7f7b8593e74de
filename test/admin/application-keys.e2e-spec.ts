import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { basicAuth, createClient, tokenRequest } from '../support/factories';

describe(`applications: client keys, certificates and authentication methods in the admin API [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let publicJwk: JWK;
  let privateJwk: JWK;

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1' };
  });
  afterAll(() => t.close());

  const app = (fields: object) => ({ client_name: 'Keyed', grant_types: ['client_credentials'], ...fields });

  it('registers a private_key_jwt application with jwks and reads them back', async () => {
    const res = await api.post(
      '/admin/applications',
      app({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] }, token_endpoint_auth_signing_alg: 'ES256' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [publicJwk] },
      token_endpoint_auth_signing_alg: 'ES256',
      jwks_uri: null,
    });
  });

  it('registers a tls_client_auth application with a subject DN', async () => {
    const res = await api.post(
      '/admin/applications',
      app({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=shop.example.com,O=Shop' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.tls_client_auth_subject_dn).toBe('CN=shop.example.com,O=Shop');
  });

  it.each([
    ['a private key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: () => ({ keys: [privateJwk] }) }, 'jwks'],
    ['a symmetric key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: () => ({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) }, 'jwks'],
    ['key_ops that is not an array in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: () => ({ keys: [{ ...publicJwk, key_ops: 5 }] }) }, 'jwks'],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'jwks'],
    [
      'both jwks and jwks_uri',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: () => ({ keys: [publicJwk] }), jwks_uri: 'https://rp.example/jwks' },
      'jwks_uri',
    ],
    ['an http jwks_uri off the loopback interface', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://rp.example/jwks' }, 'jwks_uri'],
    ['tls_client_auth without a certificate name', { token_endpoint_auth_method: 'tls_client_auth' }, 'tls_client_auth_subject_dn'],
    [
      'two certificate names',
      { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=a', tls_client_auth_san_dns: 'a.example' },
      'tls_client_auth_san_dns',
    ],
    ['self_signed_tls_client_auth without jwks', { token_endpoint_auth_method: 'self_signed_tls_client_auth' }, 'jwks'],
    [
      'an HMAC algorithm for private_key_jwt',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: () => ({ keys: [publicJwk] }), token_endpoint_auth_signing_alg: 'HS256' },
      'token_endpoint_auth_signing_alg',
    ],
    [
      'alg none',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: () => ({ keys: [publicJwk] }), token_endpoint_auth_signing_alg: 'none' },
      'token_endpoint_auth_signing_alg',
    ],
  ])('refuses %s with a 400 naming the field', async (_name, fields, field) => {
    const body = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'function' ? value() : value]));
    const res = await api.post('/admin/applications', app(body));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('creates a client_secret_jwt application, but refuses to switch a hashed-secret one to it', async () => {
    expect((await api.post('/admin/applications', app({ token_endpoint_auth_method: 'client_secret_jwt' }))).status).toBe(201);
    const hashed = (await api.post('/admin/applications', app({}))).body.client_id as string;
    const res = await api.patch(`/admin/applications/${hashed}`, { token_endpoint_auth_method: 'client_secret_jwt' });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('stored only as a hash');
  });

  it('changes and disables an application whose method is no longer offered', async () => {
    const retired = await createClient(t, { tokenEndpointAuthMethod: 'urn:example:retired', grantTypes: ['client_credentials'] });
    const renamed = await api.patch(`/admin/applications/${retired.clientId}`, { client_name: 'Renamed' });
    expect(renamed.status).toBe(200);
    const disabled = await api.patch(`/admin/applications/${retired.clientId}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, token_endpoint_auth_method: 'urn:example:retired' });
    // Moving it to a method that is offered works; to another unknown one does not.
    expect((await api.patch(`/admin/applications/${retired.clientId}`, { token_endpoint_auth_method: 'urn:example:other' })).status).toBe(400);
    expect((await api.patch(`/admin/applications/${retired.clientId}`, { token_endpoint_auth_method: 'client_secret_basic' })).status).toBe(200);
  });

  it('keeps secret-based authentication working for a client_secret_basic application (nothing else changed)', async () => {
    const created = await createClient(t, { grantTypes: ['client_credentials'] });
    const res = await tokenRequest(t.url, { grant_type: 'client_credentials' }, basicAuth(created.clientId, created.clientSecret!));
    expect(res.status).toBe(200);
  });

  it('exports the key material and imports it back unchanged', async () => {
    const exported = (await api.get('/admin/export')).body;
    const keyed = exported.applications.find((a: { token_endpoint_auth_method: string }) => a.token_endpoint_auth_method === 'private_key_jwt');
    expect(keyed.jwks).toEqual({ keys: [publicJwk] });
    const res = await api.post('/admin/import', { applications: [keyed] });
    expect(res.status).toBe(200);
  });
});
