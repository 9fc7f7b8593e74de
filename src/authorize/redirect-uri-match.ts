/** RFC 8252 §7.3: loopback IP literals whose port the native app picks at run time. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Whether `requested` is a redirect URI registered for the client: identical (RFC 9700 §4.1.3, no
 * normalisation), or a registered `http` loopback IP literal with another port (RFC 8252 §7.3:
 * the server MUST allow any port there; everything else, path and query included, must match).
 */
export function isRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return false;
  }
  if (asked.protocol !== 'http:' || !LOOPBACK_HOSTS.has(asked.hostname)) return false;
  return registered.some((uri) => {
    if (!uri.startsWith('http://127.0.0.1') && !uri.startsWith('http://[::1]')) return false;
    const candidate = new URL(uri);
    candidate.port = asked.port;
    // Compare as written apart from the port, so that nothing else is normalised into a match.
    return candidate.href === asked.href && withoutPort(uri) === withoutPort(requested);
  });
}

function withoutPort(uri: string): string {
  return uri.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]))(?::\d+)?/, '$1');
}
