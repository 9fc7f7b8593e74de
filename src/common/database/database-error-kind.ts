/**
 * What a failed database operation means for the request that ran it, as the database module's
 * dialects classify driver errors:
 * - `retry`: the database rolled the transaction back to break a deadlock or a serialization
 *   conflict; nothing happened, and running it again may succeed;
 * - `unavailable`: the database cannot be reached or refused to work now (nothing happened);
 * - `duplicate_key`: a unique or primary key was taken (by another request, between a check and the write);
 * - `invalid_input`: a value the database cannot store (PostgreSQL refuses NUL characters in text).
 */
export type DatabaseErrorKind = 'retry' | 'unavailable' | 'duplicate_key' | 'invalid_input';
