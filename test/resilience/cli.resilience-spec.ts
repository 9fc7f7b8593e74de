import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, TestDatabase } from '../support/databases';
import { startServer } from '../support/server-process';
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
async function cli(database: TestDatabase, ...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...database.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.each(['sqlite', 'mysql'] as const)('the operator command line on %s', (type) => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase(type);
    dir = mkdtempSync(join(tmpdir(), 'oauth-cli-'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports with --dry-run without writing, then for real, and a second import changes nothing', async () => {
    const dry = await cli(database, 'import', SPRING, '--dry-run');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, applications: { created: ['breakout_app'] } });
    expect(JSON.parse((await cli(database, 'export')).stdout).applications.map((a: { client_id: string }) => a.client_id)).toEqual(['admin-cli']);

    const real = await cli(database, 'import', SPRING);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ dry_run: false, applications: { created: ['breakout_app'] }, users: { created: ['admin-breakout'] } });
    const again = JSON.parse((await cli(database, 'import', SPRING)).stdout);
    expect(again).toMatchObject({ applications: { created: [], updated: [], unchanged: ['breakout_app'] }, users: { unchanged: ['admin-breakout'] } });
  });

  it('exports applications and users without secrets or hashes', async () => {
    const exported = await cli(database, 'export');
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
    const run = await cli(database, 'import', bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('applications.1.grant_types');
    expect(run.stderr).toContain('users.0.password');
    expect(JSON.parse((await cli(database, 'export')).stdout).applications.map((a: { client_id: string }) => a.client_id)).not.toContain('ok-app');
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await cli(database, 'frobnicate')).code).toBe(2);
    expect((await cli(database, 'import')).code).toBe(2);
  });

  it('resets the administrator password, prints it once, and the server accepts it', async () => {
    const reset = await cli(database, 'reset-admin-password');
    expect(reset.code).toBe(0);
    const password = /New password of the administrator: (\S+)/.exec(reset.stdout)![1];
    const server = await startServer(database.env);
    try {
      const token = await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password, scope: 'admin' }),
      });
      expect(token.status).toBe(200);
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
});
