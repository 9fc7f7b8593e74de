import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { startMtlsListener } from '../../src/common/http/mtls-listener';
import { loadConfig } from '../../src/config/app-config';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
import { freePort } from '../support/free-port';
import { makeCertificate, skipWithoutOpenssl, type TestCertificate } from '../support/certificates';

const describeWithOpenssl = skipWithoutOpenssl() ? describe.skip : describe;

describeWithOpenssl(`the HTTPS listener that asks for client certificates (no proxy) [${TEST_DB}]`, () => {
  let t: TestApp;
  let server: Server;
  let dir: string;
  let serverCa: TestCertificate;
  let clientCa: TestCertificate;
  let client: TestCertificate;
  let selfSigned: TestCertificate;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mtls-'));
    serverCa = makeCertificate({ subject: '/CN=Test Server CA', ca: true });
    const serverCert = makeCertificate({ subject: '/CN=localhost', san: ['IP:127.0.0.1', 'DNS:localhost'], issuer: serverCa });
    clientCa = makeCertificate({ subject: '/CN=Test Client CA', ca: true });
    client = makeCertificate({ subject: '/O=Partner Bank/CN=partner.example.com', issuer: clientCa });
    selfSigned = makeCertificate({ subject: '/O=Partner Bank/CN=partner.example.com' });
    const files = { MTLS_CERT: serverCert.certificate, MTLS_KEY: serverCert.privateKey, MTLS_CLIENT_CA: clientCa.certificate };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    t = await createTestApp();
    const config = loadConfig({ MTLS_PORT: String(await freePort()), ...Object.fromEntries(Object.keys(files).map((name) => [name, join(dir, name)])) });
    server = await startMtlsListener(t.app.getHttpAdapter().getInstance(), config.mtls!, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** POST /oauth2/token over TLS, presenting `certificate` (or none). */
  function token(clientId: string, certificate?: TestCertificate): Promise<{ status: number; body: { error?: string } }> {
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
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
          agent: false,
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: string } }));
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
});
