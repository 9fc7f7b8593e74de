import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { uuidv7 } from '../common/crypto/tokens';
import { Batcher } from '../common/database/batcher';
import { AbandonedError } from '../database/unit-of-work/abandon';
import { currentRequestContext } from '../common/http/request-context';
import { nowSeconds } from '../common/time';
import type { AuditEntry, AuditJournal } from '../database/unit-of-work/audit-journal';
import { AuditEventEntity } from './audit-event.entity';
import { AuditQuery, AuditRepository } from './audit.repository';

export type { AuditQuery } from './audit.repository';

export type AuditRecord = AuditEntry;

/** INSERTs running at once (each holds one pooled connection). */
const MAX_BATCHES_IN_FLIGHT = 2;

/** One event waiting for its batch, and the request it records (aborted: answered 503). */
interface PendingEvent {
  readonly row: AuditEventEntity;
  readonly abandoned?: AbortSignal;
}

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
  /**
   * The group commit of recorded events: flushed at AUDIT_BATCH_MAX events or after
   * AUDIT_BATCH_LINGER_MS, one multi-row INSERT and one commit for all (see Batcher).
   */
  private readonly writes: Batcher<PendingEvent, boolean>;

  constructor(
    private readonly repository: AuditRepository,
    @InjectConfig('auditBatch') auditBatch: AppConfig['auditBatch'],
  ) {
    this.writes = new Batcher<PendingEvent, boolean>(
      (events) => this.insertBatch(events),
      auditBatch.max,
      MAX_BATCHES_IN_FLIGHT,
      'db.batch audit events',
      auditBatch.lingerMs,
    );
  }

  /**
   * Stores one event, resolving once it is committed. When it cannot be stored this rejects, so
   * the action it records is not acknowledged as if it had been audited. A request answered 503
   * meanwhile leaves no event: dropped if its batch had not gone yet, else rolled back with it.
   */
  async record(event: AuditRecord): Promise<void> {
    const stored = await this.writes.submit({ row: this.row(event), abandoned: currentRequestContext()?.abandoned });
    // The request must not go on as if its action were audited.
    if (!stored) throw new AbandonedError();
  }

  /** One group commit; true for each event it stored, false for each it dropped. */
  private async insertBatch(events: PendingEvent[]): Promise<boolean[]> {
    const live = events.filter((event) => !event.abandoned?.aborted);
    if (live.length > 0) {
      await this.repository.insertCommitted(
        live.map((event) => event.row),
        live.map((event) => event.abandoned),
      );
    }
    return events.map((event) => live.includes(event));
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

  /**
   * A user's latest sign-ins, newest first, for their account page: each password or upstream
   * sign-in (`login.success`) and each second factor given (`login.second_factor`), with when,
   * from which IP address and how (RFC 8176 amr, as the event recorded it).
   */
  async recentSignIns(userId: string, limit: number): Promise<SignInRecord[]> {
    const events = await this.repository.latestOfUser(userId, ['login.success', 'login.second_factor'], limit);
    return events.map((event) => ({ at: event.occurredAt, ip: event.ip, method: signInMethod(event) }));
  }
}

/** One sign-in as the user's account page lists it. */
export interface SignInRecord {
  readonly at: number;
  readonly ip: string | null;
  /** RFC 8176 amr values, space-separated, or `upstream (provider)` for a sign-in elsewhere. */
  readonly method: string;
}

function signInMethod(event: AuditEventEntity): string {
  const detail = event.detail ?? {};
  if (typeof detail.amr === 'string') return detail.amr;
  if (detail.channel === 'upstream') return `upstream (${String(detail.provider ?? 'identity provider')})`;
  // A second factor recorded before its amr was: a one-time code.
  return event.type === 'login.second_factor' ? 'pwd otp mfa' : 'pwd';
}

/**
 * Text an event records as the client sent it (a username that failed to sign in), storable on
 * every database: PostgreSQL refuses NUL in text, and would fail the whole batch the event shares
 * with other requests' events. U+FFFD (replacement character) stands in for it.
 */
function storable(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}
