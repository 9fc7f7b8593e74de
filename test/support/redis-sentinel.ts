import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { sleep } from './sleep';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';
export const SENTINEL_NAME = 'oauth-primary';

/** Whether Debian's redis-server (which is also the sentinel) and redis-cli are here. */
export function sentinelAvailable(): string | undefined {
  for (const binary of [REDIS_SERVER, REDIS_CLI]) if (!existsSync(binary)) return `${binary} is missing (Debian package redis-server)`;
  return undefined;
}

export interface RedisNode {
  readonly port: number;
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** One redis-cli command against this node; its output, trimmed. */
  cli(...args: string[]): string;
}

export interface SentinelSetup {
  readonly primary: RedisNode;
  readonly replica: RedisNode;
  readonly sentinels: readonly RedisNode[];
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME for the servers. */
  readonly env: Record<string, string>;
  /** The port of the primary the sentinels name now. */
  currentPrimaryPort(): number;
  stop(): Promise<void>;
}

function cli(port: number, args: string[]): string {
  return execFileSync(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 5000 }).trim();
}

function node(port: number, args: string[]): RedisNode {
  const child: ChildProcess = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  return {
    port,
    cli: (...command) => cli(port, command),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (condition()) return;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * A Redis primary, its replica and three sentinels (quorum 2) on free loopback ports, in a temporary
 * folder; the sentinels call the primary down after 1 s without an answer.
 */
export async function startSentinelSetup(): Promise<SentinelSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-sentinel-'));
  const [primaryPort, replicaPort, ...sentinelPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const common = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const primary = node(primaryPort, common(primaryPort));
  const replica = node(replicaPort, [...common(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort)]);
  await until('the replica to sync', () => /master_link_status:up/.test(replica.cli('INFO', 'replication')));
  const sentinels = sentinelPorts.map((port, index) => {
    // A sentinel rewrites its configuration file (what it learnt): each has its own.
    const file = join(dir, `sentinel-${index}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
        `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
        '',
      ].join('\n'),
    );
    return node(port, [file, '--sentinel']);
  });
  const setup: SentinelSetup = {
    primary,
    replica,
    sentinels,
    env: { REDIS_SENTINELS: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','), REDIS_SENTINEL_NAME: SENTINEL_NAME },
    currentPrimaryPort: () => Number(cli(sentinelPorts[0], ['SENTINEL', 'get-master-addr-by-name', SENTINEL_NAME]).split('\n')[1]),
    stop: async () => {
      await Promise.all([primary, replica, ...sentinels].map((n) => n.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Every sentinel knows the replica and the two others before a failover can be agreed.
  await until('the sentinels to know each other and the replica', () =>
    sentinels.every((s) => {
      const info = s.cli('SENTINEL', 'master', SENTINEL_NAME);
      return /\nnum-slaves\n1\n/.test(`\n${info}\n`) && /\nnum-other-sentinels\n2\n/.test(`\n${info}\n`);
    }),
  );
  return setup;
}
