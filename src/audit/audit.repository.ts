import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, EntityMetadata, FindOptionsWhere, In, Repository } from 'typeorm';
import { insertRows } from '../database/rows/insert-rows';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditQuery {
  readonly page: number;
  readonly perPage: number;
  readonly type?: string;
  readonly actorUserId?: string;
  readonly clientId?: string;
  readonly since?: number;
  readonly until?: number;
}

/** Every statement on the audit_events table; AuditService keeps the rules (batching, what a row records). */
export abstract class AuditRepository {
  /** The table, for stores that write events with their own multi-statement INSERTs. */
  abstract readonly metadata: EntityMetadata;
  /**
   * Stores `rows` in one multi-row INSERT, committed on its own, rolled back (AbandonedError) when
   * one of `signals` aborts before the COMMIT: a request of the batch was answered 503.
   */
  abstract insertCommitted(rows: readonly AuditEventEntity[], signals: readonly (AbortSignal | undefined)[]): Promise<void>;
  /** Stores `rows` in the current unit of work: they commit, or roll back, with it. */
  abstract insert(rows: readonly AuditEventEntity[]): Promise<void>;
  /** A page of events, newest first. */
  abstract list(query: AuditQuery): Promise<{ items: AuditEventEntity[]; total: number }>;
  /** The `limit` newest successful events of `types` a user did themselves, newest first. */
  abstract latestOfUser(userId: string, types: readonly string[], limit: number): Promise<AuditEventEntity[]>;
}

@Injectable()
export class TypeOrmAuditRepository implements AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly repository: Repository<AuditEventEntity>,
    private readonly transactions: TransactionRunner,
  ) {}

  get metadata(): EntityMetadata {
    return this.repository.metadata;
  }

  insertCommitted(rows: readonly AuditEventEntity[], signals: readonly (AbortSignal | undefined)[]): Promise<void> {
    return this.transactions.insertAll([{ metadata: this.repository.metadata, rows }], signals);
  }

  insert(rows: readonly AuditEventEntity[]): Promise<void> {
    return insertRows(transactional(this.repository).manager, this.repository.metadata, rows);
  }

  async list(query: AuditQuery): Promise<{ items: AuditEventEntity[]; total: number }> {
    const where: FindOptionsWhere<AuditEventEntity> = {
      ...(query.type ? { type: query.type } : {}),
      ...(query.actorUserId ? { actorUserId: query.actorUserId } : {}),
      ...(query.clientId ? { clientId: query.clientId } : {}),
      ...(query.since !== undefined || query.until !== undefined ? { occurredAt: Between(query.since ?? 0, query.until ?? Number.MAX_SAFE_INTEGER) } : {}),
    };
    const [items, total] = await this.repository.findAndCount({
      where,
      order: { occurredAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.perPage,
      take: query.perPage,
    });
    return { items, total };
  }

  latestOfUser(userId: string, types: readonly string[], limit: number): Promise<AuditEventEntity[]> {
    return this.repository.find({
      where: { actorUserId: userId, type: In([...types]), outcome: 'success' },
      order: { occurredAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }
}
