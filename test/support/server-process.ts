import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { sleep } from './sleep';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/**
 * A folder of the process's own for a generated admin password (ADMIN_PASSWORD_FILE, unless `env`
 * names one): the default, relative to the working directory, would be the source tree.
 */
function privateHome(): { readonly env: Record<string, string>; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), 'oauth-server-'));
  return { env: { ADMIN_PASSWORD_FILE: join(home, 'initial-admin-password') }, remove: () => rmSync(home, { recursive: true, force: true }) };
}

export interface ServerProcess {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built server (`npm run build` first) as its own process; `startTimeoutMs` covers its migrations. */
export async function startServer(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm run test:resilience does)`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const home = privateHome();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ISSUER: url, MANAGEMENT_PORT: '0', ...home.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => home.remove());
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${output}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    process: child,
    logs: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface FailedStart {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built server until it exits by itself (a start that must fail); kills it after `timeoutMs`. */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 30_000): Promise<FailedStart> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm run test:resilience does)`);
  const port = env.PORT ?? String(await freePort());
  const home = privateHome();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: port, HOST: '127.0.0.1', ISSUER: `http://127.0.0.1:${port}`, MANAGEMENT_PORT: '0', ...home.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => home.remove());
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Waits until the server answers /health/ready with 200 (its dependencies answer again); throws after `timeoutMs`. */
export async function waitUntilReady(server: { readonly url: string }, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${server.url}/health/ready`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error('service did not recover');
    await sleep(250);
  }
}
