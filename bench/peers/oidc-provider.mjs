// The peer: node-oidc-provider 9 with its default (in-memory) store, client_credentials and introspection,
// and RFC 9068 JWT access tokens for one resource server (resource indicators), signed as ours
// (BENCH_JWT_ALG: RS256 by default, ES256 or EdDSA). BENCH_PEER_STORE=redis stores its models in Redis
// (BENCH_REDIS_URL) through ./redis-adapter.mjs, as it runs in production.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const jwtAlg = process.env.BENCH_JWT_ALG ?? 'RS256';
const redis = process.env.BENCH_PEER_STORE === 'redis';
const { RedisAdapter, disconnect } = redis ? await import('./redis-adapter.mjs') : {};
// Its own keys, one per algorithm, as ours: RSA 2048 (the size of its development key), P-256, Ed25519.
const jwk = (type, options, alg) => ({ ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: alg });
const jwks = {
  keys: [jwk('rsa', { modulusLength: 2048 }, 'RS256'), jwk('ec', { namedCurve: 'P-256' }, 'ES256'), jwk('ed25519', {}, 'EdDSA')],
};

const port = Number(process.env.PORT);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  ...(redis ? { adapter: RedisAdapter } : {}),
  jwks,
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'EdDSA'] },
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-bench-secret-bench-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'read',
    },
  ],
  scopes: ['read'],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // Without a resource parameter the token stays opaque, as before.
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== 'https://api.bench.example') throw new Error('unknown resource');
        return { scope: 'read', audience: resourceIndicator, accessTokenFormat: 'jwt', jwt: { sign: { alg: jwtAlg } } };
      },
    },
  },
  clientBasedCORS: () => true,
});
// Silence per-request error logging of the library.
provider.on('server_error', () => undefined);
const server = provider.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => (redis ? disconnect() : Promise.resolve()).finally(() => process.exit(0))));
