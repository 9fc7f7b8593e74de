import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { WrittenTokens } from './written-tokens';

/** One line of an outbox file: a write whose outcome is in doubt, or the end of one. */
type Line = { readonly open: WrittenTokens; readonly at?: number } | { readonly done: string };

/** An entry left open, and when it was recorded (epoch ms). */
export interface OpenEntry {
  readonly written: WrittenTokens;
  readonly at: number;
}

/** An instance's file (`.jsonl`, also the pid-named files of earlier versions) or one it was claiming (`.claim`). */
const FILE = /^token-outbox-.+\.(jsonl|claim)$/;

/**
 * The durable half of TokenCompensator's memory: an append-only file per instance, in
 * TOKEN_OUTBOX_DIR, of the token writes whose requests were answered 503 while their COMMIT's
 * outcome was unknown, written (and fsynced) before that 503 leaves. It holds ids and an audit
 * event id, never a token value or hash.
 *
 * The folder may be shared by instances on several hosts or containers, where process ids repeat
 * (every container's process is pid 1) and cannot be probed: a file is named by a random instance
 * id (and the hostname, for the operator), and is held by a lease. Its instance refreshes the
 * file's change time while it runs (`heartbeat`); another instance takes the file over only once
 * that time is older than the lease, by renaming it to a claim name of its own: rename is atomic
 * within one filesystem, so of two instances racing for a file exactly one wins, and it merges the
 * entries into its own file (fsynced) before removing the claimed one. The change time, not the
 * modification time, because a rename sets it: a claim file is itself leased from the moment it
 * is renamed, and falls to a third instance only if its claimer dies in the middle. An instance
 * only ever appends to, truncates or removes its own file.
 */
export class TokenOutbox {
  /** This instance's file, null without a folder. */
  readonly path: string | null;
  private readonly base: string;
  private readonly leaseMs: number;
  private open = 0;
  private claims = 0;
  private lastBeat = 0;
  private leased = false;

  constructor(
    private readonly dir: string | null,
    private readonly onError: (error: Error) => void = () => undefined,
    leaseSeconds = 30,
    private readonly clock: () => number = Date.now,
  ) {
    this.leaseMs = leaseSeconds * 1000;
    this.base = `token-outbox-${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${randomBytes(8).toString('hex')}`;
    this.path = dir === null ? null : join(dir, `${this.base}.jsonl`);
  }

  /** How often `heartbeat` must run: well within the lease, so a pause of a few seconds does not lose it. */
  get beatMs(): number {
    return Math.min(5000, this.leaseMs / 3);
  }

  /**
   * Renews the lease on this instance's file (made by its first write in doubt), then claims the
   * files whose lease has expired: their open entries are appended to this instance's file and returned.
   */
  leftovers(): OpenEntry[] {
    if (this.path === null) return [];
    this.renew();
    return this.claimAbandoned();
  }

  /**
   * Called often (every tick): refreshes the lease and claims the files abandoned since, at most
   * once per `beatMs`. Returns the entries claimed.
   */
  heartbeat(): OpenEntry[] {
    if (this.path === null || this.clock() - this.lastBeat < this.beatMs) return [];
    this.renew();
    return this.claimAbandoned();
  }

  /** Records a write in doubt, durably, before the caller goes on; `at`: when it came in doubt. */
  record(entry: WrittenTokens, at = Date.now()): void {
    this.open++;
    this.append({ open: entry, at });
  }

  /** Ends an entry (compensated, or known never to have committed); empties the file once none is open. */
  done(key: string): void {
    this.open = Math.max(0, this.open - 1);
    if (this.path === null) return;
    if (this.open === 0) {
      try {
        if (existsSync(this.path)) truncateSync(this.path, 0);
      } catch (error) {
        this.onError(error as Error);
      }
      return;
    }
    this.append({ done: key });
  }

  /** Ends the lease at a clean shutdown: the file goes when nothing is open, else it stays for another instance. */
  close(): void {
    if (this.path === null || this.open > 0) return;
    try {
      rmSync(this.path, { force: true });
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /**
   * Refreshes the lease. A file that is gone was claimed by an instance that took this one for
   * dead (paused longer than the lease): that instance compensates its entries; this one reports it
   * and starts a new file.
   */
  private renew(): void {
    const path = this.path!;
    this.lastBeat = this.clock();
    try {
      if (!existsSync(path)) {
        if (this.leased && this.open > 0) this.onError(new Error(`${path} was taken over by another instance (lease expired)`));
        // Nothing of ours on disk, so nothing to lease: the next write in doubt makes the file. A
        // server that never has one writes nothing to the folder (nor makes it).
        this.leased = false;
        return;
      }
      const now = new Date();
      utimesSync(path, now, now);
      this.leased = true;
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /** Claims, one by one, every other file whose lease expired, and merges its open entries into ours. */
  private claimAbandoned(): OpenEntry[] {
    const found: OpenEntry[] = [];
    let names: string[];
    try {
      names = existsSync(this.dir!) ? readdirSync(this.dir!) : [];
    } catch (error) {
      this.onError(error as Error);
      return found;
    }
    for (const name of names) {
      if (!FILE.test(name) || name === `${this.base}.jsonl`) continue;
      const file = join(this.dir!, name);
      const claim = join(this.dir!, `${this.base}-${++this.claims}.claim`);
      try {
        const { ctimeMs, mtimeMs } = statSync(file);
        if (this.clock() - Math.max(ctimeMs, mtimeMs) <= this.leaseMs) continue;
        // Atomic: an instance that loses the race gets ENOENT and skips the file.
        renameSync(file, claim);
      } catch {
        continue;
      }
      try {
        const entries = openEntries(readFileSync(claim, 'utf8'));
        for (const entry of entries) this.record(entry.written, entry.at);
        found.push(...entries);
        rmSync(claim, { force: true });
      } catch (error) {
        // Left as a claim file of ours: retried by another instance once our lease on it expires.
        this.onError(error as Error);
      }
    }
    return found;
  }

  /**
   * Appends and fsyncs one line. A disk that refuses it (full, read-only) is reported and the write
   * stays in memory only: this runs in the abort listener that precedes a 503, where a throw would
   * end the process.
   */
  private append(line: Line): void {
    if (this.path === null) return;
    try {
      mkdirSync(this.dir!, { recursive: true });
      const fd = openSync(this.path, 'a', 0o600);
      try {
        appendFileSync(fd, `${JSON.stringify(line)}\n`);
        fsyncSync(fd);
        this.leased = true;
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      this.onError(error as Error);
    }
  }
}

/** The entries of an outbox file that no later line ends (a torn last line is skipped). */
export function openEntries(text: string): OpenEntry[] {
  const open = new Map<string, OpenEntry>();
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    if ('open' in line) open.set(line.open.auditId, { written: line.open, at: line.at ?? 0 });
    else open.delete(line.done);
  }
  return [...open.values()];
}
