import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { listenOn } from './common/http/listen';
import { startMtlsListener } from './common/http/mtls-listener';
import { AppLogger } from './common/logging/app-logger';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { checkBeforeStart, listenError, StartupError } from './startup/startup-checks';

async function bootstrap(): Promise<void> {
  const config: AppConfig = loadConfig(process.env);
  await checkBeforeStart(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    bodyParser: false,
    logger: new AppLogger(config),
  });
  await configureApp(app, config);
  const logger = new Logger('Bootstrap');
  let mtlsServer: HttpsServer | undefined;
  // Graceful shutdown: stop accepting, let in-flight requests finish, close the pools, exit 0.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal} received: finishing in-flight requests`);
      const deadline = setTimeout(() => process.exit(1), 30_000);
      deadline.unref();
      // Drain HTTP first (stop accepting, let accepted requests finish), then close the pools:
      // Nest's own close would close the pools while requests are still using them.
      Promise.all([drainHttp(app), mtlsServer && drainServer(mtlsServer)])
        .then(() => app.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error(`shutdown failed: ${(error as Error).message}`);
            process.exit(1);
          },
        );
    });
  }
  await listenOn((host) => app.listen(config.port, host), config.host).catch((error: unknown) => {
    throw listenError(error);
  });
  logger.log(`Authorization server listening on ${config.issuer} (database: ${config.database.type})`);
  if (config.mtls) {
    const mtls = config.mtls;
    await listenOn(async (host) => {
      mtlsServer = await startMtlsListener(app.getHttpAdapter().getInstance(), mtls, host);
    }, config.host).catch((error: unknown) => {
      throw listenError(error);
    });
    logger.log(`HTTPS listener asking for client certificates on port ${mtls.port}`);
  }
}

/**
 * Stops accepting connections and resolves once every accepted request has been answered. A
 * keep-alive connection is closed as soon as it is idle, so clients cannot hold the drain open.
 */
async function drainHttp(app: NestFastifyApplication): Promise<void> {
  const server = app.getHttpServer() as Server;
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  try {
    await app.getHttpAdapter().close();
  } finally {
    clearInterval(sweep);
  }
}

/** The same for the HTTPS listener of client certificates, which Nest does not know about. */
async function drainServer(server: HttpsServer): Promise<void> {
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  try {
    await new Promise((resolve) => server.close(resolve));
  } finally {
    clearInterval(sweep);
  }
}

// What an operator can fix (a bad variable, a busy port, a database that is missing, refuses the
// credentials or does not answer) is one line on stderr and exit 1; anything else keeps its stack.
bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
});
