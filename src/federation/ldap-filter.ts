/**
 * RFC 4515 §3: a value in a search filter with `*`, `(`, `)`, `\` and NUL written as `\XX`, so a
 * username can only ever be compared, never change the filter (`*`, `)(uid=*`). Non-ASCII
 * characters stay as UTF-8, which the RFC allows.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\]/g, (c) => `\\${c.charCodeAt(0).toString(16)}`).replaceAll(String.fromCharCode(0), '\\00');
}

/** The entries of `userFilter` whose `attribute` equals `value`. */
export function userByAttributeFilter(userFilter: string, attribute: string, value: string): string {
  return `(&${parenthesized(userFilter)}(${attribute}=${escapeFilterValue(value)}))`;
}

/** A filter given without its outer parentheses (`objectClass=person`) is accepted as RFC 4516 URLs allow. */
export function parenthesized(filter: string): string {
  const trimmed = filter.trim();
  return trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
}
