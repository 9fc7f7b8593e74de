import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import { buildOpenApiDocument, createHttpAdapter } from '../app.setup';
import { loadConfig } from '../config/app-config';

/** Settings of the published document: the default local server, an in-memory database. */
const DOCUMENT_ENV = { DB_TYPE: 'sqlite', DB_PATH: ':memory:', ISSUER: 'http://localhost:3000', MANAGEMENT_PORT: '0' };

/** Builds the OpenAPI document of the whole application without opening a listener. */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(DOCUMENT_ENV);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), { logger: false, bodyParser: false });
  try {
    await app.init();
    return buildOpenApiDocument(app, config);
  } finally {
    await app.close();
  }
}

/** The committed file's text: stable key order as Nest emits it, two-space indent, final newline. */
export function serialiseOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
