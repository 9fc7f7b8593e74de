/**
 * `npm run bench [-- --db sqlite|postgres|galera] [--duration 10] [--connections 50] [--smoke] [--seed-tokens 1000000]
 *   [--only client_credentials,introspection] [--no-peers] [--profile] [--observability] [--baseline DIR [--simultaneous RATE]] [--jwt-alg RS256|ES256|EdDSA]
 *   [--soak 600] [--heap-snapshots]`
 *
 * Builds and starts the server (MariaDB by default), creates fixtures through the admin API, warms
 * up, and measures each scenario with autocannon: req/s, p50/p99 latency, non-2xx count and the
 * server's peak RSS. In the same run it measures node-oidc-provider (client_credentials and
 * introspection, default in-memory store; with Redis also on Redis through bench/peers/redis-adapter.mjs,
 * its CPU counting redis-server's) and a bare Node http server, and prints our figures as
 * ratios to them. Results go to bench/results/ as JSON and markdown. By default the server runs with
 * REDIS_URL=redis://127.0.0.1:6379 (shared counters, cached clients and settings); --no-redis turns it off.
 * --only runs a subset of our scenarios, --no-peers skips the peers, and --profile runs the server under
 * `node --cpu-prof` and prints where its CPU time went (bench/results/profiles/). --observability
 * measures what metrics and the access log cost: client_credentials in alternating rounds against two
 * more servers on the same database, one as shipped (management port on, access log at LOG_LEVEL=log)
 * and one without either, as paired CPU µs/request. --baseline DIR measures another build of this server
 * (DIR is a checkout with dist/ built, e.g. a worktree of main) on the same database in alternating
 * rounds against this one: client_credentials, its JWT variant and introspection (whichever --only
 * selects), as paired CPU µs/request and req/s ratios, to tell a change's effect from the VM's drift.
 * With --simultaneous RATE the two builds run each round at the same time, each at RATE requests/s
 * (below what either saturates), so that the machine's other load weighs on both alike.
 * --client-auth-cost measures client_credentials with client_secret_basic, with private_key_jwt (a
 * fresh ES256 assertion each request) and with a DPoP proof (ES256) in rotating rounds on the same
 * server, all at one request rate (--client-auth-rate, 150/s: below what the slowest form reaches, so
 * that batched token writes are shared by as many requests in each form), and prints the CPU
 * µs/request each adds to client_secret_basic (median of the rounds). Every CPU figure comes twice:
 * the server's alone, and with what MariaDB and Redis spent for it (see withProcessStats).
 * --soak N runs a memory soak instead (see soak()); --heap-snapshots adds heap snapshots to it, and to
 * --baseline runs (each build after its first round and its last, the growth printed by constructor).
 */
import autocannon from 'autocannon';
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { hash, Algorithm } from '@node-rs/argon2';
import { seedTokens, explainHotQueries } from './seed';
import { summariseProfiles } from './profile-summary';
import { heapGrowth } from './heap-summary';
import { assertChartShows, loadHistory, renderChart } from './chart';
import { galeraBench, mysqlBenchEnv } from './galera';
import { cpuSeconds, residentMb } from './proc';

interface Options {
  db: 'mysql' | 'sqlite' | 'postgres' | 'galera';
  duration: number;
  connections: number;
  smoke: boolean;
  seedTokens: number;
  build: boolean;
  /** Run the server with REDIS_URL (shared counters, cached clients and settings), as a cluster would. */
  redis: boolean;
  /** Our scenarios to run (all when empty). */
  only: string[];
  peers: boolean;
  profile: boolean;
  /** Alternating rounds of ours and oidc-provider (client_credentials, introspection) for the paired ratios. */
  rounds: number;
  /** Paired rounds of client_credentials with and without metrics and the access log. */
  observability: boolean;
  /** A checkout of another build (dist/ built) to measure in paired rounds against this one. */
  baseline: string | null;
  /** With --baseline: both builds measured at once, each at this many requests/s (0: alternating rounds at full load). */
  simultaneous: number;
  /** The algorithm of the JWT access tokens, ours and the peer's alike (RS256 by default). */
  jwtAlg: 'RS256' | 'ES256' | 'EdDSA';
  /** Paired rounds of client_credentials with client_secret_basic, private_key_jwt and DPoP on one server. */
  clientAuthCost: boolean;
  /** The request rate of those rounds, the same for every form. */
  clientAuthRate: number;
  /** Seconds of the memory soak (--soak N); 0: no soak, the usual scenarios. */
  soak: number;
  /** Heap snapshots of the first instance after the soak's warm-up and at its end (--heap-snapshots). */
  heapSnapshots: boolean;
  /** Not an argument: our server's database and cache (mariadbd, redis-server), found at start. */
  backends: CpuMeter[];
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    db: 'mysql',
    duration: 10,
    connections: 50,
    smoke: false,
    seedTokens: 0,
    build: true,
    redis: true,
    only: [],
    peers: true,
    profile: false,
    rounds: 3,
    observability: false,
    baseline: null,
    simultaneous: 0,
    jwtAlg: 'RS256',
    clientAuthCost: false,
    clientAuthRate: 150,
    backends: [],
    soak: 0,
    heapSnapshots: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--db') {
      const db = argv[++i];
      opts.db = db === 'sqlite' || db === 'postgres' || db === 'galera' ? db : 'mysql';
    } else if (arg === '--duration') opts.duration = Number(argv[++i]);
    else if (arg === '--connections') opts.connections = Number(argv[++i]);
    else if (arg === '--seed-tokens') opts.seedTokens = Number(argv[++i]);
    else if (arg === '--no-build') opts.build = false;
    else if (arg === '--no-redis') opts.redis = false;
    else if (arg === '--smoke') opts.smoke = true;
    else if (arg === '--only') opts.only = argv[++i].split(',');
    else if (arg === '--no-peers') opts.peers = false;
    else if (arg === '--profile') opts.profile = true;
    else if (arg === '--observability') opts.observability = true;
    else if (arg === '--client-auth-cost') opts.clientAuthCost = true;
    else if (arg === '--client-auth-rate') opts.clientAuthRate = Number(argv[++i]);
    else if (arg === '--baseline') opts.baseline = argv[++i];
    else if (arg === '--simultaneous') opts.simultaneous = Number(argv[++i]);
    else if (arg === '--jwt-alg') {
      const alg = argv[++i];
      if (alg !== 'RS256' && alg !== 'ES256' && alg !== 'EdDSA') throw new Error('--jwt-alg takes RS256, ES256 or EdDSA');
      opts.jwtAlg = alg;
    } else if (arg === '--soak') {
      opts.soak = Number(argv[++i]);
      if (!Number.isInteger(opts.soak) || opts.soak < 30) throw new Error('--soak takes whole seconds, at least 30');
    } else if (arg === '--heap-snapshots') opts.heapSnapshots = true;
    else if (arg === '--rounds') {
      opts.rounds = Number(argv[++i]);
      if (!Number.isInteger(opts.rounds) || opts.rounds < 0) throw new Error('--rounds takes a whole number >= 0');
    }
  }
  if (opts.simultaneous !== 0 && (!(opts.simultaneous > 0) || !opts.baseline)) throw new Error('--simultaneous takes requests/s above 0, with --baseline');
  // This build's profile ends when its server stops: its last seconds are the round it shared with
  // the baseline only when nothing runs after that round.
  if (opts.profile && opts.baseline && (opts.peers || opts.only.length !== 1 || opts.rounds !== 1)) {
    throw new Error('--profile with --baseline takes --no-peers, one --only scenario and --rounds 1');
  }
  if (opts.smoke) {
    opts.duration = Math.min(opts.duration, 2);
    opts.rounds = Math.min(opts.rounds, 1);
  }
  return opts;
}

