import type { TableColumnOptions } from 'typeorm';

/**
 * Column definitions for migrations (TypeORM's schema API: one set for every database), imported as
 * `* as column`. Released migrations call these, so what one returns must never change: a column
 * of another kind is a new helper, or `options`, which are added last (isNullable, isUnique, default).
 */
type Options = Partial<TableColumnOptions>;

/** A varchar primary key: by default `id`, holding a UUID. */
export const id = (name = 'id', length = 36): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true });

export const varchar = (name: string, length: number, options?: Options): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...options });

/** The SHA-256 hex of a bearer value (token, code, session): what is stored instead of the value. */
export const sha256 = (name: string, options?: Options): TableColumnOptions => varchar(name, 64, options);

/** A client id, of up to 255 characters (RFC 6749 Appendix A VSCHAR; the first tables had 64, widened since). */
export const clientId = (options?: Options): TableColumnOptions => varchar('client_id', 255, options);

/** A user's id (a UUID). */
export const userId = (options?: Options): TableColumnOptions => varchar('user_id', 36, options);

export const text = (name: string, options?: Options): TableColumnOptions => ({ name, type: 'text', ...options });

export const boolean = (name: string, options?: Options): TableColumnOptions => ({ name, type: 'boolean', ...options });

export const int = (name: string, options?: Options): TableColumnOptions => ({ name, type: 'int', ...options });

/** Times (epoch seconds) and other counters that outgrow 32 bits. */
export const bigint = (name: string, options?: Options): TableColumnOptions => ({ name, type: 'bigint', ...options });

/** When a row was created and last changed, epoch seconds. */
export const timestamps = (): TableColumnOptions[] => [bigint('created_at'), bigint('updated_at')];
