import { execFileSync } from 'node:child_process';

/** A TOTP code computed by an independent implementation (oathtool, RFC 6238), `offset` seconds from now. */
export function oathtool(secret: string, offset = 0): string {
  const now = new Date(Date.now() + offset * 1000).toISOString();
  return execFileSync('oathtool', ['--totp', '-b', '--now', now, secret], { encoding: 'utf8' }).trim();
}

/** The base32 secret in the otpauth:// URI of an enrolment page (the text beside its QR code). */
export function totpSecretOf(html: string): string {
  return new URL(/otpauth:\/\/totp\/[^<"]+/.exec(html.replace(/&#38;/g, '&'))![0]).searchParams.get('secret')!;
}
