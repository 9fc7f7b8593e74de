import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { ClientsService } from '../../src/clients/clients.service';
import { loadConfig } from '../../src/config/app-config';
import { SettingsService } from '../../src/settings/settings.service';
import { UsersService } from '../../src/users/users.service';
import { createTestDatabase, TestDatabase } from './databases';
import { freePort } from './free-port';

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** http://127.0.0.1:PORT, also the issuer. */
  readonly url: string;
  readonly clients: ClientsService;
  readonly users: UsersService;
  readonly settings: SettingsService;
  readonly dataSource: DataSource;
  readonly database: TestDatabase;
  /** Stops the app; drops the database unless `keepDatabase`. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  readonly extraModules?: Type[];
  /** Reuse a database (another instance, or a restart). */
  readonly database?: TestDatabase;
}

/** The real application, configured exactly as main.ts does, listening on a free loopback port. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A generated admin password goes to a file: in a folder of this app's own, never the source tree.
  const home = mkdtempSync(join(tmpdir(), 'oauth-test-app-'));
  const removeHome = () => rmSync(home, { recursive: true, force: true });
  let app: NestFastifyApplication | undefined;
  try {
    // No management port and no access log unless a test asks: many apps run side by side in one process.
    const config = loadConfig({
      ...database.env,
      PORT: String(port),
      ISSUER: url,
      MANAGEMENT_PORT: '0',
      ACCESS_LOG: 'false',
      ADMIN_PASSWORD_FILE: join(home, 'initial-admin-password'),
      ...options.env,
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.extraModules), createHttpAdapter(config), {
      bodyParser: false,
      logger: ['error', 'warn'],
    });
    await configureApp(app, config);
    await app.listen(port, '127.0.0.1');
  } catch (error) {
    await app?.close().catch(() => undefined);
    removeHome();
    if (!options.database) await database.drop();
    throw error;
  }
  return {
    app,
    url,
    clients: app.get(ClientsService),
    users: app.get(UsersService),
    settings: app.get(SettingsService),
    dataSource: app.get(DataSource),
    database,
    close: async ({ keepDatabase = false } = {}) => {
      await app.close();
      removeHome();
      if (!keepDatabase) await database.drop();
    },
  };
}

/** Two instances on one database, as behind a load balancer; `close` stops both and drops the database. */
export interface TestAppPair {
  readonly a: TestApp;
  readonly b: TestApp;
  close(): Promise<void>;
}

export async function createTestAppPair(options: TestAppOptions = {}): Promise<TestAppPair> {
  const a = await createTestApp(options);
  const b = await createTestApp({ ...options, database: a.database });
  return {
    a,
    b,
    close: async () => {
      await b.close({ keepDatabase: true });
      await a.close();
    },
  };
}
