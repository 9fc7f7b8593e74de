import type { Dialect } from './dialect';

/** `count` bound parameters separated by commas, numbered from `first` (1-based). */
export function parameterList(dialect: Dialect, count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => dialect.parameter(first + i)).join(', ');
}
