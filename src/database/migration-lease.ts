import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { classifyDatabaseError, dialectOf } from './dialects';

/** A holder renews its lease this often; one that died loses it after LEASE_MS. */
const LEASE_MS = 60_000;
const RENEW_MS = 15_000;
const POLL_MS = 500;
const WAIT_MS = 10 * 60_000;

/**
 * Runs the pending migrations of `dataSource`, one instance at a time, however many start at once:
 * the others wait, then find nothing pending. TypeORM takes no lock of its own on MySQL, and two
 * instances creating the same table fail the second start.
 *
 * The lock is a row, not a database lock: GET_LOCK holds on one Galera node only, and a row lock on
 * one node does not stop a writer on another. Inserting the row with a fixed primary key succeeds
 * on exactly one instance, whichever node it writes to (a concurrent insert elsewhere fails
 * certification or hits the key). The row carries an expiry the holder keeps renewing, so a
 * holder killed mid-migration does not block the next start for longer than LEASE_MS.
 * The table is made outside the migrations because they are what it guards.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const p = (index: number) => dialectOf(dataSource).parameter(index);
  await dataSource.query('CREATE TABLE IF NOT EXISTS migration_lease (id INT NOT NULL PRIMARY KEY, holder VARCHAR(36) NOT NULL, expires_at BIGINT NOT NULL)');
  const holder = randomUUID();
  const acquire = async (): Promise<boolean> => {
    const [held] = (await dataSource.query(`SELECT expires_at AS "expiresAt" FROM migration_lease WHERE id = 1`)) as { expiresAt: number | string }[];
    if (!held) {
      try {
        await dataSource.query(`INSERT INTO migration_lease (id, holder, expires_at) VALUES (1, ${p(1)}, ${p(2)})`, [holder, Date.now() + LEASE_MS]);
        return true;
      } catch (error) {
        // Another instance inserted it first, on this node or another.
        if (classifyDatabaseError(error) === 'duplicate_key') return false;
        throw error;
      }
    }
    if (Number(held.expiresAt) >= Date.now()) return false;
    // Its holder stopped renewing it (killed mid-migration): take it over, one instance only.
    await dataSource.query(`UPDATE migration_lease SET holder = ${p(1)}, expires_at = ${p(2)} WHERE id = 1 AND expires_at < ${p(3)}`, [
      holder,
      Date.now() + LEASE_MS,
      Date.now(),
    ]);
    const rows = (await dataSource.query(`SELECT holder FROM migration_lease WHERE id = 1`)) as { holder: string }[];
    return rows[0]?.holder === holder;
  };
  const deadline = Date.now() + WAIT_MS;
  // A certification conflict (Galera) or a deadlock: another instance got there first.
  while (!(await acquire().catch((error: unknown) => (classifyDatabaseError(error) === 'retry' ? false : Promise.reject(error))))) {
    if (Date.now() > deadline) throw new Error(`another instance has held the migration lease for ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const renew = setInterval(() => {
    dataSource
      .query(`UPDATE migration_lease SET expires_at = ${p(1)} WHERE id = 1 AND holder = ${p(2)}`, [Date.now() + LEASE_MS, holder])
      .catch(() => undefined);
  }, RENEW_MS);
  try {
    await dataSource.runMigrations({ transaction: dataSource.options.migrationsTransactionMode ?? 'all' });
  } finally {
    clearInterval(renew);
    await dataSource.query(`DELETE FROM migration_lease WHERE id = 1 AND holder = ${p(1)}`, [holder]);
  }
}

/** A connected DataSource (options without `migrationsRun`) with its migrations run, one instance at a time. */
export async function initializeMigrated(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrationsExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
