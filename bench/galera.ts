/**
 * `npm run bench -- --db galera [--duration 8] [--rounds 3] [--connections 30] [--no-redis]`
 *
 * Our server on a three-node MariaDB Galera cluster on this machine (started by the cluster test
 * harness, test/support/galera.ts: joiners one at a time, rsync state transfer), one instance per
 * node (each lists its own node first in DB_HOST, causal reads on), paired in the same run against
 * three instances on the single MariaDB server at 127.0.0.1:3306. Each round measures
 * client_credentials, introspection (of a token issued through the next instance, so the read
 * crosses nodes) and refresh_token on both setups, alternating which goes first. The load is spread
 * evenly over the three instances of a setup (one autocannon each, run at once). Reported per round:
 * req/s (sum over instances), p99 (the highest of the instances' p99), and CPU µs/request of our
 * three processes and, separately, of the database server processes (the three mariadbd of the
 * cluster; the shared server's mariadbd, which also serves whatever else runs on the machine).
 * Both setups commit with innodb_flush_log_at_trx_commit=1 (the cluster's nodes are set so for the run).
 */
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { galeraAvailable, startGaleraCluster, type GaleraCluster } from '../test/support/galera';
import { startServer, type ServerProcess } from '../test/support/server-process';
import { cpuSeconds } from './proc';

export interface GaleraBenchOptions {
  readonly duration: number;
  readonly rounds: number;
  readonly connections: number;
  readonly redis: boolean;
}

const ADMIN_PASSWORD = 'bench-admin-password';
const INSTANCES = 3;
const SCENARIOS = ['client_credentials', 'introspection', 'refresh_token'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Setup {
  readonly name: 'galera' | 'single';
  readonly servers: ServerProcess[];
  /** The database server processes whose CPU time is reported beside ours. */
  readonly dbPids: () => number[];
  /** Per instance, the requests of each scenario. */
  readonly requests: Record<ScenarioName, autocannon.Request[][]>;
  /** Refills the refresh token pools (single-use inputs). */
  readonly topUp: () => Promise<void>;
  readonly drop: () => Promise<void>;
}

interface Measured {
  readonly setup: Setup['name'];
  readonly scenario: ScenarioName;
  readonly round: number;
  readonly requestsPerSec: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly cpuUsPerRequest: number | null;
  readonly dbCpuUsPerRequest: number | null;
}

const totalCpu = (pids: number[]) => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? NaN), 0);

