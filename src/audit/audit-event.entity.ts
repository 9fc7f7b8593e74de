import { Column, Entity } from 'typeorm';
import { ClientIdColumn, EpochColumn, JsonColumn, UuidColumn, UuidPrimaryColumn } from '../common/database/columns';

/** Who did what, when, from where. Never holds a token, code, secret or password. */
@Entity('audit_events')
export class AuditEventEntity {
  @UuidPrimaryColumn()
  id: string;

  @EpochColumn('occurred_at')
  occurredAt: number;

  /** e.g. login.failure, token.issued, consent.revoked, admin.application.created */
  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'varchar', length: 16 })
  outcome: 'success' | 'failure';

  /** The user who acted (the resource owner, or the administrator). */
  @UuidColumn('actor_user_id', { nullable: true })
  actorUserId: string | null;

  @ClientIdColumn({ nullable: true })
  clientId: string | null;

  /** What the event is about: a user id, application id, token id or username attempted. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  subject: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @JsonColumn('detail', { nullable: true })
  detail: Record<string, string | number | boolean | null> | null;
}
