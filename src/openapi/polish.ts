import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The protocol endpoints, named as the RFCs name them, and their aliases (the same handler at a
 * vendor's path) after the product whose path it is, so that generated clients read `tokenWso2()`.
 */
const PROTOCOL_OPERATION_IDS: Readonly<Record<string, string>> = {
  'post /oauth2/token': 'token',
  'post /token': 'tokenWso2',
  'post /oauth/token': 'tokenSpring',
  'post /invoke/pub.apigateway.oauth2/getAccessToken': 'tokenWebMethods',
  'post /oauth2/revoke': 'revoke',
  'post /revoke': 'revokeWso2',
  'post /oauth2/introspect': 'introspect',
  'post /introspect': 'introspectWso2',
  'get /me': 'me',
  'get /oauth2/userinfo': 'userInfo',
  'post /me': 'mePost',
  'post /oauth2/userinfo': 'userInfoPost',
  'get /oauth2/authorize': 'authorize',
  'get /authorize': 'authorizeWso2',
  'get /invoke/pub.apigateway.oauth2/authorize': 'authorizeWebMethods',
  'get /oauth2/logout': 'endSession',
  'get /logout': 'endSessionShort',
  'get /oauth2/jwks': 'jwks',
  'get /.well-known/jwks.json': 'jwksWellKnown',
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

/**
 * Operation ids that read as names: the protocol endpoints above, everything else its resource and
 * handler (`applicationsCreate`, `healthReady`); Nest's default is `TokenController_token[1]`.
 * Every route may answer 503 (the request deadline, REQUEST_TIMEOUT_MS, applies to all), so each
 * documents it.
 */
export function polishOpenApi(document: OpenAPIObject): OpenAPIObject {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => (item as Record<string, unknown>)[method]).map((method) => ({
      key: `${method} ${path}`,
      operation: (item as Record<string, Operation>)[method],
    })),
  );
  const seen = new Set<string>();
  for (const { key, operation } of operations) {
    const { resource, handler, alias } = parseNestId(operation.operationId ?? '');
    const id = PROTOCOL_OPERATION_IDS[key] ?? (alias === undefined ? `${resource}${handler[0].toUpperCase()}${handler.slice(1)}` : undefined);
    // A new alias path needs a name here; two handlers must not end up with one id.
    if (id === undefined || seen.has(id)) throw new Error(`give ${key} an operation id of its own in PROTOCOL_OPERATION_IDS`);
    seen.add(id);
    operation.operationId = id;
    // The pages, metadata and probes are public: say so rather than leave security undefined.
    operation.security ??= [];
    operation.responses['503'] ??= {
      description: 'temporarily_unavailable: a dependency did not answer in time (`Retry-After` may say when to retry)',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
    };
  }
  return document;
}

/** `ApplicationsController_create` or `TokenController_token[1]` into its parts. */
function parseNestId(id: string): { resource: string; handler: string; alias?: number } {
  const match = /^(\w+?)Controller_(\w+?)(?:\[(\d+)\])?$/.exec(id);
  if (!match) throw new Error(`unexpected operation id ${id}`);
  const [, controller, handler, alias] = match;
  return { resource: controller[0].toLowerCase() + controller.slice(1), handler, alias: alias === undefined ? undefined : Number(alias) };
}
