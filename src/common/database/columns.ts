import { Column, PrimaryColumn, type ColumnOptions } from 'typeorm';
import { bigintTransformer } from './bigint.transformer';

/*
 * The kinds of value many tables hold, each stored the same way in every table: TypeORM's @Column
 * (or @PrimaryColumn) with the type filled in. The migrations create these types; changing one
 * here changes no table, it takes a migration of every table that uses it.
 */

/** What a column may add to its kind: whether it may hold NULL, or must be unique. */
type ColumnExtras = Pick<ColumnOptions, 'nullable' | 'unique'>;

/** A row's id: a UUID as text, varchar(36) (no native uuid type: the same on every database). */
export function UuidPrimaryColumn(name?: string): PropertyDecorator {
  return PrimaryColumn({ ...(name === undefined ? {} : { name }), type: 'varchar', length: 36 });
}

/** A reference to a row by its UUID id (`user_id`, `grant_id`, …): varchar(36). */
export function UuidColumn(name: string, extras: ColumnExtras = {}): PropertyDecorator {
  return Column({ ...extras, name, type: 'varchar', length: 36 });
}

/** An OAuth client_id (RFC 6749 §2.2), of one of our clients or ours at an upstream provider: varchar(255). */
export function ClientIdColumn(extras: ColumnExtras = {}): PropertyDecorator {
  return Column({ ...extras, name: 'client_id', type: 'varchar', length: 255 });
}

/** A SHA-256 digest in hex, kept instead of a secret (a token, code or cookie) or a value too long to index: varchar(64). */
export function Sha256Column(name: string, extras: ColumnExtras = {}): PropertyDecorator {
  return Column({ ...extras, name, type: 'varchar', length: 64 });
}

/**
 * A point in time counted from the Unix epoch (in seconds unless the property says otherwise):
 * BIGINT, read back as a number whatever the driver returns (bigintTransformer).
 */
export function EpochColumn(name: string, extras: ColumnExtras = {}): PropertyDecorator {
  return Column({ ...extras, name, type: 'bigint', transformer: bigintTransformer });
}
