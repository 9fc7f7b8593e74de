import { ApiProperty } from '@nestjs/swagger';
import type { AuditEventEntity } from '../../audit/audit-event.entity';
import { EpochSeconds, QueryInteger, QueryString } from './fields';
import { PageOf, PaginationQuery } from './pagination.dto';

export class AuditEventQuery extends PaginationQuery {
  @QueryString(64, { example: 'login.failure' })
  type?: string;

  @QueryString(36, { description: 'Events by this user' })
  user_id?: string;

  @QueryString(64)
  client_id?: string;

  @QueryInteger({ description: 'Epoch seconds, inclusive' }, 0)
  since?: number;

  @QueryInteger({ description: 'Epoch seconds, inclusive' }, 0)
  until?: number;
}

export class AuditEventResponse {
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) id: string;
  @EpochSeconds(1796000000) occurred_at: number;
  @ApiProperty({ example: 'token.issued' }) type: string;
  @ApiProperty({ enum: ['success', 'failure'], example: 'success' }) outcome: string;
  @ApiProperty({ type: String, nullable: true, example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) user_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) subject: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiProperty({ type: Object, nullable: true, example: { grant_type: 'password' } }) detail: Record<string, unknown> | null;
}

export class AuditEventPage extends PageOf(AuditEventResponse) {}

export function toAuditEventResponse(event: AuditEventEntity): AuditEventResponse {
  return {
    id: event.id,
    occurred_at: event.occurredAt,
    type: event.type,
    outcome: event.outcome,
    user_id: event.actorUserId,
    client_id: event.clientId,
    subject: event.subject,
    ip: event.ip,
    detail: event.detail,
  };
}
