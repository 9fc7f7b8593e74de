import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../src/common/crypto/tokens';

/**
 * Each hot query with real values taken from the table (a value that matches nothing would let the
 * planner answer from the index alone and print no plan). `(:list)` stands for the 50 values of a
 * batched statement, as the server sends them under load.
 */
const HOT_QUERIES: ReadonlyArray<readonly [string, string, string]> = [
  ['access token by value (introspection, /me)', 'SELECT * FROM access_tokens WHERE token_hash = ?', 'SELECT token_hash AS v FROM access_tokens LIMIT 1'],
  ['batched: access tokens by value', 'SELECT * FROM access_tokens WHERE token_hash IN (:list)', 'SELECT token_hash AS v FROM access_tokens LIMIT 50'],
  ['refresh token by value', 'SELECT * FROM refresh_tokens WHERE token_hash = ?', 'SELECT token_hash AS v FROM refresh_tokens LIMIT 1'],
  ['batched: refresh tokens by value', 'SELECT * FROM refresh_tokens WHERE token_hash IN (:list)', 'SELECT token_hash AS v FROM refresh_tokens LIMIT 50'],
  [
    'batched: lock the unspent refresh tokens of a batch',
    'SELECT id FROM refresh_tokens WHERE id IN (:list) AND rotated_at IS NULL AND revoked_at IS NULL FOR UPDATE',
    'SELECT id AS v FROM refresh_tokens LIMIT 50',
  ],
  [
    'batched: spend them',
    'UPDATE refresh_tokens SET rotated_at = 1 WHERE id IN (:list) AND rotated_at IS NULL AND revoked_at IS NULL',
    'SELECT id AS v FROM refresh_tokens LIMIT 50',
  ],
  ['batched: clients by id (client authentication when the cache is off)', 'SELECT * FROM clients WHERE id IN (:list)', 'SELECT id AS v FROM clients LIMIT 5'],
  ['batched: codes by value', 'SELECT * FROM authorization_codes WHERE code_hash IN (:list)', 'SELECT code_hash AS v FROM authorization_codes LIMIT 50'],
  ['batched: users by id', 'SELECT * FROM users WHERE id IN (:list)', 'SELECT id AS v FROM users LIMIT 5'],
  [
    'revoke a grant family',
    'UPDATE access_tokens SET revoked_at = 1 WHERE grant_id = ? AND revoked_at IS NULL',
    'SELECT grant_id AS v FROM access_tokens LIMIT 1',
  ],
  ['expired tokens (cleanup)', 'SELECT id FROM access_tokens WHERE expires_at < ? LIMIT 500', 'SELECT 1 AS v'],
];

type Db = { query(sql: string, params?: unknown[]): Promise<unknown[]>; close(): Promise<void> };

async function open(env: Record<string, string>): Promise<Db> {
  if (env.DB_TYPE === 'mysql') {
    const mysql = await import('mysql2/promise');
    const conn = await mysql.createConnection({
      host: env.DB_HOST,
      port: Number(env.DB_PORT),
      user: env.DB_USERNAME,
      password: env.DB_PASSWORD,
      database: env.DB_NAME,
    });
    return { query: async (sql, params) => (await conn.query(sql, params))[0] as unknown[], close: () => conn.end() };
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(env.DB_PATH);
  db.pragma('busy_timeout = 10000');
  return {
    query: async (sql, params) => {
      const statement = db.prepare(sql);
      return statement.reader ? (statement.all(...((params as unknown[]) ?? [])) as unknown[]) : (statement.run(...((params as unknown[]) ?? [])), []);
    },
    close: async () => void db.close(),
  };
}

/** Inserts `count` tokens (half access, half refresh) straight into the database, in multi-row batches. */
export async function seedTokens(env: Record<string, string>, clientId: string, count: number): Promise<void> {
  const db = await open(env);
  const now = Math.floor(Date.now() / 1000);
  const batch = 2000;
  try {
    for (const table of ['access_tokens', 'refresh_tokens']) {
      const extra = table === 'refresh_tokens' ? ', rotated_at' : '';
      for (let done = 0; done < count / 2; done += batch) {
        const rows = Math.min(batch, count / 2 - done);
        const values: unknown[] = [];
        for (let i = 0; i < rows; i++) {
          // Keys as the server makes them: time-ordered UUIDv7, as if issued over the past day.
          const issuedMs = (now - 86_400) * 1000 + Math.floor(((done + i) / (count / 2)) * 86_400_000);
          values.push(uuidv7(issuedMs), randomBytes(32).toString('hex'), clientId, null, 'read', uuidv7(issuedMs), now + 86_400 + (i % 1000), null, now);
          if (extra) values.push(null);
        }
        const placeholders = `(?, ?, ?, ?, ?, ?, ?, ?, ?${extra ? ', ?' : ''})`;
        await db.query(
          `INSERT INTO ${table} (id, token_hash, client_id, user_id, scope, grant_id, expires_at, revoked_at, created_at${extra}) VALUES ${Array(rows).fill(placeholders).join(', ')}`,
          values,
        );
      }
    }
    if (env.DB_TYPE === 'mysql') await waitForInnodbFlush(db);
  } finally {
    await db.close();
  }
}

/**
 * A bulk load leaves most of the buffer pool dirty, and InnoDB writes it out in the background for
 * minutes, competing with the measured scenarios for the same two cores. Measure the steady state
 * of a database that has held these tokens for a while: wait until under 1 % of the pages are dirty.
 */
async function waitForInnodbFlush(db: Db, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await db.query(
      "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('INNODB_BUFFER_POOL_PAGES_DIRTY', 'INNODB_BUFFER_POOL_PAGES_TOTAL')",
    )) as { name: string; value: string }[];
    const value = (name: string) => Number(rows.find((row) => row.name.toUpperCase() === name)?.value ?? 0);
    const dirty = value('INNODB_BUFFER_POOL_PAGES_DIRTY');
    const total = value('INNODB_BUFFER_POOL_PAGES_TOTAL');
    if (total === 0 || dirty / total < 0.01 || Date.now() > deadline) {
      console.log(`InnoDB dirty pages after seeding: ${dirty} of ${total}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The plan of each hot query: every one must use an index, never a full scan. */
export async function explainHotQueries(env: Record<string, string>): Promise<string[]> {
  const db = await open(env);
  const lines: string[] = [];
  try {
    for (const [name, template, sample] of HOT_QUERIES) {
      const rows = (await db.query(sample)) as { v: unknown }[];
      const values = rows.length > 0 ? rows.map((row) => row.v) : ['none'];
      const sql = template.replace(':list', values.map(() => '?').join(', '));
      const plan = await db.query(env.DB_TYPE === 'mysql' ? `EXPLAIN ${sql}` : `EXPLAIN QUERY PLAN ${sql}`, template.includes(':list') ? values : [values[0]]);
      lines.push(`-- ${name}: ${template.replace(':list', `${values.length} values`)}`);
      for (const row of plan as Record<string, unknown>[]) {
        lines.push(env.DB_TYPE === 'mysql' ? `   type=${row.type} key=${row.key} rows=${row.rows} extra=${row.Extra ?? ''}` : `   ${String(row.detail)}`);
      }
    }
  } finally {
    await db.close();
  }
  return lines;
}
