import { randomUUID, X509Certificate } from 'node:crypto';
import type { Server } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startMtlsListener } from '../../src/common/http/mtls-listener';
import { loadConfig } from '../../src/config/app-config';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
import { freePort } from '../support/free-port';
import { type JwksServer, startJwksServer } from '../support/jwks-server';
import { makeCertificate, skipWithoutOpenssl, type TestCertificate } from '../support/certificates';
import { type TempFiles, writeTempFiles } from '../support/temp-files';

const describeWithOpenssl = skipWithoutOpenssl() ? describe.skip : describe;

describeWithOpenssl(`the HTTPS listener that asks for client certificates (no proxy) [${TEST_DB}]`, () => {
  let t: TestApp;
  let server: Server;
  let files: TempFiles;
  let serverCa: TestCertificate;
  let client: TestCertificate;
  let selfSigned: TestCertificate;
  let mtlsBase: string;
  let jwksServer: JwksServer;

  beforeAll(async () => {
    serverCa = makeCertificate({ subject: '/CN=Test Server CA', ca: true });
    const serverCert = makeCertificate({ subject: '/CN=localhost', san: ['IP:127.0.0.1', 'DNS:localhost'], issuer: serverCa });
    const clientCa = makeCertificate({ subject: '/CN=Test Client CA', ca: true });
    client = makeCertificate({ subject: '/O=Partner Bank/CN=partner.example.com', issuer: clientCa });
    selfSigned = makeCertificate({ subject: '/O=Partner Bank/CN=partner.example.com' });
    files = writeTempFiles({ MTLS_CERT: serverCert.certificate, MTLS_KEY: serverCert.privateKey, MTLS_CLIENT_CA: clientCa.certificate });
    const port = await freePort();
    mtlsBase = `https://127.0.0.1:${port}`;
    t = await createTestApp({ env: { MTLS_ENDPOINT_BASE_URL: mtlsBase, CLIENT_JWKS_URI_ALLOW_PRIVATE: 'on' } });
    const config = loadConfig({ MTLS_PORT: String(port), ...files.paths });
    jwksServer = await startJwksServer();
    server = await startMtlsListener(t.app.getHttpAdapter().getInstance(), config.mtls!, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await jwksServer?.close();
    await t?.close();
    files?.remove();
  });

  /** POST /oauth2/token over TLS, presenting `certificate` (or none), with a DPoP proof when given. */
  function token(clientId: string, certificate?: TestCertificate, dpop?: string): Promise<{ status: number; body: { error?: string; token_type?: string } }> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId }).toString();
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          path: '/oauth2/token',
          method: 'POST',
          ca: serverCa.certificate,
          ...(certificate ? { cert: certificate.certificate, key: certificate.privateKey } : {}),
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...(dpop ? { dpop } : {}) },
          agent: false,
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: string; token_type?: string } }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const tlsClient = () =>
    createClient(t, {
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: 'CN=partner.example.com,O=Partner Bank',
      grantTypes: ['client_credentials'],
      scope: 'read',
    }).then((c) => c.clientId);

  it('authenticates tls_client_auth with a certificate from MTLS_CLIENT_CA', async () => {
    expect((await token(await tlsClient(), client)).status).toBe(200);
  });

  it('refuses tls_client_auth a certificate with the right DN that no trusted CA issued', async () => {
    const res = await token(await tlsClient(), selfSigned);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses tls_client_auth without a certificate', async () => {
    expect((await token(await tlsClient())).body.error).toBe('invalid_client');
  });

  it('authenticates self_signed_tls_client_auth with the registered key', async () => {
    const jwk = await exportJWK(new X509Certificate(selfSigned.certificate).publicKey);
    const { clientId } = await createClient(t, {
      tokenEndpointAuthMethod: 'self_signed_tls_client_auth',
      jwks: { keys: [jwk] },
      grantTypes: ['client_credentials'],
      scope: 'read',
    });
    expect((await token(clientId, selfSigned)).status).toBe(200);
  });

  const selfSignedJwk = async () => ({ ...(await exportJWK(new X509Certificate(selfSigned.certificate).publicKey)), kid: randomUUID() });

  it('refuses self_signed_tls_client_auth a certificate whose key jwks_uri lacks, fetching it at most once per cooldown', async () => {
    const other = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: randomUUID() };
    jwksServer.keys = [other];
    jwksServer.fetches = 0;
    const { clientId } = await createClient(t, {
      tokenEndpointAuthMethod: 'self_signed_tls_client_auth',
      jwksUri: jwksServer.uri(),
      grantTypes: ['client_credentials'],
      scope: 'read',
    });
    expect((await token(clientId, selfSigned)).body.error).toBe('invalid_client');
    expect(jwksServer.fetches).toBe(1);
    jwksServer.keys = [other, await selfSignedJwk()];
    // Within the cooldown the set is not fetched again (a flood of unknown certificates is not a flood of fetches).
    expect((await token(clientId, selfSigned)).status).toBe(401);
    expect(jwksServer.fetches).toBe(1);
  });

  it('takes the key from jwks_uri once it is published', async () => {
    jwksServer.keys = [await selfSignedJwk()];
    const { clientId } = await createClient(t, {
      tokenEndpointAuthMethod: 'self_signed_tls_client_auth',
      jwksUri: jwksServer.uri('/jwks2'),
      grantTypes: ['client_credentials'],
      scope: 'read',
    });
    expect((await token(clientId, selfSigned)).status).toBe(200);
    expect((await token(clientId, selfSigned)).status).toBe(200);
  });

  it('refuses self_signed_tls_client_auth when jwks_uri cannot be fetched (invalid_client, no 5xx)', async () => {
    const { clientId } = await createClient(t, {
      tokenEndpointAuthMethod: 'self_signed_tls_client_auth',
      jwksUri: `http://127.0.0.1:${await freePort()}/jwks`,
      grantTypes: ['client_credentials'],
      scope: 'read',
    });
    const res = await token(clientId, selfSigned);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('publishes mtls_endpoint_aliases for the endpoints a client calls, not the authorization endpoint (RFC 8705 §5)', async () => {
    const metadata = (await (await fetch(`${t.url}/.well-known/openid-configuration`)).json()) as { mtls_endpoint_aliases: Record<string, string> };
    expect(metadata.mtls_endpoint_aliases).toMatchObject({
      token_endpoint: `${mtlsBase}/oauth2/token`,
      revocation_endpoint: `${mtlsBase}/oauth2/revoke`,
      introspection_endpoint: `${mtlsBase}/oauth2/introspect`,
      userinfo_endpoint: `${mtlsBase}/oauth2/userinfo`,
      pushed_authorization_request_endpoint: `${mtlsBase}/oauth2/par`,
    });
    expect(metadata.mtls_endpoint_aliases.authorization_endpoint).toBeUndefined();
  });

  it('checks a DPoP proof’s htu against the alias the client called (RFC 9449 §4.3)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const proof = (htu: string) =>
      new SignJWT({ jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(privateKey);
    const clientId = await tlsClient();
    const bound = await token(clientId, client, await proof(`${mtlsBase}/oauth2/token`));
    expect(bound).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    const refused = await token(clientId, client, await proof(`${t.url}/oauth2/token`));
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });
});
