import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sleep } from '../../../test/support/sleep';
import { openEntries, TokenOutbox } from './token-outbox';
import type { WrittenTokens } from './written-tokens';

const written = (auditId: string): WrittenTokens => ({ auditId, accessIds: [`access-${auditId}`], refreshIds: [], jwts: [] });
const openIn = (path: string) => openEntries(readFileSync(path, 'utf8')).map((e) => e.written.auditId);

describe('TokenOutbox on a folder shared by instances', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names its file by a random instance id, not by the process id', () => {
    const a = new TokenOutbox(dir);
    const b = new TokenOutbox(dir);
    a.leftovers();
    b.leftovers();
    a.record(written('a'));
    b.record(written('b'));
    expect(a.path).not.toBe(b.path);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(readdirSync(dir).join()).not.toContain(`-${process.pid}.`);
  });

  it('writes nothing, not even the folder, while no write is in doubt', () => {
    const folder = join(dir, 'outbox');
    const outbox = new TokenOutbox(folder);
    outbox.leftovers();
    outbox.heartbeat();
    outbox.close();
    expect(existsSync(folder)).toBe(false);
  });

  it('never takes the file of a live instance, and ends entries only in its own file', async () => {
    // Same process, so same pid: what containers sharing the folder look like (each is pid 1).
    const a = new TokenOutbox(dir, undefined, 1);
    a.leftovers();
    a.record(written('a-1'));
    a.record(written('a-2'));
    const b = new TokenOutbox(dir, undefined, 1);
    expect(b.leftovers()).toEqual([]);
    b.record(written('b-1'));
    b.done('b-1'); // b has none open: it empties its own file, never a's
    // Both live for two and a half leases: each keeps its lease, neither claims the other.
    const claimed: string[] = [];
    for (const until = Date.now() + 2500; Date.now() < until; await sleep(30)) {
      for (const outbox of [a, b]) claimed.push(...outbox.heartbeat().map((e) => e.written.auditId));
    }
    expect(claimed).toEqual([]);
    expect(openIn(a.path!)).toEqual(['a-1', 'a-2']);
    expect(openIn(b.path!)).toEqual([]);
  });

  it('lets a running instance take over, with its entries, the file of one whose lease expired', async () => {
    const dead = new TokenOutbox(dir, undefined, 0.1);
    dead.leftovers();
    dead.record(written('left'));
    const live = new TokenOutbox(dir, undefined, 0.1);
    live.leftovers();
    await sleep(250); // the dead one stops refreshing; the live one refreshes below
    expect(live.heartbeat().map((e) => e.written.auditId)).toEqual(['left']);
    expect(readdirSync(dir)).toEqual([live.path!.slice(dir.length + 1)]);
    // The entry survives in the claimer's file until it is ended there.
    expect(openIn(live.path!)).toEqual(['left']);
    live.done('left');
    expect(openIn(live.path!)).toEqual([]);
  });

  it('reports, and starts a new file, when its own was taken over while it was paused longer than its lease', async () => {
    const errors: string[] = [];
    const paused = new TokenOutbox(dir, (e) => errors.push(e.message), 0.1);
    paused.leftovers();
    paused.record(written('held'));
    await sleep(250);
    const other = new TokenOutbox(dir, undefined, 0.1);
    expect(other.leftovers().map((e) => e.written.auditId)).toEqual(['held']);
    paused.heartbeat();
    expect(errors).toEqual([expect.stringContaining('taken over by another instance')]);
    expect(existsSync(paused.path!)).toBe(false);
    expect(openIn(other.path!)).toEqual(['held']);
    // Its next write in doubt starts a new file of its own.
    paused.record(written('later'));
    expect(openIn(paused.path!)).toEqual(['later']);
  });

  it('gives each expired file to exactly one of two instances claiming at the same moment', async () => {
    // 40 abandoned files: two processes scanning the folder together race for most of them.
    const ids = Array.from({ length: 40 }, (_, i) => `left-${i}`);
    for (const id of ids) writeFileSync(join(dir, `token-outbox-gone-${id}.jsonl`), `${JSON.stringify({ open: written(id), at: 1 })}\n`);
    await sleep(300);
    const start = Date.now() + 4000;
    const script = `
      const { TokenOutbox } = require(${JSON.stringify(join(__dirname, 'token-outbox.ts'))});
      const outbox = new TokenOutbox(${JSON.stringify(dir)}, (e) => console.error(e.message), 0.2);
      while (Date.now() < ${start});
      const claimed = outbox.leftovers().map((e) => e.written.auditId);
      console.log(JSON.stringify({ path: outbox.path, claimed }));`;
    const run = () =>
      promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
        env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' },
      });
    const results = (await Promise.all([run(), run()])).map((r) => JSON.parse(r.stdout) as { path: string; claimed: string[] });
    const all = results.flatMap((r) => r.claimed);
    expect(all.sort()).toEqual([...ids].sort());
    // Every entry survives, in the file of the instance that won it, and in no other.
    for (const r of results) expect(openIn(r.path).sort()).toEqual([...r.claimed].sort());
    expect(readdirSync(dir).sort()).toEqual(results.map((r) => r.path.slice(dir.length + 1)).sort());
  }, 30_000);
});
