import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DeviceAuthorizationModule } from '../../src/device/device-authorization.module';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createUser } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { authorizeDevice, decideOnPage, DEVICE_CODE_GRANT, deviceClient, poll } from '../support/device-flow';
import { discover } from '../support/oauth4webapi';

const ROOT = join(__dirname, '..', '..');

/** The device module's source files, as ESLint is given them in CI. */
function deviceSources(dir = join(ROOT, 'src', 'device')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? deviceSources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** A device flow from authorization to tokens, on an app with the module loaded one way or another. */
async function runsTheFlow(t: TestApp): Promise<void> {
  const as = await discover(t);
  expect(as.device_authorization_endpoint).toBe(`${t.url}/device_authorization`);
  expect(as.grant_types_supported).toContain(DEVICE_CODE_GRANT);
  const user = await createUser(t);
  const setup = await deviceClient(t, { scope: 'read' });
  const device = await authorizeDevice(as, setup, 'read');
  await decideOnPage(new FormBrowser(t.url), user, device.user_code, 'approve');
  expect(await poll(as, setup.client, setup.auth, device.device_code)).toMatchObject({ token_type: 'bearer', scope: 'read' });
}

describe(`the device module as an outside module [${TEST_DB}]`, () => {
  it('is absent with DEVICE_AUTHORIZATION=false: no endpoint, no metadata, no grant type', async () => {
    const t = await createTestApp({ env: { DEVICE_AUTHORIZATION: 'false' } });
    try {
      const { body } = await request(t.url).get('/.well-known/oauth-authorization-server');
      expect(body.device_authorization_endpoint).toBeUndefined();
      expect(body.grant_types_supported).not.toContain(DEVICE_CODE_GRANT);
      expect((await request(t.url).post('/device_authorization')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('loads through EXTENSION_MODULES as a deployment loads any outside module, and runs', async () => {
    const t = await createTestApp({
      env: { DEVICE_AUTHORIZATION: 'false', EXTENSION_MODULES: './src/device/device-authorization.module.ts#DeviceAuthorizationModule' },
    });
    try {
      await runsTheFlow(t);
    } finally {
      await t.close();
    }
  });

  it('loads as a test’s extraModules, and runs', async () => {
    const t = await createTestApp({ env: { DEVICE_AUTHORIZATION: 'false' }, extraModules: [DeviceAuthorizationModule] });
    try {
      await runsTheFlow(t);
    } finally {
      await t.close();
    }
  });

  it('passes the ESLint rule that an extension imports the server only from a public-api.ts', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(deviceSources());
    expect(results.length).toBeGreaterThan(5);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`))).toEqual([]);
    // The rule is on for the module: an import past the public entry files is refused.
    const [bad] = await eslint.lintText("import { TokenController } from '../tokens/token.controller';\nexport const x = TokenController;\n", {
      filePath: join(ROOT, 'src', 'device', 'probe.ts'),
    });
    expect(bad.messages.map((m) => m.message)).toEqual([expect.stringContaining('imports the server only from a public-api.ts')]);
  });
});
