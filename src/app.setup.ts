import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { json, urlencoded } from 'express';
import helmet from 'helmet';
import type { AppConfig } from './config/app-config';
import { AUTHORIZE_PATHS } from './consent/authorize-request';
import { requestContextMiddleware } from './common/http/request-context';
import { requestTimeout } from './common/http/request-timeout';
import { createValidationPipe } from './common/http/validation';
import { OAuthExceptionFilter } from './common/oauth/oauth-exception.filter';

export function buildOpenApiDocument(app: INestApplication, config: AppConfig) {
  const document = new DocumentBuilder()
    .setTitle('OAuth 2.0 Authorization Server')
    .setDescription('RFC 6749 token service with webMethods, WSO2 and Spring-compatible endpoints.')
    .setVersion('0.1.0')
    .addServer(config.issuer)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_id and client_secret' }, 'client')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An access token' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, document);
}

/** Everything main.ts and the tests share: parsers, security headers, errors, validation, docs. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(requestTimeout(config.requestTimeoutMs));
  // CSP is set per page (login/consent); the JSON API has no use for the default policy.
  app.use(helmet({ contentSecurityPolicy: false, frameguard: { action: 'deny' }, referrerPolicy: { policy: 'no-referrer' } }));
  // RFC 6749 §3.2 form bodies, plus JSON for webMethods' getAccessToken (seeds 000, 001).
  app.use(json({ limit: '64kb' }));
  app.use(urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  // Cookies matter only to the browser pages (login session, CSRF): parse them there alone.
  app.use([...AUTHORIZE_PATHS.map((path) => `/${path}`), '/account'], cookieParser());
  app.use(requestContextMiddleware);
  app.useGlobalFilters(new OAuthExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
