import { load } from 'js-yaml';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ENVIRONMENT_VARIABLE_NAMES, loadConfig } from '../../src/config/app-config';
import { envOf, lastOf, readDockerfile } from '../support/dockerfile';

const ROOT = join(__dirname, '..', '..');
/** Read by Node and libraries, not by the server's configuration. */
const NOT_OURS = new Set(['NODE_ENV']);

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

describe('the Dockerfile', () => {
  const stages = readDockerfile(join(ROOT, 'Dockerfile'));
  const runtime = stages.at(-1)!;
  const user = lastOf(runtime, 'USER');
  const workdir = lastOf(runtime, 'WORKDIR') ?? '/';

  it('builds and runs on the Node major version the project requires', () => {
    const major = readFileSync(join(ROOT, '.node-version'), 'utf8').trim().split('.')[0];
    for (const stage of stages) expect(stage.from).toMatch(new RegExp(`^node:${major}-`));
  });

  it('runs the server as a non-root user', () => {
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
  });

  it('gives that user a writable data directory for the embedded database, declared as a volume', () => {
    const dbPath = envOf(runtime).DB_PATH ?? (loadConfig({}).database as { path: string }).path;
    const dataDir = posix.resolve(workdir, posix.dirname(dbPath));
    const runs = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    const userIndex = runtime.instructions.findIndex((i) => i.keyword === 'USER');
    const preparing = runtime.instructions.findIndex((i) => i.keyword === 'RUN' && i.args.includes(`mkdir -p ${dataDir}`));
    // Created while still root, then handed to the user the server runs as.
    expect(preparing).toBeGreaterThanOrEqual(0);
    expect(preparing).toBeLessThan(userIndex);
    expect(runs.some((run) => new RegExp(`chown (-R )?${user}(:\\w+)? ${dataDir}( |$)`).test(run))).toBe(true);
    expect(lastOf(runtime, 'VOLUME')).toContain(dataDir);
  });

  it('has a HEALTHCHECK that runs the readiness probe the build produces', () => {
    const healthcheck = lastOf(runtime, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "dist\/src\/health\/healthcheck\.js"\]$/);
    expect(existsSync(join(ROOT, 'src', 'health', 'healthcheck.ts'))).toBe(true);
  });

  it('sets only environment variables of the configuration schema', () => {
    const names = stages.flatMap((stage) => Object.keys(envOf(stage))).filter((name) => !NOT_OURS.has(name));
    for (const name of names) expect(ENVIRONMENT_VARIABLE_NAMES).toContain(name);
  });
});

describe('docker-compose.yml', () => {
  const compose = load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
  const [serverName, server] = Object.entries(compose.services).find(([, service]) => service.build !== undefined)!;

  it('gives the server only variables of the configuration schema, each with a valid value', () => {
    const environment = server.environment ?? {};
    for (const name of Object.keys(environment)) expect(ENVIRONMENT_VARIABLE_NAMES).toContain(name);
    expect(() => loadConfig(environment)).not.toThrow();
  });

  it('runs MySQL 8 and Redis 7 or later, and starts the server only once both are healthy', () => {
    expect(compose.services.mysql.image).toMatch(/^mysql:8(\.|$)/);
    expect(Number(/^redis:(\d+)/.exec(compose.services.redis.image ?? '')?.[1])).toBeGreaterThanOrEqual(7);
    expect(server.environment?.DB_HOST).toBe('mysql');
    expect(server.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(server.depends_on ?? {}).sort()).toEqual(['mysql', 'redis']);
    for (const [name, dependency] of Object.entries(server.depends_on ?? {})) {
      expect(dependency.condition).toBe('service_healthy');
      expect(compose.services[name].healthcheck?.test?.length).toBeGreaterThan(0);
    }
  });

  it("checks the health of the server with the image's readiness probe", () => {
    expect(serverName).toBe('oauth');
    expect(server.healthcheck?.test).toEqual(['CMD', 'node', 'dist/src/health/healthcheck.js']);
  });
});
