import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import { AuditService } from '../../audit/audit.service';
import { nowSeconds } from '../../common/time';
import { TokenRevocations } from '../token-revocations';
import { TokenRepository } from '../token.repository';
import { commitOutcomeUnknown } from './commit-outcome';
import { OpenEntry, TokenOutbox } from './token-outbox';
import type { WrittenTokens } from './written-tokens';

/** How often the writes in doubt are checked, while there are any. */
const TICK_MS = 500;
/**
 * How long a write whose COMMIT failed without an answer, and whose event is not found, is checked
 * again: a COMMIT held in the network after its connection was given up can still reach the
 * database (the server reads it before the close behind it) and commit after a first check.
 */
const RECHECK_MS = 60_000;

/** What is known of a write in doubt: still running, committed, or failed without an answer. */
type Outcome = 'running' | 'committed' | 'unknown';

interface InDoubt {
  readonly written: WrittenTokens;
  outcome: Outcome;
  /** When its outcome became known (committed or unknown). */
  settledAt: number;
}

/** The end of one write, reported by TokenStore.write. */
export interface WriteWatch {
  /** The COMMIT succeeded. */
  committed(): void;
  /** Nothing was written (dropped before it ran, its input spent elsewhere, or rolled back). */
  rolledBack(): void;
  /** The write failed with `error`: rolled back, or (a connection lost during COMMIT) maybe not. */
  failed(error: unknown): void;
}

/**
 * Compensates the token writes that a client was not told about: "a request answered 503 had no
 * effect" (SECURITY.md) cannot be made true by a rollback once a COMMIT is on the wire, since its
 * answer can be lost (a partition, a node dying, a timeout) after the database ran it. A write is
 * in doubt when its request is answered 503 while it runs, or when it fails without an answer
 * from the database (commit-outcome.ts). Each is remembered here and, durably, in the TokenOutbox
 * before the 503 leaves; once its outcome is known and the database answers, its token.issued
 * event is looked up: absent, nothing happened; present, its tokens are revoked (JWTs deny-listed),
 * a refresh token it spent is made spendable again when the one it issued was never used, and a
 * `token.compensated` event records it. An authorization code stays spent (RFC 6749 §4.1.2).
 */
@Injectable()
export class TokenCompensator implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TokenCompensator.name);
  private readonly inDoubt = new Map<string, InDoubt>();
  private readonly outbox: TokenOutbox;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly work: UnitOfWork,
    private readonly tokens: TokenRepository,
    private readonly revocations: TokenRevocations,
    private readonly audit: AuditService,
    @InjectConfig('tokenOutboxDir') tokenOutboxDir: AppConfig['tokenOutboxDir'],
    @InjectConfig('tokenOutboxLeaseSeconds') tokenOutboxLeaseSeconds: AppConfig['tokenOutboxLeaseSeconds'],
  ) {
    this.outbox = new TokenOutbox(
      tokenOutboxDir,
      (error) => this.logger.error(`token outbox ${tokenOutboxDir} not written (writes in doubt are kept in memory only): ${error.message}`),
      tokenOutboxLeaseSeconds,
    );
  }

  onModuleInit(): void {
    // Checked for RECHECK_MS from when they came in doubt, not from now: a chain of short-lived
    // processes on one folder must not hand on forever an entry that never committed.
    this.adopt(this.outbox.leftovers());
    // Started here, outside any request: compensations must not run in (and be abandoned with) the request that lost its answer.
    // Each tick also keeps this instance's outbox lease and takes over the files of instances that died meanwhile.
    this.timer = setInterval(() => {
      this.adopt(this.outbox.heartbeat());
      void (this.running ?? this.tick());
    }, TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.outbox.close();
  }

  /** Takes on the entries another instance left open, as writes whose outcome is unknown. */
  private adopt(entries: OpenEntry[]): void {
    for (const { written, at } of entries) {
      if (!this.inDoubt.has(written.auditId)) this.inDoubt.set(written.auditId, { written, outcome: 'unknown', settledAt: at });
    }
  }

  /** Writes in doubt not compensated yet. */
  get pending(): number {
    return this.inDoubt.size;
  }

  /** Watches one write from before it is submitted; `abandoned` aborts when its request is answered 503. */
  watch(written: WrittenTokens, abandoned: AbortSignal | undefined): WriteWatch {
    let outcome: Outcome = 'running';
    const doubt = () => {
      if (this.inDoubt.has(written.auditId)) return;
      this.outbox.record(written);
      this.inDoubt.set(written.auditId, { written, outcome, settledAt: Date.now() });
    };
    const settle = (now: Outcome) => {
      outcome = now;
      const entry = this.inDoubt.get(written.auditId);
      if (entry) {
        entry.outcome = now;
        entry.settledAt = Date.now();
      }
    };
    // Runs synchronously just before the 503 is sent (request-timeout.ts), so the record is on disk first.
    abandoned?.addEventListener('abort', doubt, { once: true });
    return {
      committed: () => {
        // The listener stays: a 503 sent after the COMMIT, before the answer, leaves the tokens unreceived too.
        settle('committed');
      },
      rolledBack: () => {
        abandoned?.removeEventListener('abort', doubt);
        if (this.inDoubt.delete(written.auditId)) this.outbox.done(written.auditId);
      },
      failed: (error) => {
        if (!commitOutcomeUnknown(error)) {
          abandoned?.removeEventListener('abort', doubt);
          if (this.inDoubt.delete(written.auditId)) this.outbox.done(written.auditId);
          return;
        }
        // The request answers 503 (or 500): its client never sees these tokens, whatever became of them.
        settle('unknown');
        doubt();
      },
    };
  }

  /**
   * Compensates every write in doubt whose outcome is known; those the database cannot take now
   * wait for the next tick. A call during a run waits for it, then runs again.
   */
  async tick(): Promise<void> {
    while (this.running) await this.running;
    if (this.inDoubt.size === 0) return;
    this.running = this.compensateAll().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async compensateAll(): Promise<void> {
    for (const [key, entry] of [...this.inDoubt]) {
      if (entry.outcome === 'running') continue;
      try {
        if (await this.compensate(entry)) {
          this.inDoubt.delete(key);
          this.outbox.done(key);
        }
      } catch (error) {
        // The database does not answer yet: the next tick tries again.
        this.logger.debug(`compensation postponed: ${(error as Error).message}`);
        return;
      }
    }
  }

  /** True once the entry needs nothing more: compensated, or surely never committed. */
  private async compensate(entry: InDoubt): Promise<boolean> {
    const { written } = entry;
    const now = nowSeconds();
    const result = await this.work.run(async () => {
      if (!(await this.tokens.issuedEventExists(written.auditId))) return null;
      const unspent = await this.tokens.undoWrite(written, now);
      if (written.jwts.length > 0) await this.revocations.revoke(written.jwts.map(({ jti, expiresAt }) => ({ jti, expiresAt })));
      await this.audit.append({
        type: 'token.compensated',
        subject: written.accessIds[0] ?? written.jwts[0]?.jti ?? written.refreshIds[0] ?? null,
        detail: {
          reason: 'answer_lost',
          issued_event: written.auditId,
          access_tokens: written.accessIds.length + written.jwts.length,
          refresh_tokens: written.refreshIds.length,
          unspent: unspent ? written.spent!.kind : null,
        },
      });
      return unspent;
    });
    if (result === null) return entry.outcome === 'committed' || Date.now() - entry.settledAt > RECHECK_MS;
    this.logger.warn(`revoked the tokens of a write whose request was answered without them (event ${written.auditId})`);
    return true;
  }
}
