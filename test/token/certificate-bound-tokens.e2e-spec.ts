import { createHash, X509Certificate } from 'node:crypto';
import { escapedPem, makeCertificate, skipWithoutOpenssl, type TestCertificate } from '../support/certificates';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';

const skip = skipWithoutOpenssl();

/** RFC 8705 §3: tokens bound to the TLS client certificate a trusted proxy forwards. */
(skip ? describe.skip : describe)(`certificate-bound access tokens (RFC 8705 §3) [${TEST_DB}]`, () => {
  let t: TestApp;
  let bound: TestClient;
  let user: TestUser;
  let certificate: TestCertificate;
  let other: TestCertificate;

  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert' } });
    bound = await createClient(t, { scope: 'openid read', tlsClientCertificateBoundAccessTokens: true });
    user = await createUser(t);
    certificate = makeCertificate({ subject: '/CN=bound-client' });
    other = makeCertificate({ subject: '/CN=another-client' });
  });
  afterAll(() => t?.close());

  const withCertificate = (cert: TestCertificate | null): Record<string, string> => (cert ? { 'x-ssl-client-cert': escapedPem(cert.certificate) } : {});
  const passwordGrant = (client: TestClient, cert: TestCertificate | null) =>
    fetch(`${t.url}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: client.basic, 'content-type': 'application/x-www-form-urlencoded', ...withCertificate(cert) },
      body: new URLSearchParams({ grant_type: 'password', scope: 'openid', username: user.username, password: user.password }),
    });
  const userinfo = (token: string, cert: TestCertificate | null) =>
    fetch(`${t.url}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}`, ...withCertificate(cert) } });

  it('binds the tokens to the certificate (cnf.x5t#S256), which every protected route then requires', async () => {
    const response = await passwordGrant(bound, certificate);
    expect(response.status).toBe(200);
    const { access_token: token, token_type: tokenType } = (await response.json()) as { access_token: string; token_type: string };
    expect(tokenType).toBe('Bearer');

    const introspection = await fetch(`${t.url}/oauth2/introspect`, {
      method: 'POST',
      headers: { authorization: bound.basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    const thumbprint = createHash('sha256').update(new X509Certificate(certificate.certificate).raw).digest('base64url');
    expect(await introspection.json()).toMatchObject({ active: true, cnf: { 'x5t#S256': thumbprint } });

    expect((await userinfo(token, certificate)).status).toBe(200);
    for (const cert of [null, other]) {
      const refused = await userinfo(token, cert);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="oauth2", error="invalid_token"/);
    }
  });

  it('refuses a token request without a certificate from a client registered for certificate-bound tokens', async () => {
    const response = await passwordGrant(bound, null);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('leaves the tokens of a client not registered for it unbound, certificate or not', async () => {
    const plain = await createClient(t, { scope: 'openid read' });
    const { access_token: token } = (await (await passwordGrant(plain, certificate)).json()) as { access_token: string };
    expect((await userinfo(token, null)).status).toBe(200);
  });
});
