import { createHash, type X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { AuthenticatedClient } from '../clients.service';

/** The RFC 8705 §2.1.2 registration of a tls_client_auth client: one way to name its certificate. */
export type TlsClientAuthName =
  { readonly kind: 'subject_dn'; readonly value: string } | { readonly kind: 'san_dns' | 'san_uri' | 'san_ip' | 'san_email'; readonly value: string };

/** The one certificate name a client registered (RFC 8705 §2.1.2: exactly one), or null. */
export function registeredName(
  client: Pick<AuthenticatedClient, 'tlsClientAuthSubjectDn' | 'tlsClientAuthSanDns' | 'tlsClientAuthSanUri' | 'tlsClientAuthSanIp' | 'tlsClientAuthSanEmail'>,
): TlsClientAuthName | null {
  const names: TlsClientAuthName[] = [];
  if (client.tlsClientAuthSubjectDn) names.push({ kind: 'subject_dn', value: client.tlsClientAuthSubjectDn });
  if (client.tlsClientAuthSanDns) names.push({ kind: 'san_dns', value: client.tlsClientAuthSanDns });
  if (client.tlsClientAuthSanUri) names.push({ kind: 'san_uri', value: client.tlsClientAuthSanUri });
  if (client.tlsClientAuthSanIp) names.push({ kind: 'san_ip', value: client.tlsClientAuthSanIp });
  if (client.tlsClientAuthSanEmail) names.push({ kind: 'san_email', value: client.tlsClientAuthSanEmail });
  return names.length === 1 ? names[0] : null;
}

/** Whether the certificate carries the registered name. */
export function certificateHasName(certificate: X509Certificate, name: TlsClientAuthName): boolean {
  if (name.kind === 'subject_dn') {
    const expected = distinguishedName(name.value, ',');
    return expected !== null && sameName(distinguishedName(certificate.subject, '\n'), expected);
  }
  const entries = subjectAltNames(certificate);
  switch (name.kind) {
    case 'san_dns':
      return entries.some(([type, value]) => type === 'DNS' && value.toLowerCase() === name.value.toLowerCase());
    case 'san_uri':
      return entries.some(([type, value]) => type === 'URI' && value === name.value);
    case 'san_email':
      return entries.some(([type, value]) => type === 'email' && value === name.value);
    case 'san_ip': {
      const expected = canonicalIp(name.value);
      return expected !== null && entries.some(([type, value]) => type === 'IP Address' && canonicalIp(value) === expected);
    }
  }
}

/**
 * A distinguished name as a sorted list of `TYPE=value` (types upper-case, values unescaped and
 * case-folded: X.520 names match case-insensitively). RFC 4514 writes the RDNs last-first, the
 * certificate lists them first-last; comparing the sorted lists makes the order irrelevant, which
 * only matters for names repeating an attribute type in different orders.
 */
function distinguishedName(text: string, separator: ',' | '\n'): string[] | null {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === separator || (separator === ',' && c === '+')) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  const pairs: string[] = [];
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals <= 0) return null;
    const type = part.slice(0, equals).trim().toUpperCase();
    const value = unescapeDn(part.slice(equals + 1).trim()).toLowerCase();
    pairs.push(`${type}=${value}`);
  }
  return pairs.sort();
}

function unescapeDn(value: string): string {
  return value.replace(/\\([0-9A-Fa-f]{2}|.)/g, (_match, escaped: string) => (escaped.length === 2 ? String.fromCharCode(parseInt(escaped, 16)) : escaped));
}

function sameName(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((pair, i) => pair === b[i]);
}

/** The SAN entries as [type, value]: Node writes `DNS:a, IP Address:1.2.3.4`, quoting values with commas as JSON strings. */
function subjectAltNames(certificate: X509Certificate): [string, string][] {
  const text = certificate.subjectAltName;
  if (!text) return [];
  const entries: [string, string][] = [];
  for (const match of text.matchAll(/(DNS|URI|IP Address|email|othername|DirName|Registered ID):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g)) {
    const raw = match[2];
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        continue;
      }
    }
    entries.push([match[1], value]);
  }
  return entries;
}

function canonicalIp(value: string): string | null {
  const family = isIP(value);
  if (family === 4) return value;
  if (family === 6) return new URL(`http://[${value}]`).hostname;
  return null;
}

/**
 * Whether the certificate's public key is one of the client's registered keys (RFC 8705 §2.2):
 * a JWK whose `x5c` starts with this certificate (its x5t#S256), or a JWK of the same key (RFC 7638 thumbprint).
 */
export async function certificateMatchesKeys(certificate: X509Certificate, keys: readonly JWK[]): Promise<boolean> {
  const x5t = createHash('sha256').update(certificate.raw).digest('base64url');
  const thumbprint = await calculateJwkThumbprint(certificate.publicKey.export({ format: 'jwk' }) as JWK, 'sha256');
  let found = false;
  for (const key of keys) {
    if (key.x5c?.[0] && createHash('sha256').update(Buffer.from(key.x5c[0], 'base64')).digest('base64url') === x5t) found = true;
    try {
      if ((await calculateJwkThumbprint(key, 'sha256')) === thumbprint) found = true;
    } catch {
      // A key jose cannot thumbprint matches nothing.
    }
  }
  return found;
}

/** RFC 8705 §3.1: the SHA-256 thumbprint of the certificate's DER, base64url (`cnf.x5t#S256`). */
export function certificateThumbprint(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('base64url');
}
