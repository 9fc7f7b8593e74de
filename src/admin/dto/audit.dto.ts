import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import type { AuditEventEntity } from '../../audit/audit-event.entity';
import { PaginationQuery } from './pagination.dto';

export class AuditEventQuery extends PaginationQuery {
  @ApiPropertyOptional({ example: 'login.failure' })
  @IsOptional() @IsString() @MaxLength(64)
  type?: string;

  @ApiPropertyOptional({ description: 'Events by this user' })
  @IsOptional() @IsString() @MaxLength(36)
  user_id?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(64)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Epoch seconds, inclusive' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  since?: number;

  @ApiPropertyOptional({ description: 'Epoch seconds, inclusive' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  until?: number;
}

export class AuditEventResponse {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Epoch seconds' }) occurred_at: number;
  @ApiProperty({ example: 'token.issued' }) type: string;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome: string;
  @ApiProperty({ type: String, nullable: true }) user_id: string | null;
  @ApiProperty({ type: String, nullable: true }) client_id: string | null;
  @ApiProperty({ type: String, nullable: true }) subject: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiProperty({ type: Object, nullable: true }) detail: Record<string, unknown> | null;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiProperty() page: number;
  @ApiProperty() per_page: number;
  @ApiProperty() total: number;
}

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
