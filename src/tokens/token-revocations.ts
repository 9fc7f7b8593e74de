import { Injectable } from '@nestjs/common';
import { CacheBus } from '../cache/cache-bus.service';
import { nowSeconds } from '../common/time';
import { afterCommit } from '../database/unit-of-work/unit-of-work';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { TokenRevocationEntity } from './entities/token-revocation.entity';
import { TokenRevocationRepository } from './token-revocation.repository';

const TOPIC = 'token-revocations';
/** How often a complete mirror is read again, bounding what a lost message could leave out. */
const RESYNC_MS = 60_000;

/** What a revocation can name: one JWT, its grant family, its user, its application, or the user at that application. */
export type RevokedSubject =
  | { readonly jti: string; readonly expiresAt: number }
  | { readonly grantId: string }
  | { readonly userId: string; readonly clientId?: string }
  | { readonly clientId: string };

/** What a JWT access token says about itself that a revocation may name. */
export interface JwtSubjects {
  readonly jti: string;
  readonly grantId: string | null;
  readonly userId: string | null;
  readonly clientId: string;
  /** Epoch seconds (`iat`), when the `jti` carries no time of its own. */
  readonly issuedAt: number;
}

/**
 * Revocation of JWT access tokens, which are verified by their signature and never stored: a
 * deny-list of single tokens (`jti`, kept until the token's `exp`) and not-before times of grant
 * families, users and applications (as Keycloak's not-before policy), in the token_revocations
 * table. Every instance mirrors the table in memory while the cache bus carries every change
 * (filled from the database at each subscription, and again every minute), so checking a JWT costs
 * no round trip; without the bus (no Redis, or Redis down) each check reads the table instead.
 */
@Injectable()
export class TokenRevocations {
  private readonly mirror = new Map<string, { notBefore: number; expiresAt: number }>();
  /** The subscription under which the mirror was last filled completely, and when. */
  private filledUnder: number | null = null;
  private filledAt = 0;
  private filling: Promise<void> | null = null;

  constructor(
    private readonly repository: TokenRevocationRepository,
    private readonly bus: CacheBus,
    private readonly keys: SigningKeysService,
  ) {
    bus.onMessage(TOPIC, (key) => {
      const [id, notBefore, expiresAt] = JSON.parse(key) as [string, number, number];
      this.remember({ id, notBefore, expiresAt });
    });
  }

  /**
   * When a JWT was revoked (epoch seconds), or null while it is not: a revocation of any subject it
   * names counts when made at or after the token was issued.
   */
  async revokedAt(token: JwtSubjects): Promise<number | null> {
    const keys = subjectKeys(token);
    const rows = this.mirrorComplete() ? keys.flatMap((id) => this.fromMirror(id)) : await this.repository.find(keys);
    const issuedMs = issuedAtMs(token);
    // A revocation of this very token counts whenever it was made: its time comes from the revoking
    // instance's clock, the token's from the minting one's, and a skew between them must not undo
    // RFC 7009 §2. A subject's revocation counts for the tokens minted up to it.
    const own = subjectKey({ jti: token.jti, expiresAt: 0 });
    const revoking = rows.filter((row) => row.id === own || row.notBefore >= issuedMs);
    return revoking.length === 0 ? null : Math.floor(Math.min(...revoking.map((row) => row.notBefore)) / 1000);
  }

  /**
   * Revokes every JWT of each subject issued until now, in the caller's unit of work (the change
   * that revokes, and its audit event); every instance learns of it once that has committed.
   */
  async revoke(subjects: readonly RevokedSubject[], longestLifetime?: number): Promise<void> {
    if (subjects.length === 0) return;
    const notBefore = Date.now();
    // A family's, user's or application's JWTs have all expired once the longest lifetime has passed.
    const longest = longestLifetime ?? (subjects.some((s) => !('jti' in s)) ? await this.keys.longestTokenLifetime() : 0);
    const rows: TokenRevocationEntity[] = subjects.map((subject) => ({
      id: subjectKey(subject),
      notBefore,
      expiresAt: 'jti' in subject ? subject.expiresAt : nowSeconds() + longest,
    }));
    await this.repository.record(rows);
    await afterCommit(async () => {
      for (const row of rows) await this.bus.invalidate(TOPIC, JSON.stringify([row.id, row.notBefore, row.expiresAt]));
    });
  }

  /**
   * The longest token lifetime, read before a caller opens its transaction: a query on another
   * connection from inside one waits for a free connection, and many revocations at once (the
   * replays of one code) would hold every connection of the pool while waiting for one more.
   */
  longestLifetime(): Promise<number> {
    return this.keys.longestTokenLifetime();
  }

  /** Whether the mirror holds every revocation now; starts filling it when it does not. */
  private mirrorComplete(): boolean {
    const subscription = this.bus.subscription;
    if (subscription === null) return false;
    if (this.filledUnder !== subscription || Date.now() - this.filledAt > RESYNC_MS) this.fill(subscription);
    return this.filledUnder === subscription;
  }

  private fill(subscription: number): void {
    if (this.filling) return;
    const startedAt = Date.now();
    this.filling = this.repository
      .unexpired(nowSeconds())
      .then((rows) => {
        const now = nowSeconds();
        for (const [id, entry] of this.mirror) if (entry.expiresAt <= now) this.mirror.delete(id);
        // Messages that arrived meanwhile are in the mirror already; merging keeps the later time.
        for (const row of rows) this.remember(row);
        this.filledUnder = subscription;
        this.filledAt = startedAt;
      })
      .catch(() => undefined)
      .finally(() => {
        this.filling = null;
      });
  }

  private remember(row: TokenRevocationEntity): void {
    const known = this.mirror.get(row.id);
    if (!known || known.notBefore < row.notBefore)
      this.mirror.set(row.id, { notBefore: row.notBefore, expiresAt: Math.max(row.expiresAt, known?.expiresAt ?? 0) });
  }

  private fromMirror(id: string): TokenRevocationEntity[] {
    const entry = this.mirror.get(id);
    return entry ? [{ id, ...entry }] : [];
  }
}

/** The key a revocation of `subject` is stored under (TokenRevocationEntity.id). */
export function subjectKey(subject: RevokedSubject): string {
  if ('jti' in subject) return `jti:${subject.jti}`;
  if ('grantId' in subject) return `grant:${subject.grantId}`;
  if ('userId' in subject && subject.userId !== undefined)
    return subject.clientId === undefined ? `user:${subject.userId}` : `user_client:${subject.userId}:${subject.clientId}`;
  return `client:${subject.clientId}`;
}

/** Every key under which a revocation of this JWT may be stored. */
function subjectKeys(token: JwtSubjects): string[] {
  const keys = [subjectKey({ jti: token.jti, expiresAt: 0 }), subjectKey({ clientId: token.clientId })];
  if (token.grantId !== null) keys.push(subjectKey({ grantId: token.grantId }));
  if (token.userId !== null) keys.push(subjectKey({ userId: token.userId }), subjectKey({ userId: token.userId, clientId: token.clientId }));
  return keys;
}

/**
 * When the token was minted, to the millisecond: the time a UUIDv7 `jti` carries (RFC 9562 §5.7),
 * so that a token minted the same second as a revocation, but after it, stays valid. A `jti` of
 * another form counts as minted at the end of its `iat` second (revoked by a revocation in that second).
 */
function issuedAtMs(token: JwtSubjects): number {
  const hex = token.jti.replaceAll('-', '');
  if (/^[0-9a-f]{12}7[0-9a-f]{19}$/i.test(hex)) return Number.parseInt(hex.slice(0, 12), 16);
  return token.issuedAt * 1000 + 999;
}
