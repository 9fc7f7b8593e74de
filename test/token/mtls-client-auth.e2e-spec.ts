import { X509Certificate } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
import { escapedPem, makeCertificate, skipWithoutOpenssl, type TestCertificate } from '../support/certificates';

const HEADER = 'X-SSL-Client-Cert';
const VERIFY_HEADER = 'X-SSL-Client-Verify';
const skip = skipWithoutOpenssl();
const describeWithOpenssl = skip ? describe.skip : describe;

/** The certificate's public key as a JWK, as a self_signed_tls_client_auth client registers it. */
async function jwkOf(certificate: TestCertificate): Promise<JWK> {
  return exportJWK(new X509Certificate(certificate.certificate).publicKey);
}

describeWithOpenssl(`mutual TLS client authentication behind a TLS-terminating proxy (RFC 8705) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestCertificate;
  let other: TestCertificate;
  let selfSigned: TestCertificate;

  beforeAll(async () => {
    const ca = makeCertificate({ subject: '/CN=Test Client CA', ca: true });
    client = makeCertificate({ subject: '/C=DE/O=Example Shop, Inc./CN=shop.example.com', san: ['DNS:shop.example.com', 'IP:10.0.0.7'], issuer: ca });
    other = makeCertificate({ subject: '/C=DE/O=Example Shop, Inc./CN=intruder.example.com', issuer: ca });
    selfSigned = makeCertificate({ subject: '/CN=self-signed client' });
    // The tests connect from 127.0.0.1, here the proxy's address.
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback', CLIENT_CERTIFICATE_HEADER: HEADER, CLIENT_CERTIFICATE_VERIFY_HEADER: VERIFY_HEADER } });
  });
  afterAll(() => t?.close());

  const token = (clientId: string, certificate?: TestCertificate, verified = certificate !== selfSigned) => {
    const req = request(t.url).post('/oauth2/token').type('form');
    if (certificate) req.set(HEADER, escapedPem(certificate.certificate)).set(VERIFY_HEADER, verified ? 'SUCCESS' : 'FAILED:self-signed certificate');
    return req.send({ grant_type: 'client_credentials', client_id: clientId });
  };
  const mtlsClient = (fields: Parameters<typeof createClient>[1]) =>
    createClient(t, { grantTypes: ['client_credentials'], scope: 'read', ...fields }).then((c) => c.clientId);

  it('authenticates tls_client_auth by the registered subject DN (RFC 4514 order, any case)', async () => {
    const clientId = await mtlsClient({
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: 'cn=shop.example.com,O=Example Shop\\, Inc.,C=DE',
    });
    const res = await token(clientId, client);
    expect(res.status).toBe(200);
  });

  it('refuses tls_client_auth when the proxy did not verify the certificate against the client CAs (RFC 8705 §2.1)', async () => {
    const clientId = await mtlsClient({
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: 'CN=shop.example.com,O=Example Shop\\, Inc.,C=DE',
    });
    expect((await token(clientId, client, false)).status).toBe(401);
    expect((await token(clientId, client, true)).status).toBe(200);
  });

  it.each([
    ['dNSName', { tlsClientAuthSanDns: 'SHOP.example.com' }],
    ['iPAddress', { tlsClientAuthSanIp: '10.0.0.7' }],
  ])('authenticates tls_client_auth by a registered SAN: %s', async (_name, fields) => {
    expect((await token(await mtlsClient({ tokenEndpointAuthMethod: 'tls_client_auth', ...fields }), client)).status).toBe(200);
  });

  it('authenticates self_signed_tls_client_auth by the key registered in jwks', async () => {
    const clientId = await mtlsClient({ tokenEndpointAuthMethod: 'self_signed_tls_client_auth', jwks: { keys: [await jwkOf(selfSigned)] } });
    expect((await token(clientId, selfSigned)).status).toBe(200);
  });

  it.each([
    ['tls_client_auth with a certificate of another subject DN', () => ({ method: 'tls_client_auth', cert: other })],
    ['tls_client_auth without a certificate', () => ({ method: 'tls_client_auth', cert: undefined })],
    ['self_signed_tls_client_auth with a certificate of another key', () => ({ method: 'self_signed_tls_client_auth', cert: client })],
  ])('answers invalid_client to %s', async (_name, scenario) => {
    const { method, cert } = scenario();
    const clientId =
      method === 'tls_client_auth'
        ? await mtlsClient({ tokenEndpointAuthMethod: 'tls_client_auth', tlsClientAuthSubjectDn: 'CN=shop.example.com,O=Example Shop\\, Inc.,C=DE' })
        : await mtlsClient({ tokenEndpointAuthMethod: 'self_signed_tls_client_auth', jwks: { keys: [await jwkOf(selfSigned)] } });
    const res = await token(clientId, cert);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('lets a public client forward a certificate and still authenticate as none', async () => {
    const clientId = await mtlsClient({ tokenEndpointAuthMethod: 'none', grantTypes: ['refresh_token'] });
    const res = await token(clientId, client);
    // Authenticated (none), then refused by the grant check: not invalid_client.
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describeWithOpenssl(`a client certificate header from a peer that is not a trusted proxy [${TEST_DB}]`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: '10.0.0.0/8', CLIENT_CERTIFICATE_HEADER: HEADER } });
  });
  afterAll(() => t?.close());

  it('is ignored: the client is not authenticated by it', async () => {
    const ca = makeCertificate({ subject: '/CN=Test Client CA', ca: true });
    const client = makeCertificate({ subject: '/CN=shop.example.com', issuer: ca });
    const { clientId } = await createClient(t, {
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: 'CN=shop.example.com',
      grantTypes: ['client_credentials'],
      scope: 'read',
    });
    const res = await request(t.url)
      .post('/oauth2/token')
      .type('form')
      .set(HEADER, escapedPem(client.certificate))
      .send({ grant_type: 'client_credentials', client_id: clientId });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});