const ROOT = join(__dirname, '..');
/** The server is measured exactly as `npm start` runs it (its V8 heap flags included). */
const START_ARGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).slice(1);
const ADMIN_PASSWORD = 'bench-admin-password';
/** The resource server both servers issue JWT access tokens for. */
const JWT_RESOURCE = 'https://api.bench.example';
/** innodb_buffer_pool_size for runs with 10^6 stored tokens (1 GiB). */
const SEEDED_BUFFER_POOL = 1024 * 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startProcess(args: string[], env: Record<string, string>, readyPath: string | null, cwd = ROOT): Promise<Proc> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ISSUER: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited:\n${out}`);
    if (
      readyPath === null
        ? out.includes('ready')
        : await fetch(url + readyPath).then(
            (r) => r.ok,
            () => false,
          )
    )
      break;
    if (Date.now() > deadline) throw new Error(`process did not start:\n${out}`);
    await sleep(100);
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** How long the backends' background CPU is sampled before each measured window. */
const BACKGROUND_SAMPLE_MS = 1000;

/** CPU seconds of one thread of a process, from /proc/<pid>/task/<tid>/stat; null when it is gone. */
function threadCpuSeconds(pid: number, tid: number): number | null {
  return cpuSeconds(`${pid}/task/${tid}`);
}

/**
 * The CPU a backend spends for the bench over a window: `begin()` starts the window, the function it
 * returns ends it and gives the CPU seconds (null when it cannot be read).
 */
type CpuMeter = () => Promise<() => Promise<number | null>>;

/**
 * A process another client may use too (redis-server): its CPU over the window less what it burned
 * at the same rate in the second before, with the bench idle. Only a steady background is removed.
 */
function sharedProcessMeter(pid: number): CpuMeter {
  return async () => {
    const idleFrom = cpuSeconds(pid);
    const idleStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, BACKGROUND_SAMPLE_MS));
    const from = cpuSeconds(pid);
    const start = performance.now();
    const rate = idleFrom === null || from === null ? null : (from - idleFrom) / (start - idleStart);
    return async () => {
      const to = cpuSeconds(pid);
      return rate === null || from === null || to === null ? null : Math.max(0, to - from - rate * (performance.now() - start));
    };
  };
}

/**
 * MariaDB (one thread per connection): the threads of the connections to the bench's database,
 * each from its own /proc/<pid>/task/<tid>/stat (information_schema.PROCESSLIST.TID), exactly,
 * whoever else uses the server; plus its own threads (InnoDB's log writer, purge, page cleaner),
 * which work for every client, less their background rate as for a shared process.
 */
function mariadbMeter(pid: number, database: string): CpuMeter {
  const connectionThreads = async (): Promise<{ ours: number[]; all: Set<number> }> => {
    const mysql = await import('mysql2/promise');
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
    try {
      const [rows] = (await c.query('SELECT DB AS db, TID AS tid FROM information_schema.PROCESSLIST')) as unknown as [{ db: string | null; tid: number }[]];
      return { ours: rows.filter((r) => r.db === database).map((r) => Number(r.tid)), all: new Set(rows.map((r) => Number(r.tid))) };
    } finally {
      await c.end();
    }
  };
  const ownThreads = (all: Set<number>) =>
    readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .filter((tid) => !all.has(tid));
  const sum = (tids: number[], cpu: Map<number, number>) => tids.reduce((total, tid) => total + (cpu.get(tid) ?? 0), 0);
  const read = (tids: number[]) => new Map(tids.flatMap((tid) => ((c) => (c === null ? [] : [[tid, c] as [number, number]]))(threadCpuSeconds(pid, tid))));
  return async () => {
    const threads = await connectionThreads();
    const own = ownThreads(threads.all);
    const idleFrom = read(own);
    const idleStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, BACKGROUND_SAMPLE_MS));
    const ownFrom = read(own);
    const start = performance.now();
    const rate = (sum(own, ownFrom) - sum(own, idleFrom)) / (start - idleStart);
    const oursFrom = read((await connectionThreads()).ours);
    return async () => {
      const ours = (await connectionThreads()).ours;
      const oursTo = read(ours);
      // A connection opened during the window counts from zero.
      const connections = ours.reduce((total, tid) => total + (oursTo.get(tid) ?? 0) - (oursFrom.get(tid) ?? 0), 0);
      const background = Math.max(0, sum(own, read(own)) - sum(own, ownFrom) - rate * (performance.now() - start));
      return connections + background;
    };
  };
}

/**
 * Peak resident memory of a process, sampled every 100 ms while `during` runs, and the CPU time it
 * used meanwhile (Linux /proc). CPU per request is steadier than req/s on a shared VM. `backends`
 * measure the database and cache the requests make work, reported apart.
 */
async function withProcessStats<T>(
  pid: number | undefined,
  during: () => Promise<T>,
  backends: readonly CpuMeter[] = [],
): Promise<{ result: T; rssMb: number | null; cpuSeconds: number | null; backendCpuSeconds: number | null }> {
  let peak = 0;
  const sample = () => {
    const mb = residentMb(pid);
    if (mb !== null) peak = Math.max(peak, mb);
  };
  const ends = await Promise.all(backends.map((begin) => begin()));
  const cpuBefore = cpuSeconds(pid);
  const timer = setInterval(sample, 100);
  try {
    const result = await during();
    sample();
    const cpuAfter = cpuSeconds(pid);
    const backend = await Promise.all(ends.map((end) => end()));
    return {
      result,
      rssMb: peak ? Math.round(peak) : null,
      cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      backendCpuSeconds: backend.some((b) => b === null) ? null : backend.reduce<number>((a, b) => a + b!, 0),
    };
  } finally {
    clearInterval(timer);
  }
}

interface Scenario {
  name: string;
  target: 'ours' | 'oidc-provider' | 'oidc-provider (redis)' | 'bare-http';
  requests: autocannon.Request[];
  /** For scenarios with single-use inputs: stop after this many requests. */
  amount?: number;
  /** The database and cache the requests make work (mariadbd, redis-server): their CPU is reported apart. */
  backends?: CpuMeter[];
  connections?: number;
  /** Requests per second for the whole run (autocannon's overallRate); unset: as fast as the server answers. */
  rate?: number;
}

interface Result {
  name: string;
  target: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  rssMb: number | null;
  /** Server CPU time per answered request, in microseconds. */
  cpuUsPerRequest: number | null;
  /** The same with the CPU of the database and cache processes (backendPids) added; null when none is counted. */
  cpuWithBackendUsPerRequest?: number | null;
}

async function measure(url: string, scenario: Scenario, opts: Options, pid?: number): Promise<Result> {
  // When the first request left and the last answer came: autocannon's own `duration` ends at the
  // whole-second tick after the last answer, so a run of `amount` requests would be timed in whole seconds.
  let started = 0;
  let answered = 0;
  const {
    result,
    rssMb,
    cpuSeconds: cpu,
    backendCpuSeconds,
  } = await withProcessStats(
    pid,
    () => {
      started = performance.now();
      // autocannon answers an EventEmitter that is also a promise of the result (its typings give only the promise).
      const run = autocannon({
        url,
        connections: scenario.connections ?? opts.connections,
        duration: opts.duration,
        amount: scenario.amount,
        requests: scenario.requests,
        ...(scenario.rate ? { overallRate: scenario.rate } : {}),
      }) as Promise<autocannon.Result> & Partial<NodeJS.EventEmitter>;
      run.on?.('response', () => (answered = performance.now()));
      return run;
    },
    scenario.backends ?? opts.backends,
  );
  const perRequest = (seconds: number | null) => (seconds === null || result.requests.total === 0 ? null : Math.round((seconds * 1e6) / result.requests.total));
  const counted = (scenario.backends ?? opts.backends).length > 0;
  return {
    name: scenario.name,
    target: scenario.target,
    // A run that ends after `amount` requests lasts a few seconds: autocannon's mean of whole-second
    // buckets, and its duration, would round it to amount / whole seconds, so it is timed from the first
    // request to the last answer instead.
    requestsPerSec:
      scenario.amount === undefined || answered <= started
        ? Math.round(result.requests.average)
        : Math.round(result.requests.total / ((answered - started) / 1000)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
    rssMb,
    cpuUsPerRequest: perRequest(cpu),
    cpuWithBackendUsPerRequest: counted && cpu !== null && backendCpuSeconds !== null ? perRequest(cpu + backendCpuSeconds) : null,
  };
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

/** The next of a list of single-use inputs on each call; 'exhausted' (refused by the server) once they are used up. */
const shift = (list: string[]) => () => list.shift() ?? 'exhausted';

/** A form POST for autocannon: a fixed body, or one made per request (single-use inputs). */
function formPost(path: string, body: string | (() => string), headers: Record<string, string>): autocannon.Request {
  return {
    method: 'POST',
    path,
    headers,
    ...(typeof body === 'string' ? { body } : { setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }),
  };
}

/**
 * A DPoP proof maker (RFC 9449 §4.2) for one ES256 key: a fresh jti each call, signed synchronously
 * (autocannon's setupRequest cannot wait), so every request of a run carries a proof never seen before.
 */
function dpopProofs(htu: string): () => string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })).toString('base64url');
  return () => {
    const claims = Buffer.from(JSON.stringify({ jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000) })).toString('base64url');
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${header}.${claims}.${signature.toString('base64url')}`;
  };
}
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function http(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: Record<string, string>; location: string | null; setCookie: string[] }> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    redirect: 'manual',
    ...rest,
    ...(json !== undefined ? { body: JSON.stringify(json), headers: { 'content-type': 'application/json', ...(rest.headers as Record<string, string>) } } : {}),
  });
  const text = await res.text();
  let body: Record<string, string> = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, body, location: res.headers.get('location'), setCookie: res.headers.getSetCookie() };
}

/**
 * The management API of the server at `url`, as the administrator (admin-cli's password grant),
 * with the resource server whose RFC 9068 JWT access tokens the runs ask for (the peer's resource
 * indicator too). Resolves with a function that POSTs JSON to a path and gives the answer's body.
 */
