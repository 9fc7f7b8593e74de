import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Between, FindOptionsWhere, Repository } from 'typeorm';
import { currentRequestContext } from '../common/http/request-context';
import { nowSeconds } from '../common/time';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditRecord {
  readonly type: string;
  readonly outcome?: 'success' | 'failure';
  readonly actorUserId?: string | null;
  readonly clientId?: string | null;
  readonly subject?: string | null;
  readonly detail?: Record<string, string | number | boolean | null>;
}

export interface AuditQuery {
  readonly page: number;
  readonly perPage: number;
  readonly type?: string;
  readonly actorUserId?: string;
  readonly clientId?: string;
  readonly since?: number;
  readonly until?: number;
}

/** The audit trail. The caller's IP comes from the request context. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectRepository(AuditEventEntity) private readonly repository: Repository<AuditEventEntity>) {}

  /** Writes one event. An audit failure is logged and does not fail the operation it records. */
  async record(event: AuditRecord): Promise<void> {
    try {
      await this.repository.insert({
        id: randomUUID(),
        occurredAt: nowSeconds(),
        type: event.type,
        outcome: event.outcome ?? 'success',
        actorUserId: event.actorUserId ?? currentRequestContext()?.actorUserId ?? null,
        clientId: event.clientId ?? null,
        subject: event.subject?.slice(0, 255) ?? null,
        ip: currentRequestContext()?.ip.slice(0, 64) ?? null,
        detail: event.detail ?? null,
      });
    } catch (error) {
      this.logger.error(`could not record audit event ${event.type}: ${(error as Error).message}`);
    }
  }

  async list(query: AuditQuery): Promise<{ items: AuditEventEntity[]; total: number }> {
    const where: FindOptionsWhere<AuditEventEntity> = {
      ...(query.type ? { type: query.type } : {}),
      ...(query.actorUserId ? { actorUserId: query.actorUserId } : {}),
      ...(query.clientId ? { clientId: query.clientId } : {}),
      ...(query.since !== undefined || query.until !== undefined
        ? { occurredAt: Between(query.since ?? 0, query.until ?? Number.MAX_SAFE_INTEGER) }
        : {}),
    };
    const [items, total] = await this.repository.findAndCount({
      where,
      order: { occurredAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.perPage,
      take: query.perPage,
    });
    return { items, total };
  }
}
