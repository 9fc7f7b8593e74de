/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The tokens of a stored (already valid) space-separated scope string. */
export function scopeTokens(scope: string): string[] {
  return scope.split(' ').filter((token) => token.length > 0);
}

/** Splits a scope string into its distinct tokens, or null when a token has a forbidden character. */
export function parseScope(scope: string | undefined): string[] | null {
  if (scope === undefined) return [];
  const tokens = scopeTokens(scope);
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) return null;
  return [...new Set(tokens)];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

export function isSubset(requested: readonly string[], allowed: readonly string[]): boolean {
  const set = new Set(allowed);
  return requested.every((scope) => set.has(scope));
}
