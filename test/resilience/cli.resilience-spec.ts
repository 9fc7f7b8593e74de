import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { adminToken } from '../support/admin';
import { createTestDatabase, SERVER_DB, TestDatabase } from '../support/databases';
import { freePort } from '../support/free-port';
import { startServer } from '../support/server-process';
import { REDIS_URL, redisAnswers } from '../support/redis';
import { basicAuth } from '../support/factories';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const SPRING = join(__dirname, '..', '..', 'examples', 'migration', 'spring.json');
const exec = promisify(execFile);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The operator's command line, run as its own process with the server's environment. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface TimedRun extends Run {
  /** Milliseconds from the last byte the command wrote to its exit. */
  readonly lingeredMs: number;
}

/** The command line with exactly `env` (nothing of this process's), timed from its last output to its exit. */
async function timedCli(env: Record<string, string>, ...args: string[]): Promise<TimedRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let lastOutput = Date.now();
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (lastOutput = Date.now())));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), (lastOutput = Date.now())));
  // A command kept alive by a timer or a socket would hang here: killed after 30 s, it fails below.
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(killer);
  return { code: code ?? -1, stdout, stderr, lingeredMs: Date.now() - lastOutput };
}

describe.each(['sqlite', SERVER_DB] as const)('the operator command line on %s', (type) => {
  let database: TestDatabase;
  let dir: string;
  let passwordFile: string;
  /** The database, and a file for the generated admin password outside the source tree. */
  let commandEnv: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(type);
    dir = mkdtempSync(join(tmpdir(), 'oauth-cli-'));
    passwordFile = join(dir, 'initial-admin-password');
    commandEnv = { ...database.env, ADMIN_PASSWORD_FILE: passwordFile };
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports with --dry-run without writing, then for real, and a second import changes nothing', async () => {
    const dry = await cli(commandEnv, 'import', SPRING, '--dry-run');
    expect(dry.code).toBe(0);
    // The first command on an empty database created the administrator: its password is in the file, not in the log.
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).toMatch(/^\S{16,}$/);
    expect(dry.stderr).toContain(`its generated password is in ${passwordFile}`);
    expect(dry.stderr).not.toContain(password);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, applications: { created: ['breakout_app'] } });
    expect(JSON.parse((await cli(commandEnv, 'export')).stdout).applications.map((a: { client_id: string }) => a.client_id)).toEqual(['admin-cli']);

    const real = await cli(commandEnv, 'import', SPRING);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ dry_run: false, applications: { created: ['breakout_app'] }, users: { created: ['admin-breakout'] } });
    const again = JSON.parse((await cli(commandEnv, 'import', SPRING)).stdout);
    expect(again).toMatchObject({ applications: { created: [], updated: [], unchanged: ['breakout_app'] }, users: { unchanged: ['admin-breakout'] } });
  });

  it('exports applications and users without secrets or hashes', async () => {
    const exported = await cli(commandEnv, 'export');
    expect(exported.code).toBe(0);
    expect(
      JSON.parse(exported.stdout)
        .users.map((u: { username: string }) => u.username)
        .sort(),
    ).toEqual(['admin', 'admin-breakout']);
    expect(exported.stdout).not.toMatch(/"(client_secret|password_hash|password)":/);
  });

  it('refuses a bad file with exit code 1, every bad entry named, and nothing written', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        applications: [
          { client_id: 'ok-app', client_name: 'Fine' },
          { client_id: 'bad-app', client_name: 'Bad', grant_types: ['implicit'] },
        ],
        users: [{ username: 'x' }],
      }),
    );
    const run = await cli(commandEnv, 'import', bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('applications.1.grant_types');
    expect(run.stderr).toContain('users.0.password');
    expect(JSON.parse((await cli(commandEnv, 'export')).stdout).applications.map((a: { client_id: string }) => a.client_id)).not.toContain('ok-app');
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await cli(commandEnv, 'frobnicate')).code).toBe(2);
    expect((await cli(commandEnv, 'import')).code).toBe(2);
  });

  it('resets the administrator password, prints it once, and the server accepts it', async () => {
    expect(existsSync(passwordFile)).toBe(true);
    const reset = await cli(commandEnv, 'reset-admin-password');
    expect(reset.code).toBe(0);
    const password = /New password of the administrator: (\S+)/.exec(reset.stdout)![1];
    // The file of the generated first password no longer holds the administrator's password.
    expect(existsSync(passwordFile)).toBe(false);
    expect(reset.stdout).toContain(`${passwordFile}, which held the generated first password, is deleted.`);
    const server = await startServer(database.env);
    try {
      await expect(adminToken(server, 'admin', password)).resolves.toEqual(expect.any(String));
      // The imported Spring client works against the server too (seed 003).
      const spring = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth('breakout_app', '123456789') },
        body: 'username=admin%40break-out.org&password=password&grant_type=password&scope=read+write',
      });
      expect(spring.status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(server.logs()).not.toContain(password);
  });

  it('runs beside a live server with the same environment, MANAGEMENT_PORT included, and exits as soon as its work is done', async () => {
    const managementPort = await freePort();
    // With a database server, Redis too when it answers: the cache bus is part of what a command must not start.
    const redis: Record<string, string> = type !== 'sqlite' && (await redisAnswers()) ? { REDIS_URL } : {};
    const server = await startServer({ ...database.env, ...redis, MANAGEMENT_PORT: String(managementPort) });
    try {
      expect((await fetch(`http://127.0.0.1:${managementPort}/health/live`)).status).toBe(200);
      const { port } = new URL(server.url);
      // The environment the server process got, as an operator's shell on that host would have it.
      const env = {
        PATH: process.env.PATH ?? '',
        ...database.env,
        ...redis,
        PORT: port,
        HOST: '127.0.0.1',
        ISSUER: server.url,
        MANAGEMENT_PORT: String(managementPort),
        ADMIN_PASSWORD_FILE: passwordFile,
      };

      const exported = await timedCli(env, 'export');
      expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(exported.stdout).applications.map((a: { client_id: string }) => a.client_id)).toContain('breakout_app');
      expect(exported.lingeredMs).toBeLessThan(2000);

      const imported = await timedCli(env, 'import', SPRING);
      expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
      expect(imported.lingeredMs).toBeLessThan(2000);

      const reset = await timedCli(env, 'reset-admin-password');
      expect({ code: reset.code, stderr: reset.stderr }).toEqual({ code: 0, stderr: '' });
      expect(reset.lingeredMs).toBeLessThan(2000);
      const password = /New password of the administrator: (\S+)/.exec(reset.stdout)![1];
      // The live server takes the new password at once, and its management port still answers.
      await expect(adminToken(server, 'admin', password)).resolves.toEqual(expect.any(String));
      expect((await fetch(`http://127.0.0.1:${managementPort}/health/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
