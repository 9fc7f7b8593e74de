import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase } from '../support/databases';
import { startServer } from '../support/server-process';

const HEALTHCHECK = join(__dirname, '..', '..', 'dist', 'src', 'health', 'healthcheck.js');

/** Runs the container's HEALTHCHECK command with the server's environment; its exit code. */
function healthcheck(env: Record<string, string>): number | null {
  return spawnSync(process.execPath, [HEALTHCHECK], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 }).status;
}

describe("the container's HEALTHCHECK command", () => {
  it('exits 0 while the server is ready and 1 once it is gone', async () => {
    const db = await createTestDatabase('sqlite');
    const server = await startServer({ ...db.env, ADMIN_PASSWORD: 'healthcheck-admin-password' });
    const port = new URL(server.url).port;
    try {
      expect(healthcheck({ PORT: port })).toBe(0);
      await server.stop('SIGTERM');
      expect(healthcheck({ PORT: port })).toBe(1);
    } finally {
      await server.stop('SIGKILL');
      await db.drop();
    }
  });
});
