import { Injectable } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { clientCaVerified } from '../../common/http/mtls-listener';
import { trustedPeer } from '../../common/http/trusted-peer';
import { type AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';

/** The client certificate of a request (mutual TLS, RFC 8705). */
export interface PresentedCertificate {
  readonly certificate: X509Certificate;
  /**
   * Whether a certification authority this deployment trusts vouched for it: the TLS-terminating
   * proxy, when it says so in CLIENT_CERTIFICATE_VERIFY_HEADER, or our own listener with
   * MTLS_CLIENT_CA. A self-signed certificate is presented unverified (self_signed_tls_client_auth).
   */
  readonly chainVerified: boolean;
}

/** The part of a request the certificate is read from: its headers and its connection. */
export interface CertificateSource {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket: Socket;
}

/** The longest header value read: a certificate with its chain is a few kilobytes. */
const MAX_HEADER_LENGTH = 32 * 1024;

/** A PEM certificate URL-encoded in a header (nginx `$ssl_client_escaped_cert`), or null when it is none. */
export function certificateFromEscapedPem(value: string): X509Certificate | null {
  if (value === '' || value.length > MAX_HEADER_LENGTH) return null;
  try {
    return parsePem(decodeURIComponent(value));
  } catch {
    return null;
  }
}

/**
 * The `Cert` of Envoy's X-Forwarded-Client-Cert (URL-encoded PEM), or null. Several elements
 * (comma-separated, one per proxy that appended) are refused: which one is the client's depends on
 * the proxies' configuration, so the trusted proxy must replace the header (SANITIZE_SET).
 */
export function certificateFromXfcc(value: string): X509Certificate | null {
  if (value === '' || value.length > MAX_HEADER_LENGTH) return null;
  const elements = splitOutsideQuotes(value, ',');
  if (elements.length !== 1) return null;
  for (const pair of splitOutsideQuotes(elements[0], ';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim().toLowerCase() !== 'cert') continue;
    let raw = pair.slice(equals + 1).trim();
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    return certificateFromEscapedPem(raw);
  }
  return null;
}

/** Splits at `separator` where it is not inside a double-quoted string (with backslash escapes). */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.filter((part) => part.trim() !== '');
}

/**
 * The one certificate of a PEM text, or null. Several are refused: a proxy that appends its header
 * instead of replacing it would give Node the client's value joined with its own, and the first
 * would be the client's.
 */
function parsePem(pem: string): X509Certificate | null {
  const matches = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  return matches?.length === 1 ? new X509Certificate(matches[0]) : null;
}

/**
 * The client certificate of the current request: from the header CLIENT_CERTIFICATE_HEADER when the
 * connection comes from a proxy TRUST_PROXY names (from any other peer the header is ignored: a
 * client could write any certificate into it), else from our own TLS connection when it asked for one.
 */
@Injectable()
export class ClientCertificates {
  private readonly trusted: (address: string | undefined) => boolean;
  private readonly seen = new WeakMap<object, PresentedCertificate | null>();

  constructor(
    @InjectConfig('clientCertificateHeader') private readonly clientCertificateHeader: AppConfig['clientCertificateHeader'],
    @InjectConfig('trustProxy') private readonly trustProxy: AppConfig['trustProxy'],
  ) {
    this.trusted = trustedPeer(this.trustProxy);
  }

  /** The certificate, or null when the request presents none that may be believed. Read once per request. */
  of(request: CertificateSource): PresentedCertificate | null {
    if (this.seen.has(request)) return this.seen.get(request)!;
    const found = this.read(request);
    this.seen.set(request, found);
    return found;
  }

  /** The certificate alone, for callers that bind tokens to it (RFC 8705 §3: `cnf.x5t#S256`). */
  certificate(request: CertificateSource): X509Certificate | null {
    return this.of(request)?.certificate ?? null;
  }

  private read(request: CertificateSource): PresentedCertificate | null {
    const header = this.clientCertificateHeader;
    if (header && this.trusted(request.socket.remoteAddress)) {
      const value = request.headers[header.name];
      if (typeof value !== 'string') return null;
      const certificate = header.format === 'xfcc' ? certificateFromXfcc(value) : certificateFromEscapedPem(value);
      const verified = header.verifyName !== undefined && request.headers[header.verifyName] === 'SUCCESS';
      return certificate ? { certificate, chainVerified: verified } : null;
    }
    const socket = request.socket as Partial<TLSSocket>;
    if (socket.encrypted !== true || typeof socket.getPeerX509Certificate !== 'function') return null;
    const certificate = socket.getPeerX509Certificate();
    return certificate ? { certificate, chainVerified: clientCaVerified(socket) } : null;
  }
}
