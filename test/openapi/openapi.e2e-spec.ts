import SwaggerParser from '@apidevtools/swagger-parser';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument } from '../../src/app.openapi';
import { serialiseOpenApi } from '../../src/openapi/openapi-document';

describe('the OpenAPI document', () => {
  let generated: string;
  const committed = readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8');

  beforeAll(async () => {
    generated = serialiseOpenApi(await generateOpenApiDocument());
  });

  it('matches the committed openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(committed).toBe(generated);
  });

  it("passes Redocly's linter (recommended rules, redocly.yaml) without errors or warnings", () => {
    const lint = spawnSync(process.execPath, [require.resolve('@redocly/cli/bin/cli.js'), 'lint', 'openapi.json', '--format=stylish'], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(lint.stdout + lint.stderr).not.toMatch(/\b(error|warning)\b/);
    expect(lint.status).toBe(0);
  });

  it('is a valid OpenAPI 3 document', async () => {
    const api = await SwaggerParser.validate(JSON.parse(generated));
    expect(api).toHaveProperty('openapi', expect.stringMatching(/^3\./));
  });

  it('documents every OAuth, resource and admin route', () => {
    const paths = Object.keys(JSON.parse(generated).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/oauth2/authorize',
        '/authorize',
        '/invoke/pub.apigateway.oauth2/authorize',
        '/oauth2/token',
        '/token',
        '/oauth/token',
        '/invoke/pub.apigateway.oauth2/getAccessToken',
        '/oauth2/revoke',
        '/oauth2/introspect',
        '/me',
        '/oauth2/userinfo',
        '/.well-known/oauth-authorization-server',
        '/admin/applications',
        '/admin/applications/{client_id}',
        '/admin/applications/{client_id}/secret',
        '/admin/applications/{client_id}/tokens',
        '/admin/users',
        '/admin/users/{id}',
        '/admin/users/{id}/consents',
        '/admin/users/{id}/consents/{consent_id}',
        '/admin/users/{id}/tokens',
        '/admin/tokens/{id}',
        '/admin/settings',
        '/account/consents',
      ]),
    );
  });

  it('documents error responses and security for the token endpoint and the admin API', () => {
    const doc = JSON.parse(generated);
    const token = doc.paths['/oauth2/token'].post;
    expect(Object.keys(token.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(Object.keys(token.requestBody.content)).toEqual(['application/x-www-form-urlencoded', 'application/json']);
    expect(token.security).toEqual([{ client: [] }]);
    const create = doc.paths['/admin/applications'].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes).toMatchObject({ client: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('describes the token request body as one schema per registered grant, chosen by grant_type', () => {
    const doc = JSON.parse(generated);
    const body = doc.components.schemas.TokenRequestBody;
    expect(body.discriminator.propertyName).toBe('grant_type');
    expect(Object.keys(body.discriminator.mapping).sort()).toEqual(
      [
        'authorization_code',
        'client_credentials',
        'password',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:device_code',
      ].sort(),
    );
    expect(body.oneOf).toEqual(Object.values(body.discriminator.mapping).map(($ref) => ({ $ref })));
    expect(doc.components.schemas.AuthorizationCodeRequest).toMatchObject({
      properties: {
        grant_type: { enum: ['authorization_code'] },
        code: { type: 'string', minLength: 1, maxLength: 512 },
        code_verifier: { type: 'string', description: expect.stringContaining('RFC 7636') },
      },
      required: ['grant_type', 'code'],
    });
    expect(doc.components.schemas.TokenExchangeRequest.properties.subject_token_type).toEqual({
      type: 'string',
      enum: ['urn:ietf:params:oauth:token-type:access_token'],
    });
  });

  /** Every operation of the document with its method and path. */
  function operations(): { method: string; path: string; operation: { operationId: string; summary?: string; responses: Record<string, unknown> } }[] {
    const doc = JSON.parse(generated);
    return Object.entries(doc.paths as Record<string, Record<string, never>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
    );
  }

  it('names every operation readably and uniquely, the vendor aliases after their product', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    const idOf = (method: string, path: string) => operations().find((o) => o.method === method && o.path === path)?.operation.operationId;
    expect(idOf('post', '/oauth2/token')).toBe('token');
    expect(idOf('post', '/token')).toBe('tokenWso2');
    expect(idOf('post', '/oauth/token')).toBe('tokenSpring');
    expect(idOf('post', '/invoke/pub.apigateway.oauth2/getAccessToken')).toBe('tokenWebMethods');
    expect(idOf('post', '/admin/applications')).toBe('applicationsCreate');
  });

  it('gives every operation a summary', () => {
    for (const { method, path, operation } of operations())
      expect([method, path, operation.summary ?? '']).toEqual([method, path, expect.stringMatching(/\S/)]);
  });

  it('does not label every bearer token a JWT (opaque by default, JWT only for resource servers that ask)', () => {
    const bearer = JSON.parse(generated).components.securitySchemes.bearer;
    expect(bearer).toEqual({ type: 'http', scheme: 'bearer', description: 'An access token issued by this server' });
  });

  it('documents 429 where requests are rate limited or clients locked out, and 503 on every operation', () => {
    const limited = operations()
      .filter(({ operation }) => '429' in operation.responses)
      .map(({ method, path }) => `${method} ${path}`);
    expect(limited.sort()).toEqual(
      [
        'post /oauth2/token',
        'post /token',
        'post /oauth/token',
        'post /invoke/pub.apigateway.oauth2/getAccessToken',
        'post /oauth2/revoke',
        'post /revoke',
        'post /oauth2/introspect',
        'post /introspect',
        'post /oauth2/par',
        'get /oauth2/authorize',
        'get /authorize',
        'get /invoke/pub.apigateway.oauth2/authorize',
        'post /device_authorization',
        'get /device',
        'get /oauth2/upstream/callback',
        'post /oauth2/upstream/saml/acs',
        'get /oauth2/upstream/signed-out',
        'post /register',
        'post /passkeys/options',
      ].sort(),
    );
    for (const { operation } of operations()) expect(operation.responses).toHaveProperty('503');
  });

  it('shows an example of every successful answer and of every request body', () => {
    const doc = JSON.parse(generated);
    type Schema = {
      $ref?: string;
      example?: unknown;
      examples?: unknown;
      properties?: Record<string, Schema>;
      items?: Schema;
      allOf?: Schema[];
      oneOf?: Schema[];
    };
    /** An example on the schema, or on what it refers to or contains. */
    const exemplified = (schema: Schema | undefined, seen = new Set<string>()): boolean => {
      if (!schema) return false;
      if (schema.example !== undefined || schema.examples !== undefined) return true;
      if (schema.$ref) {
        if (seen.has(schema.$ref)) return false;
        seen.add(schema.$ref);
        return exemplified(doc.components.schemas[schema.$ref.split('/').pop()!], seen);
      }
      return [...Object.values(schema.properties ?? {}), schema.items, ...(schema.allOf ?? []), ...(schema.oneOf ?? [])].some((s) => exemplified(s, seen));
    };
    type Content = Record<string, Schema & { schema?: Schema }>;
    const contentExemplified = (content: Content) => Object.values(content).some((media) => exemplified(media) || exemplified(media.schema));
    const missing = operations().flatMap(({ method, path, operation }) => {
      const { responses, requestBody } = operation as unknown as { responses: Record<string, { content?: Content }>; requestBody?: { content: Content } };
      const answers = Object.entries(responses).filter(([status, response]) => status < '300' && response.content);
      return [
        ...answers.filter(([, response]) => !contentExemplified(response.content!)).map(([status]) => `${method} ${path} ${status}`),
        ...(requestBody && !contentExemplified(requestBody.content) ? [`${method} ${path} request body`] : []),
      ];
    });
    expect(missing).toEqual([]);
  });
});
