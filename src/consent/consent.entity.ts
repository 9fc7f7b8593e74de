import { Entity } from 'typeorm';
import { ClientIdColumn, EpochColumn, ScopeColumn, UuidColumn, UuidPrimaryColumn } from '../common/database/columns';

/** The scopes a user has approved for a client; one row per (user, client). */
@Entity('consents')
export class ConsentEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn('user_id')
  userId: string;

  @ClientIdColumn()
  clientId: string;

  @ScopeColumn()
  scope: string;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
