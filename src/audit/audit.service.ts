import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../common/crypto/tokens';
import { Batcher } from '../common/database/batcher';
import { currentRequestContext } from '../common/http/request-context';
import { nowSeconds } from '../common/time';
import type { AuditEntry, AuditJournal } from '../database/unit-of-work/audit-journal';
import { AuditEventEntity } from './audit-event.entity';
import { AuditQuery, AuditRepository } from './audit.repository';

export type { AuditQuery } from './audit.repository';

export type AuditRecord = AuditEntry;

/** Rows per multi-row INSERT, and INSERTs running at once (each holds one pooled connection). */
const MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * The audit trail. An event of an acknowledged action is never lost: it is stored before the
 * action is answered, in the action's own transaction where there is one (append, for an audited
 * unit of work), or else committed on its own (record) before the caller goes on. Concurrent events
 * share one multi-row INSERT and one commit (Batcher), so auditing every request does not double
 * the write load. Nothing waits in process memory past the answer, so neither a database that
 * drops nor a killed process can take an acknowledged event with it. The caller's IP comes from
 * the request context.
 */
@Injectable()
export class AuditService implements AuditJournal {
  private readonly writes = new Batcher<AuditEventEntity, void>(
    async (rows) => {
      await this.repository.insertCommitted(rows);
      return rows.map(() => undefined);
    },
    MAX_BATCH,
    MAX_BATCHES_IN_FLIGHT,
    'db.batch audit events',
  );

  constructor(private readonly repository: AuditRepository) {}

  /**
   * Stores one event, resolving once it is committed. When it cannot be stored this rejects, so
   * the action it records is not acknowledged as if it had been audited.
   */
  record(event: AuditRecord): Promise<void> {
    return this.writes.submit(this.row(event));
  }

  /** Events waiting for a batched INSERT to take them (a metric; their callers are waiting too). */
  get queueDepth(): number {
    return this.writes.waiting;
  }

  /** Stores one event in the current unit of work: it commits, or rolls back, with the action. */
  append(event: AuditRecord): Promise<void> {
    return this.repository.insert([this.row(event)]);
  }

  /**
   * The row of one event, with the caller's IP and actor from the request context. Built in the
   * request, so that a write batched with other requests' writes still carries its own context.
   */
  row(event: AuditRecord): AuditEventEntity {
    const context = currentRequestContext();
    return {
      id: uuidv7(),
      occurredAt: nowSeconds(),
      type: event.type,
      outcome: event.outcome ?? 'success',
      actorUserId: event.actorUserId ?? context?.actorUserId ?? null,
      clientId: event.clientId === undefined || event.clientId === null ? null : storable(event.clientId),
      subject: event.subject === undefined || event.subject === null ? null : storable(event.subject.slice(0, 255)),
      ip: context?.ip.slice(0, 64) ?? null,
      detail: event.detail ?? null,
    };
  }

  list(query: AuditQuery): Promise<{ items: AuditEventEntity[]; total: number }> {
    return this.repository.list(query);
  }
}

/**
 * Text an event records as the client sent it (a username that failed to sign in), storable on
 * every database: PostgreSQL refuses NUL in text, and would fail the whole batch the event shares
 * with other requests' events. U+FFFD (replacement character) stands in for it.
 */
function storable(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}
