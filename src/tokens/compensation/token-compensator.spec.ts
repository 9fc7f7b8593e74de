import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditService } from '../../audit/audit.service';
import type { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import type { TokenRevocations } from '../token-revocations';
import type { TokenRepository } from '../token.repository';
import { TokenCompensator } from './token-compensator';
import { openEntries } from './token-outbox';
import type { WrittenTokens } from './written-tokens';
import { sleep } from '../../../test/support/sleep';

const written = (auditId = 'event-1'): WrittenTokens => ({
  auditId,
  accessIds: ['access-1'],
  refreshIds: ['refresh-2'],
  jwts: [],
  spent: { kind: 'refresh_token', id: 'refresh-1' },
});
const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });

describe('TokenCompensator', () => {
  let dir: string;
  let committed: Set<string>;
  let databaseDown: boolean;
  let undone: WrittenTokens[];
  let events: { type: string; detail?: Record<string, unknown> }[];
  let denied: unknown[];

  function compensator(leaseSeconds = 30): TokenCompensator {
    const work = {
      run: async <T>(body: () => Promise<T>) => {
        if (databaseDown) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return body();
      },
    } as unknown as UnitOfWork;
    const tokens = {
      issuedEventExists: async (id: string) => committed.has(id),
      undoWrite: async (w: WrittenTokens) => (undone.push(w), true),
    } as unknown as TokenRepository;
    const revocations = { revoke: async (subjects: unknown[]) => void denied.push(...subjects) } as unknown as TokenRevocations;
    const audit = { append: async (event: { type: string }) => void events.push(event) } as unknown as AuditService;
    const c = new TokenCompensator(work, tokens, revocations, audit, dir, leaseSeconds);
    c.onModuleInit();
    return c;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    committed = new Set();
    databaseDown = false;
    undone = [];
    events = [];
    denied = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records a write durably when its request is answered 503 during the COMMIT, before the answer leaves', () => {
    const c = compensator();
    const request = new AbortController();
    c.watch(written(), request.signal);
    request.abort();
    const [file] = readdirSync(dir);
    expect(openEntries(readFileSync(join(dir, file), 'utf8')).map((e) => e.written.auditId)).toEqual(['event-1']);
    c.onModuleDestroy();
  });

  it('revokes what a COMMIT stored once it answers, after the request was answered 503, with a token.compensated event', async () => {
    const c = compensator();
    const request = new AbortController();
    const watch = c.watch(written(), request.signal);
    request.abort();
    await c.tick();
    expect(undone).toEqual([]); // still running: a COMMIT on the wire may yet commit
    committed.add('event-1');
    watch.committed();
    await c.tick();
    expect(undone.map((w) => w.auditId)).toEqual(['event-1']);
    expect(events).toEqual([expect.objectContaining({ type: 'token.compensated', detail: expect.objectContaining({ unspent: 'refresh_token' }) })]);
    expect(c.pending).toBe(0);
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['']);
    c.onModuleDestroy();
  });

  it('waits for the database to answer again when the COMMIT failed without an answer', async () => {
    const c = compensator();
    committed.add('event-1');
    databaseDown = true;
    c.watch(written(), new AbortController().signal).failed(lost());
    await c.tick();
    expect(c.pending).toBe(1);
    databaseDown = false;
    await c.tick();
    expect(undone).toHaveLength(1);
    expect(c.pending).toBe(0);
    c.onModuleDestroy();
  });

  it('deny-lists the JWTs of a write in doubt', async () => {
    const c = compensator();
    committed.add('event-jwt');
    c.watch({ ...written('event-jwt'), accessIds: [], jwts: [{ jti: 'jti-1', expiresAt: 99 }] }, undefined).failed(lost());
    await c.tick();
    expect(denied).toEqual([{ jti: 'jti-1', expiresAt: 99 }]);
    c.onModuleDestroy();
  });

  it('does nothing for a write the database rolled back, answered or not, nor for one answered normally', async () => {
    const c = compensator();
    const deadlock = Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK', sqlState: '40001' });
    const request = new AbortController();
    const watch = c.watch(written('rolled-back'), request.signal);
    request.abort();
    watch.failed(deadlock);
    c.watch(written('answered'), new AbortController().signal).committed();
    await c.tick();
    expect(undone).toEqual([]);
    expect(c.pending).toBe(0);
    c.onModuleDestroy();
  });

  it('drops a write whose COMMIT went through only when its event is found', async () => {
    const c = compensator();
    c.watch(written('never-committed'), new AbortController().signal).failed(lost());
    await c.tick();
    expect(undone).toEqual([]);
    expect(events).toEqual([]);
    expect(c.pending).toBe(1); // checked again for a while: a held COMMIT can still arrive
    c.onModuleDestroy();
  });

  it('compensates, after a restart, what a process that ended left in its outbox', async () => {
    const now = Date.now();
    const lines = [
      { open: written('left'), at: now },
      { open: written('ended'), at: now },
      { done: 'ended' },
      // Never committed, and in doubt for longer than it is checked: dropped at the first look.
      { open: written('stale'), at: now - 3_600_000 },
    ];
    writeFileSync(join(dir, 'token-outbox-999999999.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"open":`);
    committed.add('left');
    await sleep(100); // its lease (50 ms here) expires: nobody refreshes it
    const c = compensator(0.05);
    expect(c.pending).toBe(2);
    await c.tick();
    expect(undone.map((w) => w.auditId)).toEqual(['left']);
    expect(c.pending).toBe(0);
    expect(readdirSync(dir)).not.toContain('token-outbox-999999999.jsonl');
    c.onModuleDestroy();
  });

  it('takes over, while it runs, the outbox of another instance that stopped refreshing its lease', async () => {
    committed.add('peer');
    const c = compensator(0.1);
    // Written after this instance started: not expired yet when it looked at startup.
    writeFileSync(join(dir, 'token-outbox-other-host-0123456789abcdef.jsonl'), `${JSON.stringify({ open: written('peer'), at: Date.now() })}\n`);
    expect(c.pending).toBe(0);
    await sleep(1200);
    expect(undone.map((w) => w.auditId)).toEqual(['peer']);
    expect(readdirSync(dir)).not.toContain('token-outbox-other-host-0123456789abcdef.jsonl');
    c.onModuleDestroy();
  });

  it('keeps a write in doubt in memory when its outbox cannot be written, without failing the 503', async () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    dir = join(blocked, 'outbox'); // a folder inside a file: mkdir fails
    const c = compensator();
    const request = new AbortController();
    c.watch(written(), request.signal).committed();
    expect(() => request.abort()).not.toThrow();
    committed.add('event-1');
    await c.tick();
    expect(undone).toHaveLength(1);
    c.onModuleDestroy();
    dir = join(blocked, '..');
  });
});
