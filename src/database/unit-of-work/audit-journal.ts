/**
 * One event of the audit trail, as the code that made a change describes it (the journal adds the
 * time, the caller's IP and the actor from the request context).
 */
export interface AuditEntry {
  readonly type: string;
  readonly outcome?: 'success' | 'failure';
  readonly actorUserId?: string | null;
  readonly clientId?: string | null;
  readonly subject?: string | null;
  readonly detail?: Record<string, string | number | boolean | null>;
}

/**
 * What an audited unit of work needs of the audit trail: to append an event inside the current
 * transaction, so that it commits (or rolls back) with the change it records. The audit module
 * provides it; the database module, below every feature, only names it.
 */
export interface AuditJournal {
  append(entry: AuditEntry): Promise<void>;
}

export const AUDIT_JOURNAL = Symbol('AuditJournal');
