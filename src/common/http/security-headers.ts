/**
 * Headers every answer carries (the set helmet sends by default, with no-referrer and DENY):
 * one static object assigned per request. Pages add their own Content-Security-Policy.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/**
 * Every answer of the API: the security headers, and not cached (RFC 6749 §5.1 requires it of
 * token responses; introspection, admin answers, pages and errors carry tokens, codes or personal
 * data too). Set once, by the onRequest hook; the public key set (JWKS) overrides it.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'cache-control': 'no-store',
  pragma: 'no-cache',
};
