import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument, serialiseOpenApi } from '../../src/openapi/openapi-document';

describe('the OpenAPI document', () => {
  let generated: string;
  const committed = readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8');

  beforeAll(async () => {
    generated = serialiseOpenApi(await generateOpenApiDocument());
  });

  it('matches the committed openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(committed).toBe(generated);
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
});
