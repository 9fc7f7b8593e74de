import * as requestContext from '../common/http/request-context';
import type { AuditEventEntity } from './audit-event.entity';
import { AuditRepository, type AuditQuery } from './audit.repository';
import { AuditService } from './audit.service';

/** An audit table in memory that records each multi-row INSERT it was sent. */
class InMemoryAuditRepository implements AuditRepository {
  readonly metadata = {} as AuditRepository['metadata'];
  readonly inserts: AuditEventEntity[][] = [];
  failure: Error | null = null;

  async insertCommitted(rows: readonly AuditEventEntity[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.inserts.push([...rows]);
  }

  async insert(rows: readonly AuditEventEntity[]): Promise<void> {
    this.inserts.push([...rows]);
  }

  async list(_query: AuditQuery): Promise<{ items: AuditEventEntity[]; total: number }> {
    return { items: this.inserts.flat(), total: this.inserts.flat().length };
  }

  async latestOfUser(userId: string, types: readonly string[], limit: number): Promise<AuditEventEntity[]> {
    return this.inserts
      .flat()
      .filter((e) => e.actorUserId === userId && types.includes(e.type) && e.outcome === 'success')
      .sort((a, b) => b.occurredAt - a.occurredAt)
      .slice(0, limit);
  }
}

function auditService(max: number, lingerMs: number) {
  const repository = new InMemoryAuditRepository();
  return { repository, audit: new AuditService(repository, { max, lingerMs }) };
}

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
};

describe('AuditService: the group commit of audit events', () => {
  it('flushes at AUDIT_BATCH_MAX events, in one multi-row INSERT, without waiting for the linger', async () => {
    const { repository, audit } = auditService(3, 60_000);
    const started = Date.now();
    await Promise.all([1, 2, 3].map((n) => audit.record({ type: 'login.success', subject: `user-${n}` })));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(repository.inserts.map((rows) => rows.map((row) => row.subject))).toEqual([['user-1', 'user-2', 'user-3']]);
  });

  it('flushes after AUDIT_BATCH_LINGER_MS, and answers no caller before its event is committed', async () => {
    const { repository, audit } = auditService(100, 80);
    const first = audit.record({ type: 'login.success', subject: 'early' });
    expect(await settledWithin(first, 20)).toBe(false);
    const second = audit.record({ type: 'login.failure', outcome: 'failure', subject: 'late' });
    expect(repository.inserts).toEqual([]);
    await Promise.all([first, second]);
    expect(repository.inserts.map((rows) => rows.map((row) => row.subject))).toEqual([['early', 'late']]);
  });

  it('fails every waiting request when its batch cannot be stored', async () => {
    const { repository, audit } = auditService(100, 20);
    repository.failure = new Error('connection lost');
    const waiting = [1, 2, 3].map((n) => audit.record({ type: 'login.success', subject: `user-${n}` }));
    const outcomes = await Promise.allSettled(waiting);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(repository.inserts).toEqual([]);
  });

  it('drops the event of a request answered 503 before its batch went, and fails that request', async () => {
    const { repository, audit } = auditService(100, 30);
    const timedOut = new AbortController();
    const context = { ip: '192.0.2.1', requestId: 'r1', abandoned: timedOut.signal };
    // The request's context, read for the event's row and for its abandonment.
    jest.spyOn(requestContext, 'currentRequestContext').mockReturnValueOnce(context).mockReturnValueOnce(context);
    const abandoned = audit.record({ type: 'login.success', subject: 'gone' });
    const kept = audit.record({ type: 'login.success', subject: 'kept' });
    timedOut.abort();
    await expect(abandoned).rejects.toThrow('rolled back');
    await kept;
    expect(repository.inserts.map((rows) => rows.map((row) => row.subject))).toEqual([['kept']]);
  });
});
