import request from 'supertest';
import type { NewClient } from '../../src/clients/clients.service';
import type { NewUser } from '../../src/users/users.service';
import { createTestApp, type TestApp } from './create-test-app';

export interface TestClient {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** `Authorization: Basic …` for this client (confidential clients only). */
  readonly basic: string;
  readonly redirectUri: string;
}

export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** What supertest can send to: a URL (a test app's `url`) or a server. */
type Server = Parameters<typeof request>[0];

/** A form POST of `fields` to `path`, authenticated by `authorization` (an `Authorization` header value) when given. */
function formPost(server: Server, path: string, fields: Record<string, unknown>, authorization?: string): request.Test {
  const req = request(server).post(path);
  if (authorization !== undefined) req.set('Authorization', authorization);
  return req.type('form').send(fields);
}

/**
 * A token request (RFC 6749 §3.2: a form POST to the token endpoint) with `fields`, authenticated
 * by `authorization` (an `Authorization` header value, e.g. basicAuth(...)) when given.
 */
export function tokenRequest(server: Server, fields: Record<string, unknown>, authorization?: string): request.Test {
  return formPost(server, '/oauth2/token', fields, authorization);
}

/** An introspection request (RFC 7662 §2.1): `token`, and `token_type_hint` when given, as tokenRequest sends its fields. */
export function introspectionRequest(server: Server, fields: Record<string, unknown>, authorization?: string): request.Test {
  return formPost(server, '/oauth2/introspect', fields, authorization);
}

/** A revocation request (RFC 7009 §2.1): `token`, and `token_type_hint` when given, as tokenRequest sends its fields. */
export function revocationRequest(server: Server, fields: Record<string, unknown>, authorization?: string): request.Test {
  return formPost(server, '/oauth2/revoke', fields, authorization);
}

/** The grant types every instance supports without an extension module: what createClient allows by default. */
export const BUILT_IN_GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token', 'password', 'client_credentials'];

/** A confidential client allowed every built-in grant, unless overridden. */
export async function createClient(testApp: TestApp, overrides: Partial<NewClient> = {}): Promise<TestClient> {
  const input: NewClient = {
    clientName: 'Test Application',
    redirectUris: ['http://test.com'],
    grantTypes: [...BUILT_IN_GRANT_TYPES],
    scope: 'email read write PRODUCTION',
    tokenEndpointAuthMethod: 'client_secret_basic',
    ...overrides,
  };
  const { client, clientSecret } = await testApp.clients.create(input);
  return {
    clientId: client.id,
    clientSecret,
    basic: clientSecret ? basicAuth(client.id, clientSecret) : '',
    redirectUri: input.redirectUris[0] ?? '',
  };
}

let userCounter = 0;

export interface TestUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly email: string | null;
}

export async function createUser(
  testApp: TestApp,
  overrides: Partial<Pick<NewUser, 'username' | 'email' | 'roles' | 'enabled'>> & { readonly password?: string } = {},
): Promise<TestUser> {
  const username = overrides.username ?? `user${++userCounter}@example.com`;
  const password = overrides.password ?? 'correct horse battery staple';
  const user = await testApp.users.create({ email: username.includes('@') ? username : null, ...overrides, username, password });
  return { id: user.id, username, password, email: user.email };
}

/** A password grant request (RFC 6749 §4.3) of `client` (client_secret_basic) for `user`, at `path`. */
export function passwordGrantRequest(
  testApp: TestApp,
  client: Pick<TestClient, 'basic'>,
  user: Pick<TestUser, 'username' | 'password'>,
  path = '/oauth/token',
) {
  return request(testApp.url)
    .post(path)
    .set('Authorization', client.basic)
    .type('form')
    .send({ grant_type: 'password', username: user.username, password: user.password });
}

/** A started test app with one confidential client (`client` overrides) and one user (`user` overrides); the caller closes it. */
export async function appWithClientAndUser(
  client: Partial<NewClient> = {},
  user: Parameters<typeof createUser>[1] = {},
  env: Record<string, string> = {},
): Promise<{ t: TestApp; client: TestClient; user: TestUser }> {
  const t = await createTestApp({ env });
  return { t, client: await createClient(t, client), user: await createUser(t, user) };
}

/** A started test app with one confidential client (`client` overrides); the caller closes it. */
export async function appWithClient(client: Partial<NewClient> = {}, env: Record<string, string> = {}): Promise<{ t: TestApp; client: TestClient }> {
  const t = await createTestApp({ env });
  return { t, client: await createClient(t, client) };
}
