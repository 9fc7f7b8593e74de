import { ValueTransformer } from 'typeorm';

/** mysql2 and pg return BIGINT as a string; SQLite as a number. Each becomes a JS number here. */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
