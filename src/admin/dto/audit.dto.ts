import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import type { AuditEventEntity } from '../../audit/audit-event.entity';
import { PaginationQuery } from './pagination.dto';

export class AuditEventQuery extends PaginationQuery {
  @ApiPropertyOptional({ example: 'login.failure' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;

  @ApiPropertyOptional({ description: 'Events by this user' })
  @IsOptional()
  @IsString()
  @MaxLength(36)
  user_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Epoch seconds, inclusive' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  since?: number;

  @ApiPropertyOptional({ description: 'Epoch seconds, inclusive' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  until?: number;
}

export class AuditEventResponse {
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) id: string;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) occurred_at: number;
  @ApiProperty({ example: 'token.issued' }) type: string;
  @ApiProperty({ enum: ['success', 'failure'], example: 'success' }) outcome: string;
  @ApiProperty({ type: String, nullable: true, example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) user_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) subject: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiProperty({ type: Object, nullable: true, example: { grant_type: 'password' } }) detail: Record<string, unknown> | null;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) per_page: number;
  @ApiProperty({ example: 1 }) total: number;
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