/** The server's settings for database `name` on the MariaDB server at 127.0.0.1:3306 (run.ts's default database too). */
export function mysqlBenchEnv(name: string): Record<string, string> {
  return {
    DB_TYPE: 'mysql',
    DB_HOST: '127.0.0.1',
    DB_PORT: '3306',
    DB_USERNAME: 'root',
    DB_PASSWORD: '',
    DB_NAME: name,
    KEY_ENCRYPTION_SECRET: 'bench-key-encryption-secret-32-characters',
  };
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Fixtures through the first instance, and each scenario's requests for every instance. */
async function prepare(name: Setup['name'], servers: ServerProcess[], connectionsEach: number): Promise<Pick<Setup, 'requests' | 'topUp'>> {
  const [first] = servers;
  const admin = (await json(`${first.url}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: ADMIN_PASSWORD, scope: 'admin' }),
  })) as { access_token: string };
  const headers = { authorization: `Bearer ${admin.access_token}`, 'content-type': 'application/json' };
  const app = (await json(`${first.url}/admin/applications`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ client_name: `Bench ${name}`, grant_types: ['client_credentials', 'password', 'refresh_token'], scope: 'read write' }),
  })) as { client_id: string; client_secret: string };
  const users = Array.from({ length: 4 }, (_, i) => ({ username: `bench-${name}-${i}`, password: 'bench-user-password' }));
  for (const user of users) await json(`${first.url}/admin/users`, { method: 'POST', headers, body: JSON.stringify(user) });
  const tokenHeaders = { authorization: basic(app.client_id, app.client_secret), 'content-type': 'application/x-www-form-urlencoded' };
  const token = async (server: ServerProcess, params: Record<string, string>) =>
    (await json(`${server.url}/oauth2/token`, { method: 'POST', headers: tokenHeaders, body: form(params) })) as {
      access_token: string;
      refresh_token?: string;
    };

  const post = (path: string, body: string | (() => string), onResponse?: (status: number, body: string) => void): autocannon.Request => ({
    method: 'POST',
    path,
    headers: tokenHeaders,
    ...(typeof body === 'string' ? { body } : { setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }),
    ...(onResponse ? { onResponse } : {}),
  });
  const requests: Setup['requests'] = { client_credentials: [], introspection: [], refresh_token: [] };
  const topUps: (() => Promise<void>)[] = [];
  for (let i = 0; i < servers.length; i++) {
    requests.client_credentials.push([post('/oauth2/token', form({ grant_type: 'client_credentials' }))]);
    // Issued through the next instance (its own node), introspected through this one.
    const issued = await token(servers[(i + 1) % servers.length], { grant_type: 'client_credentials' });
    requests.introspection.push([post('/oauth2/introspect', form({ token: issued.access_token }))]);
    // A pool that refills itself: each answer's rotated refresh token is used again later. The
    // tokens in flight when a run stops are lost (rotated, their answers unread): topped up before each run.
    const refreshTokens: string[] = [];
    topUps.push(async () => {
      const missing = connectionsEach * 3 - refreshTokens.length;
      await Promise.all(
        users.map(async (user, u) => {
          for (let n = u; n < missing; n += users.length)
            refreshTokens.push((await token(servers[i], { grant_type: 'password', ...user, scope: 'read' })).refresh_token!);
        }),
      );
    });
    requests.refresh_token.push([
      post(
        '/oauth2/token',
        () => form({ grant_type: 'refresh_token', refresh_token: refreshTokens.shift() ?? 'exhausted' }),
        (status, body) => {
          if (status === 200) refreshTokens.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
        },
      ),
    ]);
  }
  return { requests, topUp: async () => void (await Promise.all(topUps.map((topUp) => topUp()))) };
}

async function measure(setup: Setup, scenario: ScenarioName, round: number, opts: GaleraBenchOptions): Promise<Measured> {
  if (scenario === 'refresh_token') await setup.topUp();
  const ours = setup.servers.map((server) => server.process.pid!);
  const db = setup.dbPids();
  const [oursBefore, dbBefore] = [totalCpu(ours), totalCpu(db)];
  const connectionsEach = Math.max(1, Math.floor(opts.connections / INSTANCES));
  const results = await Promise.all(
    setup.servers.map((server, i) =>
      autocannon({ url: server.url, connections: connectionsEach, duration: opts.duration, requests: setup.requests[scenario][i] }),
    ),
  );
  const [oursAfter, dbAfter] = [totalCpu(ours), totalCpu(db)];
  const total = results.reduce((sum, r) => sum + r.requests.total, 0);
  const perRequest = (seconds: number) => (total === 0 || Number.isNaN(seconds) ? null : Math.round((seconds * 1e6) / total));
  return {
    setup: setup.name,
    scenario,
    round,
    requestsPerSec: Math.round(results.reduce((sum, r) => sum + r.requests.average, 0)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    cpuUsPerRequest: perRequest(oursAfter - oursBefore),
    dbCpuUsPerRequest: perRequest(dbAfter - dbBefore),
  };
}

function serverEnv(redisPrefix: string | null, outbox: string): Record<string, string> {
  return {
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_TOKEN_PER_MINUTE: '0',
    RATE_LIMIT_LOGIN_PER_MINUTE: '0',
    CLEANUP_INTERVAL_SECONDS: '0',
    TOKEN_OUTBOX_DIR: outbox,
    ...(redisPrefix ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: redisPrefix } : {}),
  };
}

async function galeraSetup(cluster: GaleraCluster, opts: GaleraBenchOptions, outbox: string): Promise<Setup> {
  const mysql = await import('mysql2/promise');
  for (const node of cluster.nodes) {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: node.port, user: 'root', password: '' });
    await connection.query('SET GLOBAL innodb_flush_log_at_trx_commit = 1');
    await connection.end();
  }
  const database = await cluster.createDatabase();
  const env = serverEnv(opts.redis ? `bench-galera-${Date.now()}:` : null, outbox);
  // One after another: the first runs the migrations, the others find them done.
  const servers: ServerProcess[] = [];
  for (let i = 0; i < INSTANCES; i++) servers.push(await startServer({ ...database.env(i), ...env }, 180_000));
  const prepared = await prepare('galera', servers, Math.max(1, Math.floor(opts.connections / INSTANCES)));
  return {
    name: 'galera',
    servers,
    dbPids: () => cluster.nodes.flatMap((node) => (node.pid ? [node.pid] : [])),
    ...prepared,
    drop: async () => undefined,
  };
}

async function singleSetup(opts: GaleraBenchOptions, outbox: string): Promise<Setup> {
  const mysql = await import('mysql2/promise');
  const admin = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
  const name = `oauth_bench_single_${Date.now()}`;
  const connection = await mysql.createConnection(admin);
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [[{ pidFile }]] = (await connection.query('SELECT @@pid_file AS pidFile')) as unknown as [{ pidFile: string }[]];
  await connection.end();
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const env = {
    ...mysqlBenchEnv(name),
    ...serverEnv(opts.redis ? `bench-single-${Date.now()}:` : null, outbox),
  };
  const servers: ServerProcess[] = [];
  for (let i = 0; i < INSTANCES; i++) servers.push(await startServer(env, 180_000));
  const prepared = await prepare('single', servers, Math.max(1, Math.floor(opts.connections / INSTANCES)));
  return {
    name: 'single',
    servers,
    dbPids: () => [pid],
    ...prepared,
    drop: async () => {
      const c = await mysql.createConnection(admin);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export async function galeraBench(opts: GaleraBenchOptions): Promise<void> {
  const missing = galeraAvailable();
  if (missing) throw new Error(`--db galera: ${missing}`);
  const started = new Date();
  const load = [loadavg()];
  const outbox = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  console.log('starting a three-node Galera cluster (joiners one at a time)...');
  const cluster = await startGaleraCluster(3);
  const setups: Setup[] = [];
  const results: Measured[] = [];
  try {
    setups.push(await galeraSetup(cluster, opts, outbox));
    setups.push(await singleSetup(opts, outbox));
    // Warm-up: JIT, pools, caches on every instance.
    for (const setup of setups) for (const scenario of SCENARIOS) await measure(setup, scenario, 0, { ...opts, duration: 2 });
    for (let round = 1; round <= opts.rounds; round++) {
      for (const scenario of SCENARIOS) {
        const order = round % 2 === 1 ? setups : [...setups].reverse();
        for (const setup of order) {
          const r = await measure(setup, scenario, round, opts);
          results.push(r);
          console.log(
            `round ${round} ${r.setup} ${r.scenario}: ${r.requestsPerSec} req/s, p99 ${r.p99} ms, CPU ${r.cpuUsPerRequest} µs/req (database ${r.dbCpuUsPerRequest}), non-2xx ${r.non2xx}, errors ${r.errors}`,
          );
        }
      }
      load.push(loadavg());
    }
  } finally {
    for (const setup of setups) for (const server of setup.servers) await server.stop();
    for (const setup of setups) await setup.drop().catch(() => undefined);
    await cluster.stop();
    rmSync(outbox, { recursive: true, force: true });
  }
  const lines = [
    `# Galera bench, ${started.toISOString()}`,
    '',
    `\`npm run bench -- --db galera --duration ${opts.duration} --rounds ${opts.rounds} --connections ${opts.connections}${opts.redis ? '' : ' --no-redis'}\``,
    '',
    `Load average (1 min) during the run: ${load.map((l) => l[0].toFixed(1)).join(', ')}.`,
    '',
    '| scenario | setup | req/s per round | p99 ms per round | our CPU µs/req per round | database CPU µs/req per round | median req/s | median CPU µs/req |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const scenario of SCENARIOS) {
    for (const setup of ['galera', 'single'] as const) {
      const rows = results.filter((r) => r.scenario === scenario && r.setup === setup);
      const list = (pick: (r: Measured) => number | null) => rows.map((r) => pick(r) ?? '–').join(', ');
      lines.push(
        `| ${scenario} | ${setup === 'galera' ? 'Galera, 3 nodes' : 'single MariaDB'} | ${list((r) => r.requestsPerSec)} | ${list((r) => r.p99)} | ${list((r) => r.cpuUsPerRequest)} | ${list((r) => r.dbCpuUsPerRequest)} | ${median(rows.map((r) => r.requestsPerSec))} | ${median(rows.map((r) => r.cpuUsPerRequest ?? 0))} |`,
      );
    }
    const ratios = results
      .filter((r) => r.scenario === scenario && r.setup === 'galera')
      .map((g) => g.requestsPerSec / results.find((s) => s.scenario === scenario && s.setup === 'single' && s.round === g.round)!.requestsPerSec);
    lines.push(
      `| ${scenario} | req/s ratio Galera / single per round | ${ratios.map((r) => r.toFixed(2)).join(', ')} | | | | median ${median(ratios).toFixed(2)} | |`,
    );
  }
  const failed = results.filter((r) => r.non2xx + r.errors > 0);
  if (failed.length > 0)
    lines.push('', `Non-2xx answers or errors: ${failed.map((r) => `round ${r.round} ${r.setup} ${r.scenario} (${r.non2xx}, ${r.errors})`).join('; ')}.`);
  const text = `${lines.join('\n')}\n`;
  const file = join(__dirname, 'results', `${started.toISOString().replace(/[:.]/g, '-')}-galera`);
  writeFileSync(`${file}.md`, text);
  writeFileSync(`${file}.json`, JSON.stringify({ started: started.toISOString(), opts, load, results }, null, 2));
  console.log(`\n${text}\nwritten to ${file}.md`);
}
