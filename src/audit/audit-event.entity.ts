import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/** Who did what, when, from where. Never holds a token, code, secret or password. */
@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'occurred_at', type: 'bigint', transformer: bigintTransformer })
  occurredAt: number;

  /** e.g. login.failure, token.issued, consent.revoked, admin.application.created */
  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'varchar', length: 16 })
  outcome: 'success' | 'failure';

  /** The user who acted (the resource owner, or the administrator). */
  @Column({ name: 'actor_user_id', type: 'varchar', length: 36, nullable: true })
  actorUserId: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 255, nullable: true })
  clientId: string | null;

  /** What the event is about: a user id, application id, token id or username attempted. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  subject: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'simple-json', nullable: true })
  detail: Record<string, string | number | boolean | null> | null;
}
