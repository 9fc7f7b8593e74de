import { ValueTransformer } from 'typeorm';

/** mysql2 returns BIGINT as a string; SQLite as a number. Both become a JS number here. */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
