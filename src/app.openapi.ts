import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { createHttpAdapter } from './app.setup';
import { randomToken } from './common/crypto/tokens';
import { loadConfig } from './config/app-config';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** Settings of the published document: the default local server, an in-memory database. */
const DOCUMENT_ENV = { DB_TYPE: 'sqlite', DB_PATH: ':memory:', ISSUER: 'http://localhost:3000', MANAGEMENT_PORT: '0' };

/**
 * Builds the OpenAPI document of the whole application without opening a listener. It sits beside
 * main.ts because it boots AppModule: src/openapi/ only describes, it never imports the bootstrap.
 * Only EXTENSION_MODULES is read from `env`: the endpoints the deployment adds are documented too.
 */
export async function generateOpenApiDocument(env: Record<string, string | undefined> = {}): Promise<OpenAPIObject> {
  // The in-memory administrator dies with the document's app: a password nobody needs, so no
  // ADMIN_PASSWORD_FILE is written into the working directory (the source tree for npm run openapi).
  const config = loadConfig({ ...DOCUMENT_ENV, ADMIN_PASSWORD: randomToken(), EXTENSION_MODULES: env.EXTENSION_MODULES });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), { logger: false, bodyParser: false });
  try {
    await app.init();
    return buildOpenApiDocument(app, config);
  } finally {
    await app.close();
  }
}
