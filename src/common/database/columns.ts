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

/** A row keyed by the SHA-256 digest in hex of a value not kept in clear: varchar(64). */
export function Sha256PrimaryColumn(): PropertyDecorator {
  return PrimaryColumn({ type: 'varchar', length: 64 });
}

/** An OAuth client_id (RFC 6749 §2.2), of one of our clients or ours at an upstream provider: varchar(255). */
export function ClientIdColumn(extras: ColumnExtras = {}): PropertyDecorator {
  return Column({ ...extras, name: 'client_id', type: 'varchar', length: 255 });
}

/** The space-separated scopes (RFC 6749 §3.3) a grant, a client or a resource server names: text. */
export function ScopeColumn(): PropertyDecorator {
  return Column({ type: 'text' });
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

/** A list or record kept as JSON text (TypeORM's simple-json), read back parsed. */
export function JsonColumn(name: string, extras: ColumnExtras = {}): PropertyDecorator {
  return Column({ ...extras, name, type: 'simple-json' });
}
