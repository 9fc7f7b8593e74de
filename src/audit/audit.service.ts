import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, Repository } from 'typeorm';
import { uuidv7 } from '../common/crypto/tokens';
import { insertRows } from '../common/database/insert-rows';
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

/** Events wait at most this long, or until this many are pending, before one multi-row INSERT. */
const FLUSH_AFTER_MS = 50;
const FLUSH_AT = 200;

/**
 * The audit trail. Events are written in small batches (one INSERT and one commit for many
 * events) so that auditing every token does not double the write load of the token endpoint;
 * pending events are flushed on shutdown and before every read. The caller's IP comes from the
 * request context.
 */
@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private pending: AuditEventEntity[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@InjectRepository(AuditEventEntity) private readonly repository: Repository<AuditEventEntity>) {}

  /** Queues one event. An audit failure is logged and never fails the operation it records. */
  async record(event: AuditRecord): Promise<void> {
    const context = currentRequestContext();
    this.pending.push({
      id: uuidv7(),
      occurredAt: nowSeconds(),
      type: event.type,
      outcome: event.outcome ?? 'success',
      actorUserId: event.actorUserId ?? context?.actorUserId ?? null,
      clientId: event.clientId ?? null,
      subject: event.subject?.slice(0, 255) ?? null,
      ip: context?.ip.slice(0, 64) ?? null,
      detail: event.detail ?? null,
    });
    if (this.pending.length >= FLUSH_AT) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Events waiting for their INSERT (a metric). */
  get queueDepth(): number {
    return this.pending.length;
  }

  /** Writes every pending event. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertRows(this.repository.manager, this.repository.metadata, batch);
      } catch (error) {
        this.logger.error(`could not record ${batch.length} audit events: ${(error as Error).message}`);
      }
    });
    return this.flushing;
  }

  /** Before any onApplicationShutdown hook: TypeORM closes the pools in one. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async list(query: AuditQuery): Promise<{ items: AuditEventEntity[]; total: number }> {
    await this.flush();
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
