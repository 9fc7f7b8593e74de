import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { GrantRegistry } from '../tokens/grants/grant-registry';
import { polishOpenApi } from './polish';
import { tokenRequestSchemas } from './token-request-schema';

/** The OpenAPI document of a running application (served at /docs and written by `npm run openapi`). */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig) {
  const document = new DocumentBuilder()
    .setTitle('OAuth 2.0 Authorization Server')
    .setDescription('RFC 6749 token service with webMethods, WSO2 and Spring-compatible endpoints.')
    .setVersion('0.1.0')
    .addServer(config.issuer)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_id and client_secret' }, 'client')
    // addBearerAuth would label every token a JWT (bearerFormat); the format is the server's business.
    .addSecurity('bearer', { type: 'http', scheme: 'bearer', description: 'An access token issued by this server' })
    .build();
  const openApi = SwaggerModule.createDocument(app, document);
  // The token request body as the registered grants define it (a oneOf keyed by grant_type).
  const tokenRequest = tokenRequestSchemas(app.get(GrantRegistry, { strict: false }).requestTypes(), (name) => `#/components/schemas/${name}`);
  openApi.components = { ...openApi.components, schemas: { ...openApi.components?.schemas, ...tokenRequest.grants, TokenRequestBody: tokenRequest.body } };
  return polishOpenApi(openApi);
}

/** The committed file's text: stable key order as Nest emits it, two-space indent, final newline. */
export function serialiseOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
