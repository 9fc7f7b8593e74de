import { Column, Entity, Index } from 'typeorm';
import { EpochColumn, Sha256PrimaryColumn } from '../common/database/columns';

/**
 * One claimed single-use identifier (ReplayCache, when Redis is not configured). The primary key
 * is the SHA-256 of the namespace and the identifier, so a duplicate insert is the replay, and no
 * identifier is stored in clear.
 */
@Entity('replay_cache')
@Index('idx_replay_cache_expires_at', ['expiresAt'])
export class ReplayEntryEntity {
  @Sha256PrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 64 })
  namespace: string;

  /** Epoch seconds after which the identifier may be claimed again (and the janitor deletes the row). */
  @EpochColumn('expires_at')
  expiresAt: number;
}
