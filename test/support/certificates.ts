import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether the openssl CLI is on the PATH (node:crypto cannot sign X.509 certificates). */
export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when the suite must skip: openssl absent outside CI (under CI=true its absence fails the run). */
export function skipWithoutOpenssl(): boolean {
  if (opensslAvailable()) return false;
  if (process.env.CI === 'true') throw new Error('the openssl CLI is required to generate test certificates');
  console.warn('SKIPPED: the openssl CLI is absent; no test certificates');
  return true;
}

export interface TestCertificate {
  /** PEM of the certificate. */
  readonly certificate: string;
  /** PKCS#8 PEM of its private key. */
  readonly privateKey: string;
}

export interface CertificateRequest {
  /** OpenSSL `-subj` form: /CN=client/O=Example. */
  readonly subject: string;
  /** subjectAltName entries: DNS:a.example, URI:https://x, IP:10.0.0.1, email:a@example. */
  readonly san?: readonly string[];
  /** Signed by this CA; self-signed when absent. */
  readonly issuer?: TestCertificate;
  /** A CA certificate (basicConstraints CA:TRUE). */
  readonly ca?: boolean;
}

/** A fresh EC P-256 certificate, generated for this run with the openssl CLI. */
export function makeCertificate(request: CertificateRequest): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const ext = join(dir, 'ext.cnf');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], { stdio: 'ignore' });
    const lines = [request.ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=CA:FALSE'];
    if (request.san?.length) lines.push(`subjectAltName=${request.san.join(',')}`);
    writeFileSync(ext, `${lines.join('\n')}\n`);
    if (request.issuer) {
      const csr = join(dir, 'req.csr');
      const caCert = join(dir, 'ca.pem');
      const caKey = join(dir, 'ca-key.pem');
      writeFileSync(caCert, request.issuer.certificate);
      writeFileSync(caKey, request.issuer.privateKey);
      execFileSync('openssl', ['req', '-new', '-key', key, '-subj', request.subject, '-out', csr], { stdio: 'ignore' });
      execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert], {
        stdio: 'ignore',
      });
    } else {
      execFileSync(
        'openssl',
        ['req', '-new', '-x509', '-key', key, '-subj', request.subject, '-days', '2', '-extensions', 'v3', '-config', configWith(dir, lines), '-out', cert],
        {
          stdio: 'ignore',
        },
      );
    }
    return { certificate: readFileSync(cert, 'utf8'), privateKey: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A minimal openssl config whose [v3] section holds `lines` (self-signed certificates take extensions from a config). */
function configWith(dir: string, lines: readonly string[]): string {
  const file = join(dir, 'openssl.cnf');
  writeFileSync(file, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${lines.join('\n')}\n`);
  return file;
}

/** The certificate as nginx's `$ssl_client_escaped_cert` passes it. */
export const escapedPem = (pem: string) => encodeURIComponent(pem);
