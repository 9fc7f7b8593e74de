import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { listenOn } from '../common/http/listen';
import { describeRedis, openRedis } from '../common/redis/open-redis';
import type { AppConfig, RedisTarget } from '../config/app-config';
import { dialectOfConfig } from '../database/dialects';

/** A start that cannot succeed, told in one line that says what to fix (main.ts prints it, exits 1). */
export class StartupError extends Error {}

/** Transient failures are retried until STARTUP_WAIT_SECONDS; anything else stops the start at once. */
class Unreachable extends Error {}

/**
 * What the server needs before Nest starts: its port, its database and, when REDIS_URL is set, a
 * Redis that can run the counter store's commands. Checked here rather than discovered mid-boot,
 * where each failure surfaced as pages of retried stack traces, and a busy port only after the log
 * had said the application started.
 */
export async function checkBeforeStart(config: AppConfig): Promise<void> {
  await assertPortFree(config.port, config.host);
  await assertPortFree(config.managementPort, config.host);
  await waitFor(config.startupWaitSeconds, () => checkDatabase(config.database));
  const redis = config.redis;
  if (redis) await waitFor(config.startupWaitSeconds, () => checkRedis(redis));
}

/** Turns a failure of `listen` (a race lost after the check above) into the same one line. */
export function listenError(error: unknown): unknown {
  const { code, port } = error as NodeJS.ErrnoException & { port?: number };
  if (code === 'EADDRINUSE') return new StartupError(`Cannot start: port ${port} is already in use (set PORT and MANAGEMENT_PORT to free ports)`);
  if (code === 'EACCES') return new StartupError(`Cannot start: no permission to listen on port ${port} (ports below 1024 need privileges)`);
  return error;
}

/** Binds and releases `port` where the server will listen (PORT, then MANAGEMENT_PORT; 0: none). */
async function assertPortFree(port: number, host: string | undefined): Promise<void> {
  if (port === 0) return;
  const tryListen = (address: string) =>
    new Promise<void>((resolvePromise, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolvePromise()));
    });
  await listenOn(tryListen, host).catch((error: unknown) => Promise.reject(listenError(error)));
}

async function waitFor(seconds: number, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      if (Date.now() >= deadline) throw new StartupError(`${error.message} after waiting ${seconds} s (STARTUP_WAIT_SECONDS)`);
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 500));
  }
}

async function checkDatabase(database: AppConfig['database']): Promise<void> {
  if (database.type === 'sqlite') return checkSqliteFolder(database.path);
  const where = `${database.host}:${database.port}`;
  const probe = dialectOfConfig(database.type).probe;
  const result = probe ? await probe(database) : ({ ok: true } as const);
  if (result.ok) return;
  if (result.reason === 'no_database') {
    throw new StartupError(`Cannot start: database ${JSON.stringify(database.database)} does not exist on ${where} (create it, or set DB_NAME)`);
  }
  if (result.reason === 'denied') {
    throw new StartupError(
      `Cannot start: database authentication failed for user ${JSON.stringify(database.username)} on ${where} (check DB_USERNAME and DB_PASSWORD)`,
    );
  }
  throw new Unreachable(`Cannot start: database unreachable at ${where} (${result.detail})`);
}

/** The SQLite file's folder must exist and be writable (a container's non-root user often cannot create ./data). */
function checkSqliteFolder(path: string): Promise<void> {
  if (path === ':memory:') return Promise.resolve();
  const folder = resolve(dirname(path));
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return Promise.reject(
      new StartupError(
        `Cannot start: the SQLite folder ${folder} cannot be created or written (${code}); set DB_PATH to a writable place or mount a volume there`,
      ),
    );
  }
  return Promise.resolve();
}

/**
 * Redis must answer and must run `EXPIRE key seconds NX` (Redis 7 and later), which the counter
 * store uses to start a window only once; an older Redis used to fail every count silently.
 */
async function checkRedis(target: RedisTarget): Promise<void> {
  const where = describeRedis(target);
  let lastError = '';
  const redis = openRedis(target, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', (error: NodeJS.ErrnoException) => (lastError = error.code ?? error.message));
  try {
    try {
      await redis.connect();
    } catch (error) {
      throw new Unreachable(`Cannot start: Redis unreachable at ${where} (${lastError || (error as Error).message})`);
    }
    try {
      await redis.call('EXPIRE', 'startup-check:expire-nx', '1', 'NX');
    } catch {
      const version = /redis_version:(\S+)/.exec(await redis.info('server').catch(() => ''))?.[1] ?? 'unknown';
      throw new StartupError(`Cannot start: Redis at ${where} is version ${version}; the server needs Redis 7 or later (EXPIRE … NX)`);
    }
  } finally {
    redis.disconnect();
  }
}
