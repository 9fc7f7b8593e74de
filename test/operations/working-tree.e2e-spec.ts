import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOpenApiDocument } from '../../src/app.openapi';
import { createTestApp } from '../support/create-test-app';
import type { TestDatabase } from '../support/databases';

const ROOT = join(__dirname, '..', '..');

/** The embedded database in memory, whatever TEST_DB says: no schema to create, no file to drop. */
const IN_MEMORY: TestDatabase = {
  // An empty KEY_ENCRYPTION_SECRET counts as unset: the server must find a secret of its own.
  env: { DB_TYPE: 'sqlite', DB_PATH: ':memory:', KEY_ENCRYPTION_SECRET: '' },
  database: { type: 'sqlite', path: ':memory:' },
  drop: async () => undefined,
};

/** `git …` in the repository; null where this is no git work tree (an unpacked archive) or git is missing. */
function git(...args: string[]): { status: number; stdout: string } | null {
  const run = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error || spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== 'true') return null;
  return { status: run.status ?? -1, stdout: run.stdout };
}

/** The application on `:memory:`, twice: as `npm run openapi` builds its document, and as a test app serving requests. */
async function bootInMemory(): Promise<void> {
  await generateOpenApiDocument();
  const t = await createTestApp({ database: IN_MEMORY });
  await t.close();
}

describe('what booting the application on an in-memory database leaves behind', () => {
  it('writes no file to the working directory (no key-encryption secret beside ":memory:")', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'oauth-cwd-'));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      await bootInMemory();
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      process.chdir(previous);
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('adds no file, ignored or not, to the repository’s working tree', async () => {
    const status = () => git('status', '--porcelain', '--ignored');
    const before = status();
    if (before === null) {
      if (process.env.CI === 'true') throw new Error('CI runs in a git clone, but git status failed');
      console.warn('SKIPPED: not a git work tree');
      return;
    }
    const previous = process.cwd();
    process.chdir(ROOT);
    try {
      await bootInMemory();
    } finally {
      process.chdir(previous);
    }
    const lines = (text: string) => new Set(text.split('\n').filter(Boolean));
    const added = [...lines(status()!.stdout)].filter((line) => !lines(before.stdout).has(line));
    expect(added).toEqual([]);
  });

  it('keeps no key-encryption secret in the repository, and ignores one if a run makes it', () => {
    const tracked = git('ls-files', '--', '*key-encryption.secret');
    if (tracked === null) {
      if (process.env.CI === 'true') throw new Error('CI runs in a git clone, but git ls-files failed');
      console.warn('SKIPPED: not a git work tree');
      return;
    }
    expect(tracked.stdout).toBe('');
    expect(git('check-ignore', '--no-index', '-q', 'key-encryption.secret')!.status).toBe(0);
  });
});
