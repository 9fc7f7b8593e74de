import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { WrittenTokens } from './written-tokens';

/** One line of an outbox file: a write whose outcome is in doubt, or the end of one. */
type Line = { readonly open: WrittenTokens; readonly at?: number } | { readonly done: string };

/** An entry left open, and when it was recorded (epoch ms). */
export interface OpenEntry {
  readonly written: WrittenTokens;
  readonly at: number;
}

const FILE = /^token-outbox-(\d+)\.jsonl$/;

/**
 * The durable half of TokenCompensator's memory: an append-only file per process, in
 * TOKEN_OUTBOX_DIR, of the token writes whose requests were answered 503 while their COMMIT's
 * outcome was unknown, written (and fsynced) before that 503 leaves. A process that starts reads
 * the entries left open by a predecessor with its own pid (a container's restarted process) or by
 * a process that no longer runs, and compensates them. It holds ids and an audit event id, never a
 * token value or hash.
 */
export class TokenOutbox {
  private readonly path: string | null;
  private open = 0;

  constructor(
    private readonly dir: string | null,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.path = dir === null ? null : join(dir, `token-outbox-${process.pid}.jsonl`);
  }

  /** Entries a process that ended left open (its file is merged into ours, then removed). */
  leftovers(): OpenEntry[] {
    if (this.dir === null || !existsSync(this.dir)) return [];
    const found: OpenEntry[] = [];
    for (const name of readdirSync(this.dir)) {
      const pid = FILE.exec(name)?.[1];
      if (!pid || (Number(pid) !== process.pid && running(Number(pid)))) continue;
      const file = join(this.dir, name);
      found.push(...openEntries(readFileSync(file, 'utf8')));
      rmSync(file, { force: true });
    }
    for (const entry of found) this.record(entry.written, entry.at);
    return found;
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
      if (existsSync(this.path)) truncateSync(this.path, 0);
      return;
    }
    this.append({ done: key });
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

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