async function adminWithJwtResource(url: string, opts: Options): Promise<(path: string, json: unknown) => Promise<Record<string, string>>> {
  const token = (
    await http(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: ADMIN_PASSWORD, scope: 'admin' }),
    })
  ).body.access_token;
  const post = async (path: string, json: unknown) =>
    (await http(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, json })).body;
  await post('/admin/resources', {
    identifier: JWT_RESOURCE,
    name: 'Bench API',
    scope: 'read',
    access_token_format: 'jwt',
    access_token_signing_alg: opts.jwtAlg,
  });
  return post;
}

/** Runs `count` jobs with at most `parallel` in flight. */
async function pool<T>(count: number, parallel: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await job(i);
      }
    }),
  );
  return out;
}

/** argon2id hashes per second on all cores (the password grant's ceiling). */
async function argon2Rate(seconds: number): Promise<number> {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: cpus().length }, async () => {
      while (Date.now() < end) {
        await hash('bench-password', { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
        done++;
      }
    }),
  );
  return Math.round(done / seconds);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  if (opts.build) execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
  // Three instances on a three-node Galera cluster, paired against three on one MariaDB (bench/galera.ts).
  if (opts.db === 'galera') return galeraBench({ duration: opts.duration, rounds: opts.rounds, connections: opts.connections, redis: opts.redis });

  // Database.
  let dbEnv: Record<string, string>;
  let dropDb = async () => undefined as void;
  let bufferPool = 0;
  const dbNote = () =>
    opts.db === 'mysql'
      ? `MariaDB innodb_buffer_pool_size ${Math.round((opts.seedTokens > 0 ? Math.max(bufferPool, SEEDED_BUFFER_POOL) : bufferPool) / 2 ** 20)} MiB.`
      : opts.db === 'postgres'
        ? 'PostgreSQL on local disk, default settings.'
        : 'SQLite (WAL) on local disk.';
  if (opts.db === 'mysql') {
    const mysql = await import('mysql2/promise');
    const name = `oauth_bench_${Date.now()}`;
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    // A database that stores 10^6 tokens is sized for them: the hot indexes must fit the buffer pool
    // (MariaDB's default is 128 MiB; see docs/operations.md, Sizing). Restored when the run ends.
    const [[pool]] = (await conn.query('SELECT @@GLOBAL.innodb_buffer_pool_size AS size')) as unknown as [{ size: string }[]];
    bufferPool = Number(pool.size);
    if (opts.seedTokens > 0 && bufferPool < SEEDED_BUFFER_POOL) await conn.query(`SET GLOBAL innodb_buffer_pool_size = ${SEEDED_BUFFER_POOL}`);
    await conn.end();
    dbEnv = mysqlBenchEnv(name);
    dropDb = async () => {
      const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      if (opts.seedTokens > 0 && bufferPool < SEEDED_BUFFER_POOL) await c.query(`SET GLOBAL innodb_buffer_pool_size = ${bufferPool}`);
      await c.end();
    };
  } else if (opts.db === 'postgres') {
    if (opts.seedTokens > 0) throw new Error('--seed-tokens is implemented for MariaDB and SQLite only');
    const { Client } = await import('pg');
    const name = `oauth_bench_${Date.now()}`;
    const server = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'postgres' };
    const asAdmin = async (statement: string) => {
      const c = new Client(server);
      await c.connect();
      try {
        await c.query(statement);
      } finally {
        await c.end();
      }
    };
    await asAdmin(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    dbEnv = {
      DB_TYPE: 'postgres',
      DB_HOST: server.host,
      DB_PORT: String(server.port),
      DB_USERNAME: server.user,
      DB_PASSWORD: server.password,
      DB_NAME: name,
      KEY_ENCRYPTION_SECRET: 'bench-key-encryption-secret-32-characters',
    };
    dropDb = () => asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } else {
    const dir = join(ROOT, 'data', `bench-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    dbEnv = { DB_TYPE: 'sqlite', DB_PATH: join(dir, 'bench.sqlite') };
  }
  // Interrupted (Ctrl-C, a CI timeout): drop the database and restore the buffer pool all the same.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void dropDb().finally(() => process.exit(130)));
  }

  // MariaDB's and Redis's CPU count with ours in the "with database/cache" figures (PostgreSQL's
  // process per connection, and SQLite inside the server, are not counted apart).
  const mariadbPid = opts.db === 'mysql' ? await mariadbServerPid() : null;
  if (opts.db === 'mysql' && mariadbPid === null) console.warn('MariaDB pid not found (@@pid_file): its CPU is not counted');
  const redisPid = opts.redis ? redisServerPid() : null;
  opts.backends = [...(mariadbPid !== null ? [mariadbMeter(mariadbPid, dbEnv.DB_NAME)] : []), ...(redisPid !== null ? [sharedProcessMeter(redisPid)] : [])];
  const serverEnv = {
    ...dbEnv,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    // Metrics on, as shipped, on a port of their own (9000 may be taken on a shared machine).
    MANAGEMENT_PORT: String(await freePort()),
    RATE_LIMIT_TOKEN_PER_MINUTE: '0',
    RATE_LIMIT_AUTHORIZE_PER_MINUTE: '0',
    RATE_LIMIT_LOGIN_PER_MINUTE: '0',
    LOGIN_SESSION_TTL: '86400',
    // Codes are minted minutes before their scenario runs: the longest lifetime allowed (the peer's too).
    AUTHORIZATION_CODE_TTL: '600',
    CLEANUP_INTERVAL_SECONDS: '0',
    ...(opts.redis ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `bench-${Date.now()}:` } : {}),
  };
  if (opts.soak > 0) {
    try {
      process.exitCode = (await soak(opts, started, serverEnv)) ? 0 : 1;
    } finally {
      await dropDb();
    }
    return;
  }
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const profileDir = join(ROOT, 'bench', 'results', 'profiles', stamp);
  baselineProfileDir = `${profileDir}-baseline`;
  baselineHeapDir = join(ROOT, 'bench', 'results', 'heap', stamp);
  const server = await startProcess([...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...START_ARGS], serverEnv, '/health/ready');
  const results: Result[] = [];
  const paired: Paired[] = [];
  const hashRates: number[] = [];
  let explain: string[] = [];
  // Single-use inputs each peer mints for its redemption scenarios (as many as ours; none without them).
  let peerPool: SingleUsePool = { perRun: 0, total: 0 };
  try {
    // Fixtures through the admin API.
    const admin = await adminWithJwtResource(server.url, opts);
    const app = await admin('/admin/applications', {
      client_name: 'Bench',
      redirect_uris: ['http://127.0.0.1/cb'],
      grant_types: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
      scope: 'openid read write',
      resources: [JWT_RESOURCE],
    });
    const user = { username: 'bench-user', password: 'bench-user-password' };
    await admin('/admin/users', user);
    // Password grants log many users in (one account is allowed only LOGIN_MAX_FAILURES checks at once).
    const loginUsers = await pool(64, 8, async (i) => {
      const u = { username: `bench-login-${i}`, password: 'bench-user-password' };
      await admin('/admin/users', u);
      return u;
    });
    let loginTurn = 0;
    const nextLogin = () => form({ grant_type: 'password', ...loginUsers[loginTurn++ % loginUsers.length] });
    // A private_key_jwt application (ES256): each request signs a fresh assertion in this process, so
    // the server's CPU per request shows what verifying it and claiming its jti cost.
    const assertionKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyedApp = await admin('/admin/applications', {
      client_name: 'Bench private_key_jwt',
      grant_types: ['client_credentials'],
      scope: 'read write',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...assertionKey.publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256' }] },
    });
    const tokenUrl = `${server.url}/oauth2/token`;
    const nextAssertion = () =>
      form({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion(assertionKey.privateKey, keyedApp.client_id, tokenUrl),
      });
    const clientAuth = basic(app.client_id, app.client_secret);
    const tokenHeaders = { authorization: clientAuth, 'content-type': 'application/x-www-form-urlencoded' };

    // One browser session that has consented: each GET /authorize then returns a fresh code.
    const loginPage = await http(`${server.url}/oauth2/authorize?response_type=code&client_id=${app.client_id}&scope=read`);
    const csrfCookie = loginPage.setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('oauth_csrf='))!;
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(loginPage.body.text)![1];
    const loggedIn = await http(`${server.url}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
      body: form({ response_type: 'code', client_id: app.client_id, scope: 'openid read', csrf_token: csrf, action: 'login', ...user }),
    });
    const session = loggedIn.setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('oauth_session='))!;
    // The consent page's CSRF token is bound to the session that sign-in started, not the login page's.
    const consentCsrf = /name="csrf_token" value="([^"]+)"/.exec(loggedIn.body.text)![1];
    await http(`${server.url}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${csrfCookie}; ${session}` },
      body: form({ response_type: 'code', client_id: app.client_id, scope: 'openid read', csrf_token: consentCsrf, action: 'approve' }),
    });
    const mintCode = async (scope = 'read') => {
      const res = await http(`${server.url}/oauth2/authorize?response_type=code&client_id=${app.client_id}&scope=${encodeURIComponent(scope)}&nonce=n`, {
        headers: { cookie: session },
      });
      const code = res.location ? new URL(res.location).searchParams.get('code') : null;
      if (!code) throw new Error(`no code: ${res.status}`);
      return code;
    };
    const redeem = async (code: string) =>
      (await http(`${server.url}/oauth2/token`, { method: 'POST', headers: tokenHeaders, body: form({ grant_type: 'authorization_code', code }) })).body;

    if (opts.seedTokens > 0) {
      console.log(`seeding ${opts.seedTokens} tokens in bulk...`);
      await seedTokens(dbEnv, app.client_id, opts.seedTokens);
      explain = await explainHotQueries(dbEnv);
    }

    // Inputs that can be used once: sized for the expected rate, and the run stops when they run out.
    const selected = (name: string) => opts.only.length === 0 || opts.only.includes(name);
    const singleUse = selected('refresh_token') || selected('authorization_code') || selected('authorization_code (openid)');
    // A full run of one scenario takes perRun of them (autocannon's amount: it ends when they are
    // used, so a fast server is not handed "exhausted" inputs); the paired rounds against the peer in
    // Redis take pairedRedemptions(opts) more.
    const perRun = !singleUse ? 20 : opts.smoke ? 300 : Math.max(2000, opts.duration * 2500);
    const poolSize = perRun + (singleUse && opts.peers && opts.redis ? pairedRedemptions(opts) * opts.rounds : 0);
    peerPool = singleUse ? { perRun, total: poolSize } : { perRun: 0, total: 0 };
    console.log(`minting ${poolSize} codes and ${poolSize} refresh tokens through the authorize flow...`);
    // Codes last: they expire (AUTHORIZATION_CODE_TTL), refresh tokens do not within a run.
    const refreshTokens = (await pool(poolSize, 16, async () => redeem(await mintCode()))).map((t) => t.refresh_token);
    const openidCodes = await pool(selected('authorization_code (openid)') ? perRun : 20, 16, () => mintCode('openid read'));
    const codes = await pool(selected('authorization_code') ? poolSize : 20, 16, () => mintCode());
    const live = await redeem(await mintCode());
    const cc = (await http(`${server.url}/oauth2/token`, { method: 'POST', headers: tokenHeaders, body: form({ grant_type: 'client_credentials' }) })).body
      .access_token;
    // A JWT access token (for the bench resource server): introspected from its signature and the revocations, not a row.
    const ccJwt = (
      await http(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: tokenHeaders,
        body: form({ grant_type: 'client_credentials', resource: JWT_RESOURCE }),
      })
    ).body.access_token;

    const nextProof = dpopProofs(`${server.url}/oauth2/token`);
    const nextCode = shift(codes);
    const nextOpenidCode = shift(openidCodes);
    const nextRefresh = shift(refreshTokens);
    const post = (path: string, body: string | (() => string), headers: Record<string, string> = tokenHeaders) => formPost(path, body, headers);
    const ours: Scenario[] = [
      { name: 'client_credentials', target: 'ours', requests: [post('/oauth2/token', form({ grant_type: 'client_credentials' }))] },
      {
        name: 'client_credentials (private_key_jwt)',
        target: 'ours',
        requests: [post('/oauth2/token', nextAssertion, { 'content-type': 'application/x-www-form-urlencoded' })],
      },
      {
        // RFC 9449: the same request with a DPoP proof (ES256, its jti claimed in the replay cache).
        name: 'client_credentials (dpop)',
        target: 'ours',
        requests: [
          {
            method: 'POST',
            path: '/oauth2/token',
            body: form({ grant_type: 'client_credentials' }),
            setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...tokenHeaders, dpop: nextProof() } }),
          },
        ],
      },
      {
        name: 'client_credentials (jwt)',
        target: 'ours',
        requests: [post('/oauth2/token', form({ grant_type: 'client_credentials', resource: JWT_RESOURCE }))],
      },
      { name: 'introspection', target: 'ours', requests: [post('/oauth2/introspect', form({ token: cc }))] },
      { name: 'introspection (jwt)', target: 'ours', requests: [post('/oauth2/introspect', form({ token: ccJwt }))] },
      { name: 'GET /me', target: 'ours', requests: [{ method: 'GET', path: '/me', headers: { authorization: `Bearer ${live.access_token}` } }] },
      {
        name: 'refresh_token',
        target: 'ours',
        amount: Math.min(perRun, refreshTokens.length),
        requests: [post('/oauth2/token', () => form({ grant_type: 'refresh_token', refresh_token: nextRefresh() }))],
      },
      {
        name: 'authorization_code',
        target: 'ours',
        amount: Math.min(perRun, codes.length),
        requests: [post('/oauth2/token', () => form({ grant_type: 'authorization_code', code: nextCode() }))],
      },
      // The OpenID Connect code flow: the same redemption plus an RS256-signed ID Token.
      {
        name: 'authorization_code (openid)',
        target: 'ours',
        amount: Math.min(perRun, openidCodes.length),
        requests: [post('/oauth2/token', () => form({ grant_type: 'authorization_code', code: nextOpenidCode() }))],
      },
      { name: 'password', target: 'ours', connections: Math.min(opts.connections, 16), requests: [post('/oauth2/token', nextLogin)] },
      {
        name: 'mixed (cc, introspect, /me)',
        target: 'ours',
        requests: [
          post('/oauth2/token', form({ grant_type: 'client_credentials' })),
          post('/oauth2/introspect', form({ token: cc })),
          { method: 'GET', path: '/me', headers: { authorization: `Bearer ${live.access_token}` } },
        ],
      },
    ];

    // Warm-up (JIT, pools, caches).
    await autocannon({
      url: server.url,
      connections: 10,
      duration: opts.smoke ? 1 : 3,
      requests: [post('/oauth2/token', form({ grant_type: 'client_credentials' }))],
    });
    for (const scenario of ours.filter((s) => selected(s.name))) {
      // The password grant is compared with the argon2id rate measured right before and right after
      // it (the server idle meanwhile): the VM's speed drifts within minutes.
      const isPassword = scenario.name === 'password';
      const rateBefore = isPassword ? await argon2Rate(opts.smoke ? 1 : 3) : 0;
      const r = await measure(server.url, scenario, opts, server.child.pid);
      if (isPassword) hashRates.push(rateBefore, await argon2Rate(opts.smoke ? 1 : 3));
      results.push(r);
      console.log(
        `${r.name}: ${r.requestsPerSec} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, RSS ${r.rssMb} MB, CPU ${r.cpuUsPerRequest} µs/req (with database/cache ${r.cpuWithBackendUsPerRequest ?? 'n/a'})`,
      );
    }

    if (opts.observability) {
      const ccScenario = ours.find((s) => s.name === 'client_credentials')!;
      const overhead = await observabilityCost(serverEnv, ccScenario, opts, (url) =>
        autocannon({ url, connections: 10, duration: opts.smoke ? 1 : 3, requests: ccScenario.requests }),
      );
      results.push(...overhead);
    }

    if (opts.clientAuthCost) {
      const names = ['client_credentials', 'client_credentials (private_key_jwt)', 'client_credentials (dpop)'];
      results.push(
        ...(await clientAuthCost(
          server,
          names.map((name) => ours.find((s) => s.name === name)!),
          opts,
        )),
      );
    }

    if (opts.baseline) {
      const compared = ours.filter((s) => ['client_credentials', 'client_credentials (jwt)', 'introspection'].includes(s.name) && selected(s.name));
      results.push(
        ...(await baselineComparison(opts.baseline, serverEnv, server, compared, opts, async (url) => {
          for (const s of compared) await autocannon({ url, connections: opts.connections, duration: opts.smoke ? 1 : 3, requests: s.requests });
        })),
      );
    }

    // client_credentials p99 while password grants run: hashing must not stall the event loop.
    if (selected('password')) {
      const [under, pw] = await Promise.all([
        measure(
          server.url,
          {
            name: 'client_credentials during password grants',
            target: 'ours',
            connections: 10,
            requests: [post('/oauth2/token', form({ grant_type: 'client_credentials' }))],
          },
          opts,
          server.child.pid,
        ),
        measure(server.url, { name: 'password (concurrent)', target: 'ours', connections: 8, requests: [post('/oauth2/token', nextLogin)] }, opts),
      ]);
      // The server's CPU time here is both scenarios' (hashing included): no per-request figure.
      results.push({ ...under, cpuUsPerRequest: null }, pw);
      console.log(`client_credentials while password grants run: p99 ${under.p99} ms (${under.requestsPerSec} req/s; password ${pw.requestsPerSec} req/s)`);
    }

    // Paired rounds: ours and oidc-provider alternate in short runs, so a slow spell of this shared
    // VM (the req/s of the same code drifts between runs) lands on both sides of each ratio. Against
    // the peer in memory: the scenarios it serves from memory; against the peer in Redis (its
    // production set-up): client_credentials and the redemptions of single-use inputs.
    if (opts.peers && opts.rounds > 0) {
      const pairings: [PeerStore, string[]][] = [
        ['memory', ['client_credentials', 'introspection', 'client_credentials (jwt)']],
        ...(opts.redis ? [['redis', ['client_credentials', 'refresh_token', 'authorization_code']] as [PeerStore, string[]]] : []),
      ];
      for (const [store, names] of pairings) {
        const chosen = names.filter(selected);
        if (chosen.length === 0) continue;
        const peer = await startPeer(opts.smoke ? 1 : 3, opts.jwtAlg, store, peerPool);
        try {
          for (const name of chosen) {
            // Single-use inputs: each side redeems the same number per round, and req/s is compared.
            const perRound = (s: Scenario): Scenario => (s.amount === undefined ? s : { ...s, amount: pairedRedemptions(opts) });
            const mine = perRound(ours.find((s) => s.name === name)!);
            const theirs = perRound(peer.scenarios.find((s) => s.name === name)!);
            const label = store === 'memory' ? name : `${name} vs ${theirs.target}`;
            const ratios: number[] = [];
            const short = { ...opts, duration: pairedSeconds(opts) };
            for (let round = 0; round < opts.rounds; round++) {
              // Who goes first alternates, so a drift within a round does not always favour one side.
              const ourTurn = () => measure(server.url, mine, short, server.child.pid);
              const peerTurn = () => measure(peer.url, theirs, short, peer.child.pid);
              let a: Result;
              let b: Result;
              if (round % 2 === 0) {
                a = await ourTurn();
                b = await peerTurn();
              } else {
                b = await peerTurn();
                a = await ourTurn();
              }
              if (a.non2xx + a.errors + b.non2xx + b.errors > 0) {
                // Kept in the results, so the run is written and then reported as failed.
                results.push({ ...a, name: `${label} (paired round ${round + 1})` }, { ...b, name: `${label} (paired round ${round + 1})` });
                continue;
              }
              ratios.push(a.requestsPerSec / b.requestsPerSec);
            }
            if (ratios.length > 0) paired.push({ name: label, ratios });
            console.log(`paired ${label}: ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
          }
        } finally {
          await peer.stop();
        }
      }
    }
  } finally {
    await server.stop();
    await dropDb();
  }
  // With one scenario, only its measured window counts (the server stops right after it); with a
  // baseline, the last paired round of each build (run the baseline comparison with --rounds 1).
  if (opts.profile && opts.baseline) {
    for (const [which, dir] of [
      ['this build', profileDir],
      ['baseline', baselineProfileDir],
    ]) {
      console.log(`\n${which}:\n${summariseProfiles(dir, 40, pairedSeconds(opts)).join('\n')}\n`);
    }
  } else if (opts.profile) console.log(`\n${summariseProfiles(profileDir, 25, opts.only.length === 1 ? opts.duration : undefined).join('\n')}\n`);
  if (!opts.peers) {
    writeResults(opts, started, results, paired, hashRates, explain, dbNote());
    return;
  }

  // Peers, one at a time, same machine, same load generator; with Redis, also the peer stored in Redis.
  for (const store of opts.redis ? (['memory', 'redis'] as const) : (['memory'] as const)) {
    const peer = await startPeer(opts.smoke ? 1 : 3, opts.jwtAlg, store, peerPool);
    try {
      for (const scenario of peer.scenarios) {
        const r = await measure(peer.url, scenario, opts, peer.child.pid);
        results.push(r);
        console.log(
          `${r.target} ${r.name}: ${r.requestsPerSec} req/s, p99 ${r.p99} ms, ${r.cpuUsPerRequest} CPU µs/req (with cache ${r.cpuWithBackendUsPerRequest ?? 'n/a'})`,
        );
      }
    } finally {
      await peer.stop();
    }
  }
  const bare = await startProcess(['bench/peers/bare-http.mjs'], {}, null);
  try {
    const r = await measure(
      bare.url,
      { name: 'fixed 200-byte JSON', target: 'bare-http', requests: [{ method: 'POST', path: '/', body: 'x' }], backends: [] },
      opts,
      bare.child.pid,
    );
    results.push(r);
    console.log(`bare http: ${r.requestsPerSec} req/s, p99 ${r.p99} ms`);
  } finally {
    await bare.stop();
  }
  writeResults(opts, started, results, paired, hashRates, explain, dbNote());
  const failed = results.filter((r) => r.non2xx > 0 || r.errors > 0);
  if (failed.length > 0) {
    console.error(`FAILED: scenarios with errors: ${failed.map((r) => `${r.target}/${r.name} (${r.non2xx} non-2xx, ${r.errors} errors)`).join(', ')}`);
    process.exit(1);
  }
}

/** RSS above which the soak fails, and the growth after its warm-up it tolerates. */
const SOAK_RSS_LIMIT_MB = 300;
const SOAK_GROWTH_LIMIT = 0.1;
const SOAK_SAMPLE_SECONDS = 10;

/** Resident memory of a process in MB, to a tenth; null when it cannot be read. */
function rssMb(pid: number | undefined): number | null {
  const mb = residentMb(pid);
  return mb === null ? null : Math.round(mb * 10) / 10;
}

/**
 * The memory soak (--soak N): two instances on one database (and Redis), N seconds of mixed load
 * spread over both (client_credentials with opaque and with JWT access tokens, introspection of
 * each, refresh with rotation, /me), each instance's RSS sampled every 10 s once a warm-up (a
 * tenth of N, 10-60 s) is over. Fails when an instance's peak RSS in the second half of the
 * samples is more than 10 % above its peak in the first half, or any sample exceeds 300 MB. True
 * when it passed.
 */
async function soak(opts: Options, started: Date, serverEnv: Record<string, string>): Promise<boolean> {
  const warmup = Math.min(60, Math.max(10, Math.round(opts.soak / 10)));
  const stem = `${started.toISOString().replace(/[:.]/g, '-')}-${opts.db}${opts.redis ? '' : '-no-redis'}-soak`;
  const heapDir = join(ROOT, 'bench', 'results', 'heap', stem);
  const instances: Proc[] = [];
  for (const i of [0, 1]) {
    const flags = opts.heapSnapshots && i === 0 ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapDir}`] : [];
    if (flags.length > 0) mkdirSync(heapDir, { recursive: true });
    instances.push(await startProcess([...flags, ...START_ARGS], { ...serverEnv, MANAGEMENT_PORT: String(await freePort()) }, '/health/ready'));
  }
  const [a] = instances;
  const counts: Record<string, number> = {};
  const series: { second: number; rssMb: (number | null)[] }[] = [];
  try {
    const admin = await adminWithJwtResource(a.url, opts);
    const app = await admin('/admin/applications', {
      client_name: 'Soak',
      grant_types: ['refresh_token', 'password', 'client_credentials'],
      scope: 'openid read',
      resources: [JWT_RESOURCE],
    });
    const headers = { authorization: basic(app.client_id, app.client_secret), 'content-type': 'application/x-www-form-urlencoded' };
    const workers = 8;
    const users = await pool(workers, 4, async (i) => {
      const user = { username: `soak-${i}`, password: 'soak-user-password' };
      await admin('/admin/users', user);
      return user;
    });
    const call = async (name: string, url: string, init: RequestInit): Promise<Record<string, string>> => {
      const res = await http(url, init);
      const key = `${name} ${res.status}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return res.body;
    };
    const token = (url: string, name: string, fields: Record<string, string>) =>
      call(name, `${url}/oauth2/token`, { method: 'POST', headers, body: form(fields) });
    const introspect = (url: string, name: string, value: string) =>
      call(name, `${url}/oauth2/introspect`, { method: 'POST', headers, body: form({ token: value }) });
    const startedAt = Date.now();
    const end = startedAt + opts.soak * 1000;
    const load = Promise.all(
      users.map(async (user, i) => {
        // Each worker keeps one refresh-token family, rotating it on both instances in turn.
        let refresh = (await token(instances[i % 2].url, 'password', { grant_type: 'password', scope: 'openid read', ...user })).refresh_token;
        for (let turn = 0; Date.now() < end; turn++) {
          const here = instances[(i + turn) % 2].url;
          const there = instances[(i + turn + 1) % 2].url;
          const opaque = (await token(here, 'client_credentials', { grant_type: 'client_credentials', scope: 'read' })).access_token;
          const jwt = (await token(here, 'client_credentials (jwt)', { grant_type: 'client_credentials', scope: 'read', resource: JWT_RESOURCE })).access_token;
          await introspect(there, 'introspection', opaque ?? 'none');
          await introspect(there, 'introspection (jwt)', jwt ?? 'none');
          const refreshed = await token(here, 'refresh_token', { grant_type: 'refresh_token', refresh_token: refresh });
          if (refreshed.refresh_token) refresh = refreshed.refresh_token;
          await call('GET /me', `${there}/me`, { headers: { authorization: `Bearer ${refreshed.access_token ?? 'none'}` } });
        }
      }),
    );
    const snapshot = async (label: string) => {
      if (!opts.heapSnapshots) return;
      await heapSnapshots([a]);
      console.log(`soak: heap snapshot ${label} written (${heapDir})`);
    };
    const sampling = (async () => {
      await sleep(warmup * 1000);
      await snapshot('after the warm-up');
      while (Date.now() < end) {
        const sample = { second: Math.round((Date.now() - startedAt) / 1000), rssMb: instances.map((p) => rssMb(p.child.pid)) };
        series.push(sample);
        console.log(`soak ${sample.second} s: RSS ${sample.rssMb.map((mb) => `${mb} MB`).join(', ')}`);
        await sleep(Math.min(SOAK_SAMPLE_SECONDS * 1000, Math.max(0, end - Date.now())));
      }
      series.push({ second: Math.round((Date.now() - startedAt) / 1000), rssMb: instances.map((p) => rssMb(p.child.pid)) });
    })();
    await Promise.all([load, sampling]);
    await snapshot('at the end');
  } finally {
    for (const p of instances) await p.stop();
  }
  const verdicts = [0, 1].map((i) => {
    const values = series.map((s) => s.rssMb[i]).filter((v): v is number => v !== null);
    // RSS saws by tens of MB over minutes: V8 lets the heap grow to a limit set from what survived
    // the last major GC, then collects and gives pages back. A leak raises that ceiling, so the
    // peaks of the two halves are compared; single samples would depend on the phase of the saw.
    const half = Math.max(1, Math.floor(values.length / 2));
    const first = values.length > 0 ? Math.max(...values.slice(0, half)) : 0;
    const last = values.length > 0 ? Math.max(...values.slice(half)) : 0;
    const peak = Math.max(...values);
    const growth = first > 0 ? last / first - 1 : 0;
    return { instance: i === 0 ? 'A' : 'B', first, last, peak, growth, passed: values.length > 1 && growth <= SOAK_GROWTH_LIMIT && peak <= SOAK_RSS_LIMIT_MB };
  });
  const failedRequests = Object.entries(counts).filter(([key]) => !/ 200$/.test(key));
  const passed = verdicts.every((v) => v.passed) && failedRequests.length === 0;
  const lines = [
    `# Memory soak ${started.toISOString()} (${opts.db}${opts.redis ? ' + Redis' : ''}, ${opts.soak} s, two instances)`,
    '',
    `Command: \`npm run bench -- --soak ${opts.soak}${opts.db === 'mysql' ? '' : ` --db ${opts.db}`}${opts.redis ? '' : ' --no-redis'}\`. Warm-up ${warmup} s, then RSS every ${SOAK_SAMPLE_SECONDS} s. Load: 8 workers, each in turn on both instances: client_credentials (opaque, JWT), introspection of each on the other instance, refresh with rotation, /me.`,
    '',
    `Requests: ${Object.entries(counts)
      .map(([key, n]) => `${key}: ${n}`)
      .join(', ')}.`,
    '',
    '| instance | peak RSS, first half MB | peak RSS, second half MB | peak MB | growth | verdict |',
    '|---|---|---|---|---|---|',
    ...verdicts.map((v) => `| ${v.instance} | ${v.first} | ${v.last} | ${v.peak} | ${(v.growth * 100).toFixed(1)} % | ${v.passed ? 'pass' : 'FAIL'} |`),
    '',
    `Fails when an instance's peak RSS in the second half of the samples is more than ${SOAK_GROWTH_LIMIT * 100} % above its peak in the first half (RSS saws between major GCs; a leak raises the peaks), a sample exceeds ${SOAK_RSS_LIMIT_MB} MB, or a request fails.`,
    '',
    '| second | RSS A MB | RSS B MB |',
    '|---|---|---|',
    ...series.map((s) => `| ${s.second} | ${s.rssMb[0] ?? 'n/a'} | ${s.rssMb[1] ?? 'n/a'} |`),
  ];
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${stem}.json`), JSON.stringify({ started, options: opts, warmup, counts, series, verdicts, passed }, null, 2));
  writeFileSync(join(dir, `${stem}.md`), `${lines.join('\n')}\n`);
  console.log(`\n${lines.join('\n')}\n\nwritten to bench/results/${stem}.{json,md}`);
  if (!passed)
    console.error(
      `FAILED: ${failedRequests.length > 0 ? `requests failed (${failedRequests.map(([k, n]) => `${k}: ${n}`).join(', ')}); ` : ''}memory ${verdicts.map((v) => `${v.instance} ${v.passed ? 'ok' : 'grew or exceeded the limit'}`).join(', ')}`,
    );
  return passed;
}

/**
 * client_credentials, paired: a server as shipped (metrics on, access log written at LOG_LEVEL=log)
 * against one with neither (MANAGEMENT_PORT=0, ACCESS_LOG=false), alternating who goes first;
 * prints the CPU µs/request of each round and the median ratio.
 */
async function observabilityCost(
  serverEnv: Record<string, string>,
  scenario: Scenario,
  opts: Options,
  warmUp: (url: string) => Promise<unknown>,
): Promise<Result[]> {
  const observed = await startProcess(
    START_ARGS,
    { ...serverEnv, MANAGEMENT_PORT: String(await freePort()), ACCESS_LOG: 'true', LOG_LEVEL: 'log' },
    '/health/ready',
  );
  const plain = await startProcess(START_ARGS, { ...serverEnv, MANAGEMENT_PORT: '0', ACCESS_LOG: 'false', LOG_LEVEL: 'warn' }, '/health/ready');
  const results: Result[] = [];
  const ratios: number[] = [];
  try {
    await warmUp(observed.url);
    await warmUp(plain.url);
    const short = { ...opts, duration: pairedSeconds(opts) };
    for (let round = 0; round < Math.max(1, opts.rounds); round++) {
      const [withBoth, without] = await alternating(
        round,
        async () => ({
          ...(await measure(observed.url, scenario, short, observed.child.pid)),
          name: `client_credentials, metrics + access log (round ${round + 1})`,
        }),
        async () => ({ ...(await measure(plain.url, scenario, short, plain.child.pid)), name: `client_credentials, neither (round ${round + 1})` }),
      );
      results.push(withBoth, without);
      if (withBoth.cpuUsPerRequest && without.cpuUsPerRequest) ratios.push(withBoth.cpuUsPerRequest / without.cpuUsPerRequest);
      console.log(
        `observability round ${round + 1}: ${withBoth.cpuUsPerRequest} vs ${without.cpuUsPerRequest} CPU µs/req (${withBoth.requestsPerSec} vs ${without.requestsPerSec} req/s)`,
      );
    }
  } finally {
    await observed.stop();
    await plain.stop();
  }
  if (ratios.length > 0) {
    console.log(
      `observability cost on client_credentials: CPU µs/req ratios ${ratios.map((r) => r.toFixed(3)).join(', ')}; median ${median(ratios).toFixed(3)} (+${((median(ratios) - 1) * 100).toFixed(1)} %)`,
    );
  }
  return results;
}

/**
 * What private_key_jwt and DPoP add to client_secret_basic: client_credentials in each form on the
 * same server at one request rate, in rounds whose order rotates (a drift of the VM within a round
 * weighs on each form in turn); per round the difference of CPU µs/request to the basic form, and the
 * median of the rounds.
 */
async function clientAuthCost(server: Proc, [basicForm, ...others]: Scenario[], opts: Options): Promise<Result[]> {
  const short = { ...opts, duration: pairedSeconds(opts) };
  const results: Result[] = [];
  const added = new Map<string, number[]>(others.map((s) => [s.name, []]));
  const forms = [basicForm, ...others];
  for (let round = 0; round < Math.max(1, opts.rounds); round++) {
    const byName = new Map<string, Result>();
    for (let i = 0; i < forms.length; i++) {
      const scenario = { ...forms[(i + round) % forms.length], rate: opts.clientAuthRate };
      const r = await measure(server.url, scenario, short, server.child.pid);
      byName.set(scenario.name, r);
      results.push({ ...r, name: `${scenario.name} (client auth round ${round + 1})` });
    }
    const basicCpu = byName.get(basicForm.name)!.cpuUsPerRequest;
    for (const scenario of others) {
      const cpu = byName.get(scenario.name)!.cpuUsPerRequest;
      if (basicCpu !== null && cpu !== null) added.get(scenario.name)!.push(cpu - basicCpu);
    }
    console.log(`client auth round ${round + 1}: ${forms.map((s) => `${s.name} ${byName.get(s.name)!.cpuUsPerRequest} µs/req`).join(', ')}`);
  }
  for (const [name, deltas] of added) {
    if (deltas.length > 0) console.log(`${name} adds ${deltas.join(', ')} CPU µs/req to client_secret_basic; median ${median(deltas)}`);
  }
  // What the one ES256 signature check each form adds costs by itself on this machine now: the floor.
  console.log(`one ES256 signature check (node:crypto, this process, idle server): ${es256VerifyMicros().toFixed(0)} µs`);
  return results;
}

/** Microseconds of one ES256 verification with node:crypto (the median of five batches of 200). */
function es256VerifyMicros(): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('x'.repeat(400));
  const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const batches: number[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    batches.push(Number(process.hrtime.bigint() - started) / 200 / 1000);
  }
  return median(batches);
}

/** Runs both turns of a paired round, `a` first in even rounds and `b` first in odd ones; returns [a's, b's]. */
async function alternating<T>(round: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> {
  if (round % 2 === 0) {
    const first = await a();
    return [first, await b()];
  }
  const first = await b();
  return [await a(), first];
}

/**
 * This build against another one (`dir`, dist/ built) on the same database and Redis: for each
 * scenario, alternating rounds (who goes first alternates), CPU µs/request of each and the median
 * of the per-round ratios (this / baseline; below 1 is cheaper).
 */
async function baselineComparison(
  dir: string,
  serverEnv: Record<string, string>,
  server: Proc,
  scenarios: Scenario[],
  opts: Options,
  warmUp: (url: string) => Promise<unknown>,
): Promise<Result[]> {
  if (scenarios.length === 0) return [];
  const profiled = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${baselineProfileDir}`] : [];
  // --heap-snapshots: each build's heap after the first round of the first scenario and after the
  // last round of the last, compared (a run of one round takes one snapshot and compares nothing).
  const heapDir = (who: string) => join(baselineHeapDir, who);
  const heapFlags = (who: string) => {
    if (!opts.heapSnapshots) return [];
    mkdirSync(heapDir(who), { recursive: true });
    return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapDir(who)}`];
  };
  const baseline = await startProcess(
    [...profiled, ...heapFlags('baseline'), ...START_ARGS],
    { ...serverEnv, MANAGEMENT_PORT: String(await freePort()) },
    '/health/ready',
    dir,
  );
  // A new process of this build too, so that like is compared with like: the server that ran the
  // scenarios at full load before carries their heap (A/A runs, this build against itself: 1.035 with
  // it, 0.959 with both fresh, both within the bench's spread). Under --profile the profiled server is kept.
  let fresh: Proc | null = null;
  const results: Result[] = [];
  try {
    if (!opts.profile)
      fresh = await startProcess([...heapFlags('this'), ...START_ARGS], { ...serverEnv, MANAGEMENT_PORT: String(await freePort()) }, '/health/ready');
    const ours = fresh ?? server;
    // The same warm-up for both (JIT, pools); a server that ran the scenarios before needs less.
    await warmUp(baseline.url);
    await warmUp(baseline.url);
    await warmUp(ours.url);
    if (fresh) await warmUp(ours.url);
    const short = { ...opts, duration: pairedSeconds(opts) };
    const lastRound = Math.max(1, opts.rounds) - 1;
    for (const [index, scenario] of scenarios.entries()) {
      const cpuRatios: number[] = [];
      const rateRatios: number[] = [];
      for (let round = 0; round <= lastRound; round++) {
        const mineOf = async (which: Scenario) => ({
          ...(await measure(ours.url, which, short, ours.child.pid)),
          name: `${scenario.name}, this build (round ${round + 1})`,
        });
        const theirsOf = async (which: Scenario) => ({
          ...(await measure(baseline.url, which, short, baseline.child.pid)),
          name: `${scenario.name}, baseline (round ${round + 1})`,
          target: 'baseline',
        });
        // Simultaneous: both in the same seconds at a rate neither saturates, so whatever else the
        // machine does in a round weighs on both alike (server CPU only: MariaDB and Redis serve both).
        const paced: Scenario = { ...scenario, rate: opts.simultaneous, backends: [] };
        const [mine, theirs] =
          opts.simultaneous > 0
            ? await Promise.all([mineOf(paced), theirsOf(paced)])
            : await alternating(
                round,
                () => mineOf(scenario),
                () => theirsOf(scenario),
              );
        results.push(mine, theirs);
        // Once per run: after the first round of the first scenario and after the last of the last.
        const edge = (index === 0 && round === 0) || (index === scenarios.length - 1 && round === lastRound);
        if (fresh && opts.heapSnapshots && edge) await heapSnapshots([ours, baseline]);
        if (mine.cpuUsPerRequest && theirs.cpuUsPerRequest) cpuRatios.push(mine.cpuUsPerRequest / theirs.cpuUsPerRequest);
        if (theirs.requestsPerSec) rateRatios.push(mine.requestsPerSec / theirs.requestsPerSec);
        console.log(
          `baseline ${scenario.name} round ${round + 1}: ${mine.cpuUsPerRequest} vs ${theirs.cpuUsPerRequest} CPU µs/req (${mine.requestsPerSec} vs ${theirs.requestsPerSec} req/s; peak RSS ${mine.rssMb} vs ${theirs.rssMb} MB)`,
        );
      }
      if (cpuRatios.length > 0) {
        console.log(
          `baseline ${scenario.name}: CPU µs/req ratios ${cpuRatios.map((r) => r.toFixed(3)).join(', ')}; median ${median(cpuRatios).toFixed(3)}; req/s ratios median ${median(rateRatios).toFixed(3)}`,
        );
      }
    }
  } finally {
    await baseline.stop();
    await fresh?.stop();
  }
  if (fresh && opts.heapSnapshots) {
    for (const who of ['this', 'baseline']) {
      const files = readdirSync(heapDir(who))
        .filter((f) => f.endsWith('.heapsnapshot'))
        .sort();
      const label = who === 'this' ? 'this build' : 'the baseline';
      if (files.length < 2) {
        console.log(`heap of ${label}: ${files.length} snapshot, nothing to compare (one round?)`);
        continue;
      }
      // A snapshot cut short (the process stopped while writing it) must not lose the run's results.
      try {
        const growth = heapGrowth(join(heapDir(who), files[0]), join(heapDir(who), files[files.length - 1]));
        console.log([`heap of ${label}, first snapshot to last:`, ...growth].join('\n'));
      } catch (error) {
        console.log(`heap of ${label}: snapshots not compared (${(error as Error).message})`);
      }
    }
  }
  return results;
}

/** Asks each process for a heap snapshot (SIGUSR2) and waits until it has written it. */
async function heapSnapshots(procs: Proc[]): Promise<void> {
  for (const p of procs) p.child.kill('SIGUSR2');
  // Writing a snapshot stops the process; it answers again once the file is complete.
  await sleep(1000);
  await Promise.all(procs.map((p) => fetch(`${p.url}/health/ready`).catch(() => undefined)));
}

/** Single-use inputs (codes, refresh tokens) for one full run of a scenario, and in all. */
interface SingleUsePool {
  perRun: number;
  total: number;
}

/** Redemptions per side in one paired round of a single-use scenario. */
const pairedRedemptions = (opts: Options) => (opts.smoke ? 100 : 4000);

interface Paired {
  name: string;
  ratios: number[];
}

/** Where --profile puts the --baseline build's CPU profile. */
let baselineProfileDir = '';
/** Where --heap-snapshots puts the snapshots of a --baseline run (one folder per build). */
let baselineHeapDir = '';

/** Length of one paired-round run: half a scenario's. */
const pairedSeconds = (opts: Options) => Math.max(1, Math.round(opts.duration / 2));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The pid of the one local process named `name` (pgrep -x); null when there is none or several. */
function singlePid(name: string): number | null {
  try {
    const pids = execSync(`pgrep -x ${name}`, { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    return pids.length === 1 && pids[0] > 0 ? pids[0] : null;
  } catch {
    return null;
  }
}

/**
 * The pid of the MariaDB server the bench uses (127.0.0.1:3306), from its own @@pid_file: other
 * mariadbd processes may run beside it (a test cluster's nodes). Null when it cannot be read.
 */
async function mariadbServerPid(): Promise<number | null> {
  try {
    const mysql = await import('mysql2/promise');
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
    try {
      const [[row]] = (await c.query('SELECT @@pid_file AS file')) as unknown as [{ file: string }[]];
      const pid = Number(readFileSync(row.file, 'utf8').trim());
      return pid > 0 ? pid : null;
    } finally {
      await c.end();
    }
  } catch {
    return null;
  }
}

/** The local redis-server's pid (its CPU counts for the peer stored in Redis); null when none is found. */
const redisServerPid = () => singlePid('redis-server');

type PeerStore = 'memory' | 'redis';

/**
 * node-oidc-provider, warmed up, with its client_credentials and introspection scenarios: its default
 * in-memory store, or (`redis`) its models in Redis through the bench's adapter, as in production, its
 * CPU per request then including redis-server's. The JWT scenario runs in memory only (JWTs are not stored).
 * With single-use inputs it also gets refresh_token and authorization_code scenarios (perRun inputs a
 * run, total minted), minted in the peer itself (POST /bench/mint), each of its own grant as ours are.
 */
async function startPeer(
  warmupSeconds: number,
  jwtAlg: Options['jwtAlg'],
  store: PeerStore = 'memory',
  singleUse: SingleUsePool = { perRun: 0, total: 0 },
): Promise<Proc & { scenarios: Scenario[] }> {
  const redisPid = store === 'redis' ? redisServerPid() : null;
  if (store === 'redis' && redisPid === null) throw new Error('oidc-provider (redis): no single local redis-server process found (pgrep -x redis-server)');
  const target: Scenario['target'] = store === 'redis' ? 'oidc-provider (redis)' : 'oidc-provider';
  const backends = redisPid === null ? [] : [sharedProcessMeter(redisPid)];
  const peer = await startProcess(
    ['bench/peers/oidc-provider.mjs'],
    { BENCH_JWT_ALG: jwtAlg, ...(store === 'redis' ? { BENCH_PEER_STORE: 'redis', BENCH_REDIS_URL: 'redis://127.0.0.1:6379' } : {}) },
    null,
  );
  try {
    const peerAuth = { authorization: basic('bench', 'bench-secret-bench-secret-bench-secret'), 'content-type': 'application/x-www-form-urlencoded' };
    const token = (await http(`${peer.url}/token`, { method: 'POST', headers: peerAuth, body: form({ grant_type: 'client_credentials', scope: 'read' }) })).body
      .access_token;
    const cc: autocannon.Request = { method: 'POST', path: '/token', headers: peerAuth, body: form({ grant_type: 'client_credentials', scope: 'read' }) };
    await autocannon({ url: peer.url, connections: 10, duration: warmupSeconds, requests: [cc] });
    const mint = async (kind: 'code' | 'refresh'): Promise<string[]> => {
      const values: string[] = [];
      while (values.length < singleUse.total) {
        const res = await fetch(`${peer.url}/bench/mint?kind=${kind}&n=1000`, { method: 'POST' });
        if (!res.ok) throw new Error(`oidc-provider: minting ${kind} answered ${res.status}`);
        values.push(...((await res.json()) as string[]));
      }
      return values;
    };
    const redemptions: Scenario[] = [];
    // Redis only: the library's in-memory adapter is an LRU of 1000 entries, so minted inputs would be evicted.
    if (singleUse.total > 0 && store === 'redis') {
      const codes = await mint('code');
      const refreshTokens = await mint('refresh');
      const nextCode = shift(codes);
      const nextRefresh = shift(refreshTokens);
      const redeem = (body: () => string) => formPost('/token', body, peerAuth);
      redemptions.push(
        {
          name: 'refresh_token',
          target,
          backends,
          amount: singleUse.perRun,
          requests: [redeem(() => form({ grant_type: 'refresh_token', refresh_token: nextRefresh() }))],
        },
        {
          name: 'authorization_code',
          target,
          backends,
          amount: singleUse.perRun,
          requests: [redeem(() => form({ grant_type: 'authorization_code', code: nextCode() }))],
        },
      );
    }
    return {
      ...peer,
      scenarios: [
        { name: 'client_credentials', target, requests: [cc], backends },
        {
          name: 'introspection',
          target,
          requests: [{ method: 'POST', path: '/token/introspection', headers: peerAuth, body: form({ token }) }],
          backends,
        },
        // RFC 9068 JWT access tokens for a resource server (its resourceIndicators feature), signed as ours (--jwt-alg).
        ...(store === 'memory'
          ? [
              {
                name: 'client_credentials (jwt)',
                target,
                backends,
                requests: [{ ...cc, body: form({ grant_type: 'client_credentials', scope: 'read', resource: JWT_RESOURCE }) }],
              },
            ]
          : []),
        ...redemptions,
      ],
    };
  } catch (error) {
    await peer.stop();
    throw error;
  }
}

function writeResults(opts: Options, started: Date, results: Result[], paired: Paired[], hashRates: number[], explain: string[], dbNote: string): void {
  const find = (target: string, name: string) => results.find((r) => r.target === target && r.name === name);
  const hashRate = hashRates.length ? Math.round(hashRates.reduce((a, b) => a + b, 0) / hashRates.length) : 0;
  const password = find('ours', 'password');
  // No ratio against a run that had failed answers: its rate is not the rate of the work measured.
  const failed = (r: Result) => r.non2xx + r.errors > 0;
  const ratio = (a?: Result, b?: Result) => (a && b && b.requestsPerSec && !failed(a) && !failed(b) ? (a.requestsPerSec / b.requestsPerSec).toFixed(2) : 'n/a');
  const bare = find('bare-http', 'fixed 200-byte JSON');
  const redisPeer = (name: string) => find('oidc-provider (redis)', name);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `# Benchmark ${started.toISOString().slice(0, 10)} (${opts.db}${opts.redis ? ' + Redis' : ''}${opts.seedTokens ? `, ${opts.seedTokens} stored tokens` : ''}, ${opts.connections} connections, ${opts.duration} s${opts.smoke ? ', SMOKE' : ''})`,
    '',
    `Machine: ${machine}. ${dbNote} Load generator: autocannon on loopback, same machine. Command: \`npm run bench -- --db ${opts.db}${opts.redis ? '' : ' --no-redis'}${opts.seedTokens ? ` --seed-tokens ${opts.seedTokens}` : ''}\`.`,
    '',
    '| target | scenario | req/s | p50 ms | p99 ms | non-2xx | server RSS MB | CPU µs/req, server only | CPU µs/req, with database/cache | vs oidc-provider | vs oidc-provider (redis) | vs bare http |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const peer = r.target === 'ours' ? find('oidc-provider', r.name) : undefined;
      return `| ${r.target} | ${r.name} | ${r.requestsPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} | ${r.rssMb ?? 'n/a'} | ${r.cpuUsPerRequest ?? 'n/a'} | ${r.cpuWithBackendUsPerRequest ?? 'n/a'} | ${r.target === 'ours' ? ratio(r, peer) : ''} | ${r.target === 'ours' && redisPeer(r.name) ? ratio(r, redisPeer(r.name)) : ''} | ${ratio(r, bare)} |`;
    }),
    '',
    ...(paired.length
      ? [
          `Paired ratios to oidc-provider: ${opts.rounds} alternating rounds of ${pairedSeconds(opts)} s each, or of ${pairedRedemptions(opts)} redemptions a side for single-use inputs (ours first in odd rounds, the peer first in even ones), ratio per round and median. The same slow spell of the VM then weighs on both sides.`,
          '',
          '| scenario | ratio per round | median |',
          '|---|---|---|',
          ...paired.map((p) => `| ${p.name} | ${p.ratios.map((r) => r.toFixed(2)).join(', ')} | **${median(p.ratios).toFixed(2)}** |`),
          '',
        ]
      : []),
    'CPU µs/req, server only: user + system CPU time of the server process (every thread) during the scenario, divided by the requests it answered. It is steadier than req/s when the VM is noisy.',
    `CPU µs/req, with database/cache: the same plus ${opts.db === 'mysql' ? "MariaDB's" : 'no database (PostgreSQL and SQLite are not counted apart)'}${opts.redis ? " and Redis's" : ''} CPU over the window (for oidc-provider (redis): Redis's; in memory there is none), from /proc. MariaDB: its threads serving the bench database's connections exactly (information_schema.PROCESSLIST.TID, /proc/<pid>/task/<tid>/stat), plus its own threads (log writer, purge, page cleaner), less their rate over ${BACKGROUND_SAMPLE_MS} ms with the bench idle right before. Redis: redis-server's utime + stime less its rate in that idle second. A background that changes during the window (another client of MariaDB's own threads or of Redis) is not removed.`,
    '',
    password && hashRate > 0
      ? `argon2id (m=19 MiB, t=2) hash rate on all cores, right before and right after the password scenario: ${hashRates.join(' and ')}/s; the password grant ran at ${((password.requestsPerSec / hashRate) * 100).toFixed(0)} % of their mean (${hashRate}/s).`
      : 'argon2id hash rate: not measured (no password scenario).',
    ...(explain.length ? ['', '## EXPLAIN of the hot queries', '', '```', ...explain, '```'] : []),
  ];
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const variant = `${opts.db}${opts.redis ? '' : '-no-redis'}${opts.seedTokens ? '-seeded' : ''}`;
  // A subset or a profiled run is exploration: kept out of the published results (gitignored).
  const partial = opts.only.length > 0 || opts.profile;
  const stem = `${started.toISOString().replace(/[:.]/g, '-')}-${variant}${opts.smoke ? '-smoke' : partial ? '-partial' : ''}`;
  // The chart's history: the last runs written before this one (read before this run's JSON is written).
  const history = loadHistory(dir, 9);
  writeFileSync(join(dir, `${stem}.json`), JSON.stringify({ started, machine, options: opts, hashRates, results, paired, explain }, null, 2));
  writeFileSync(join(dir, `${stem}.md`), `${lines.join('\n')}\n`);
  const run = { started: started.toISOString(), results, paired };
  const svg = renderChart(run, history);
  assertChartShows(svg, run);
  writeFileSync(join(dir, `${stem}.svg`), svg);
  if (!opts.smoke && !partial) writeFileSync(join(dir, `latest-${variant}.md`), `${lines.join('\n')}\n`);
  console.log(`\n${lines.join('\n')}\n\nwritten to bench/results/${stem}.{json,md,svg}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** An ES256 client assertion (RFC 7523 §3), signed synchronously (autocannon's setupRequest cannot wait). */
function clientAssertion(privateKey: KeyObject, clientId: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', kid: 'bench' })}.${encode({ iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60 })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
