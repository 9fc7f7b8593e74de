import type { Dialect } from './dialect';

/** Whether the dialect's bound parameters are all the same anonymous `?` (MySQL, SQLite). */
export const anonymousParameters = (dialect: Dialect): boolean => dialect.parameter(1) === '?';

/** `count` bound parameters separated by commas, numbered from `first` (1-based). */
export function parameterList(dialect: Dialect, count: number, first = 1): string {
  // One repeat() instead of an array of `count` strings: it runs for every row of every batched
  // token INSERT, on every token request.
  if (anonymousParameters(dialect)) return count > 0 ? `?${', ?'.repeat(count - 1)}` : '';
  return Array.from({ length: count }, (_, i) => dialect.parameter(first + i)).join(', ');
}
