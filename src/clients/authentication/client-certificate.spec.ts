import type { Socket } from 'node:net';
import { loadConfig } from '../../config/app-config';
import { trustedPeer } from '../../common/http/trusted-peer';
import { escapedPem, makeCertificate, skipWithoutOpenssl, type TestCertificate } from '../../../test/support/certificates';
import { certificateFromXfcc, ClientCertificates } from './client-certificate';

const skip = skipWithoutOpenssl();
const maybe = skip ? it.skip : it;

const from = (remoteAddress: string, headers: Record<string, string> = {}) => ({ headers, socket: { remoteAddress } as Socket });

function certificates(env: Record<string, string>): ClientCertificates {
  const config = loadConfig(env);
  return new ClientCertificates(config.clientCertificateHeader, config.trustProxy);
}

describe('ClientCertificates', () => {
  let client: TestCertificate;
  beforeAll(() => {
    if (!skip) client = makeCertificate({ subject: '/CN=client.example/O=Example', san: ['DNS:client.example'] });
  });

  maybe('reads the URL-encoded PEM a trusted proxy sets (nginx $ssl_client_escaped_cert), verified only when it says SUCCESS', () => {
    const env = { TRUST_PROXY: '10.0.0.0/8', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert', CLIENT_CERTIFICATE_VERIFY_HEADER: 'X-SSL-Client-Verify' };
    const pem = escapedPem(client.certificate);
    const found = certificates(env).of(from('10.1.2.3', { 'x-ssl-client-cert': pem, 'x-ssl-client-verify': 'SUCCESS' }));
    expect(found?.certificate.subject).toContain('CN=client.example');
    expect(found?.chainVerified).toBe(true);
    expect(certificates(env).of(from('10.1.2.3', { 'x-ssl-client-cert': pem, 'x-ssl-client-verify': 'FAILED:self signed certificate' }))?.chainVerified).toBe(
      false,
    );
    expect(certificates(env).of(from('10.1.2.3', { 'x-ssl-client-cert': pem }))?.chainVerified).toBe(false);
    // No verify header configured: the proxy may pass self-signed certificates, so none is CA-verified.
    const unconfigured = certificates({ TRUST_PROXY: '10.0.0.0/8', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert' });
    expect(unconfigured.of(from('10.1.2.3', { 'x-ssl-client-cert': pem, 'x-ssl-client-verify': 'SUCCESS' }))?.chainVerified).toBe(false);
  });

  maybe('refuses a header holding two certificates (a proxy that appended instead of replacing)', () => {
    const certs = certificates({ TRUST_PROXY: 'loopback', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert' });
    const two = encodeURIComponent(`${client.certificate}\n${client.certificate}`);
    expect(certs.of(from('127.0.0.1', { 'x-ssl-client-cert': two }))).toBeNull();
  });

  maybe('ignores the header from a peer TRUST_PROXY does not name', () => {
    const certs = certificates({ TRUST_PROXY: '10.0.0.0/8', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert' });
    expect(certs.of(from('192.0.2.7', { 'x-ssl-client-cert': escapedPem(client.certificate) }))).toBeNull();
  });

  maybe('ignores the header when none is configured, even from a trusted proxy', () => {
    const certs = certificates({ TRUST_PROXY: 'loopback' });
    expect(certs.of(from('127.0.0.1', { 'x-ssl-client-cert': escapedPem(client.certificate) }))).toBeNull();
  });

  maybe('reads Envoy’s X-Forwarded-Client-Cert Cert element', () => {
    const certs = certificates({ TRUST_PROXY: 'loopback', CLIENT_CERTIFICATE_HEADER: 'X-Forwarded-Client-Cert', CLIENT_CERTIFICATE_HEADER_FORMAT: 'xfcc' });
    const xfcc = `By=spiffe://cluster.local/ns/default/sa/oauth;Hash=abc;Cert="${escapedPem(client.certificate)}";Subject="CN=client.example,O=Example";DNS=client.example`;
    expect(certs.certificate(from('::ffff:127.0.0.1', { 'x-forwarded-client-cert': xfcc }))?.subject).toContain('CN=client.example');
  });

  maybe('refuses an XFCC with several elements (which one is the client’s is ambiguous)', () => {
    const one = `Hash=abc;Cert="${escapedPem(client.certificate)}"`;
    expect(certificateFromXfcc(one)).not.toBeNull();
    expect(certificateFromXfcc(`${one},${one}`)).toBeNull();
  });

  it.each(['', 'not a certificate', '%zz', encodeURIComponent('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')])(
    'answers no certificate for a malformed header %j',
    (value) => {
      const certs = certificates({ TRUST_PROXY: 'loopback', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert' });
      expect(certs.of(from('127.0.0.1', { 'x-ssl-client-cert': value }))).toBeNull();
    },
  );

  it('answers no certificate on a plain TCP connection', () => {
    expect(certificates({}).of(from('127.0.0.1'))).toBeNull();
  });
});

describe('trustedPeer', () => {
  it.each([
    [['loopback'], '127.0.0.1', true],
    [['loopback'], '::1', true],
    [['loopback'], '::ffff:127.0.0.1', true],
    [['loopback'], '10.0.0.1', false],
    [['10.0.0.0/8'], '10.200.0.1', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['192.0.2.10'], '192.0.2.10', true],
    [['uniquelocal'], '172.20.1.1', true],
    [['linklocal'], 'fe80::1', true],
    [[], '127.0.0.1', false],
  ])('with TRUST_PROXY=%j trusts %s: %s', (list, address, expected) => {
    expect(trustedPeer(list)(address)).toBe(expected);
  });
});
