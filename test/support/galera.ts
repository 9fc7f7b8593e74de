import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { sleep } from './sleep';

const MARIADBD = '/usr/sbin/mariadbd';
const PROVIDER = process.env.TEST_GALERA_PROVIDER ?? '/usr/lib/galera/libgalera_smm.so';
/** Every cluster lives under a folder with this prefix: leftovers of a run that died are found by it. */
const PREFIX = 'oauth-galera-';

/** Whether this machine can run a cluster: MariaDB's server, the Galera provider and rsync (the state transfer). */
export function galeraAvailable(): string | undefined {
  if (!existsSync(MARIADBD)) return `${MARIADBD} is missing`;
  if (!existsSync(PROVIDER)) return `the Galera provider ${PROVIDER} is missing (Debian package galera-4)`;
  try {
    execFileSync('rsync', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'rsync is missing (the state transfer method)';
  }
  return undefined;
}

export interface GaleraNode {
  readonly name: string;
  /** The SQL port on 127.0.0.1. */
  readonly port: number;
  /** The mariadbd process id while it runs (the bench counts its CPU time). */
  readonly pid: number | undefined;
  /** Starts the node (again) and resolves when it is synced with the cluster. */
  start(): Promise<void>;
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The node's wsrep status variables (wsrep_cluster_size, wsrep_local_state_comment, ...). */
  status(): Promise<Record<string, string>>;
  /** The node's error log. */
  log(): string;
}

export interface GaleraCluster {
  readonly nodes: readonly GaleraNode[];
  /** A new empty database (created once, replicated to every node) and the server environment for it. */
  createDatabase(): Promise<{ name: string; env(preferred: number): Record<string, string> }>;
  /** Stops every node and removes the data directories; safe to call twice. */
  stop(): Promise<void>;
}

/** Kills mariadbd processes of an earlier run (by their data directory under the prefix) and removes their folders. */
function killLeftovers(): void {
  const base = join(tmpdir(), PREFIX);
  let listing = '';
  try {
    listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const match = /^\s*(\d+)\s+(\S+)\s.*--datadir=(\S+)/.exec(line);
    if (match && match[2].endsWith('mariadbd') && match[3].startsWith(base)) {
      try {
        process.kill(Number(match[1]), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

/** The uid and gid to run mariadbd as when we are root: mysql's, so that rsync's daemon (run as root, it drops to nobody otherwise) can write. */
function mysqlUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'mysql'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'mysql'], { encoding: 'utf8' }).trim()),
  };
}

async function query<T>(port: number, sql: string, database?: string): Promise<T> {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', database, connectTimeout: 2000 });
  try {
    return (await connection.query(sql))[0] as T;
  } finally {
    await connection.end();
  }
}

/**
 * Three MariaDB Galera nodes on this machine, each its own mariadbd with its own data directory and
 * ports (SQL, group communication, incremental and snapshot state transfer), small buffers. The
 * first bootstraps the cluster; the others join it by a snapshot transfer (rsync).
 */
export async function startGaleraCluster(size = 3): Promise<GaleraCluster> {
  killLeftovers();
  const base = mkdtempSync(join(tmpdir(), PREFIX));
  chmodSync(base, 0o755);
  const owner = mysqlUser();
  if (owner) chownSync(base, owner.uid, owner.gid);
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ sql: await freePort(), group: await freePort(), ist: await freePort(), sst: await freePort() })),
  );
  const clusterAddress = `gcomm://${ports.map((p) => `127.0.0.1:${p.group}`).join(',')}`;
  const processes: (ChildProcess | undefined)[] = [];
  const killAll = () => processes.forEach((child) => child?.exitCode === null && child.kill('SIGKILL'));
  process.once('exit', killAll);

  const nodes = ports.map((port, index): GaleraNode => {
    const name = `node${index + 1}`;
    const datadir = join(base, name);
    const errorLog = join(base, `${name}.err`);
    const args = (bootstrap: boolean) => [
      '--no-defaults',
      ...(owner ? ['--user=mysql'] : []),
      `--datadir=${datadir}`,
      `--socket=${join(base, `${name}.sock`)}`,
      `--pid-file=${join(base, `${name}.pid`)}`,
      `--log-error=${errorLog}`,
      `--port=${port.sql}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=8M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=300',
      '--wsrep-on=ON',
      `--wsrep-provider=${PROVIDER}`,
      '--wsrep-cluster-name=oauth-test',
      `--wsrep-node-name=${name}`,
      '--wsrep-node-address=127.0.0.1',
      `--wsrep-cluster-address=${clusterAddress}`,
      // A dead node is suspected after 2 s and evicted after 4 s (defaults: 5 s and 15 s).
      `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${port.group};ist.recv_addr=127.0.0.1:${port.ist};gcache.size=64M;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT4S;evs.keepalive_period=PT0.5S`,
      `--wsrep-sst-receive-address=127.0.0.1:${port.sst}`,
      '--wsrep-sst-method=rsync',
      '--binlog-format=ROW',
      '--default-storage-engine=InnoDB',
      '--innodb-autoinc-lock-mode=2',
      ...(bootstrap ? ['--wsrep-new-cluster'] : []),
    ];
    let child: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();
    const status = async () => {
      const rows = await query<{ Variable_name: string; Value: string }[]>(port.sql, `SHOW GLOBAL STATUS LIKE 'wsrep%'`);
      return Object.fromEntries(rows.map((row) => [row.Variable_name.toLowerCase(), row.Value]));
    };
    const log = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
    return {
      name,
      port: port.sql,
      get pid() {
        return child?.exitCode === null ? child.pid : undefined;
      },
      status,
      log,
      start: async () => {
        if (!existsSync(datadir)) {
          mkdirSync(datadir);
          if (owner) chownSync(datadir, owner.uid, owner.gid);
          // The first node gets system tables; the others receive everything by state transfer.
          if (index === 0) {
            execFileSync(
              'mariadb-install-db',
              [
                '--no-defaults',
                `--datadir=${datadir}`,
                ...(owner ? ['--user=mysql'] : []),
                '--auth-root-authentication-method=normal',
                '--skip-test-db',
                '--innodb-log-file-size=8M',
              ],
              { stdio: 'ignore' },
            );
          }
        }
        child = spawn(MARIADBD, args(index === 0 && processes.every((p) => p === undefined)), { stdio: 'ignore' });
        processes[index] = child;
        const current = child;
        exited = new Promise((resolve) => current.once('exit', () => resolve()));
        const deadline = Date.now() + 120_000;
        for (;;) {
          if (current.exitCode !== null) throw new Error(`${name} exited during start:\n${log().slice(-3000)}`);
          try {
            if ((await status()).wsrep_local_state_comment === 'Synced') return;
          } catch {
            // not accepting connections yet
          }
          if (Date.now() > deadline) throw new Error(`${name} did not sync:\n${log().slice(-3000)}`);
          await sleep(250);
        }
      },
      stop: async (signal = 'SIGTERM') => {
        if (child && child.exitCode === null && child.signalCode === null) {
          child.kill(signal);
          const timer = setTimeout(() => child?.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(timer);
        }
      },
    };
  });

  let stopped = false;
  const cluster: GaleraCluster = {
    nodes,
    createDatabase: async () => {
      const name = `oauth_galera_${process.pid}_${Date.now()}`;
      await query(nodes[0].port, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      return {
        name,
        // The preferred node first, then the others: each instance lives on its own node and fails over.
        env: (preferred: number) => ({
          DB_TYPE: 'mysql',
          DB_HOST: nodes.map((_, i) => `127.0.0.1:${nodes[(preferred + i) % nodes.length].port}`).join(','),
          DB_USERNAME: 'root',
          DB_PASSWORD: '',
          DB_NAME: name,
          KEY_ENCRYPTION_SECRET: 'key-encryption-secret-for-the-test-suites',
        }),
      };
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      // The joiners first: the last node to leave is the one a restart would bootstrap from.
      for (const node of [...nodes].reverse()) await node.stop();
      process.removeListener('exit', killAll);
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await nodes[0].start();
    // One joiner at a time, and a joiner whose first state transfer failed ("could not determine
    // history UUID", seen on a loaded machine with two rsync transfers from one donor) gets a
    // second one into an empty data directory.
    for (const node of nodes.slice(1)) {
      await node.start().catch(async () => {
        await node.stop('SIGKILL');
        rmSync(join(base, node.name), { recursive: true, force: true });
        await node.start();
      });
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
