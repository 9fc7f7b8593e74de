import { LessThanOrEqual, type Repository } from 'typeorm';
import { insertIfAbsent } from '../database/rows/insert-if-absent';
import { ReplayEntryEntity } from './replay-entry.entity';

/** Where claimed identifiers are kept: Redis or the database. */
export interface ReplayStore {
  /** Stores `key` until `expiresAt` unless a live entry holds it; true when this call stored it. */
  claim(key: string, namespace: string, expiresAt: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A row per identifier, the hash its primary key: the insert of a replay finds the key taken (every
 * instance writes to the same table, so the database decides who was first). A row past its
 * expiry is taken over by a conditional update until the janitor deletes it.
 */
export class DatabaseReplayStore implements ReplayStore {
  constructor(private readonly repository: () => Repository<ReplayEntryEntity>) {}

  async claim(key: string, namespace: string, expiresAt: number, now: number): Promise<boolean> {
    // Outside any unit of work: a claim stands even when the request that made it fails later.
    const repository = this.repository();
    if (await insertIfAbsent(repository.manager.connection, 'replay_cache', { id: key, namespace, expires_at: expiresAt })) return true;
    const taken = await repository.update({ id: key, expiresAt: LessThanOrEqual(now) }, { expiresAt });
    return taken.affected === 1;
  }

  async close(): Promise<void> {}
}
