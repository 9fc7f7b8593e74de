import type { Dialect, SpendTarget } from './dialect';
import { parameterList } from './placeholders';

/** `<id> IN (...) AND <each unspent column> IS NULL`, its parameters numbered from `first`. */
export function unspentAmong(dialect: Dialect, target: SpendTarget, count: number, first = 1): string {
  return [`${target.id} IN (${parameterList(dialect, count, first)})`, ...target.unspent.map((column) => `${column} IS NULL`)].join(' AND ');
}

/** `UPDATE <table> SET <spent> = <time> WHERE <unspentAmong>`: the first parameter is the time, then the ids. */
export function spendStatement(dialect: Dialect, target: SpendTarget, count: number): string {
  return `UPDATE ${target.table} SET ${target.spent} = ${dialect.parameter(1)} WHERE ${unspentAmong(dialect, target, count, 2)}`;
}
