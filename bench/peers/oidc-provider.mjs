// The peer: node-oidc-provider 9 with its default (in-memory) store, client_credentials and introspection,
// and RFC 9068 JWT access tokens for one resource server (resource indicators), signed as ours
// (BENCH_JWT_ALG: RS256 by default, ES256 or EdDSA). BENCH_PEER_STORE=redis stores its models in Redis
// (BENCH_REDIS_URL) through ./redis-adapter.mjs, as it runs in production. Authorization codes and
// refresh tokens for the redemption scenarios are minted by POST /bench/mint (below), not through an
// interactive sign-in: the redemption at /token is what is measured, exactly as the library runs it.
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
const REDIRECT_URI = 'http://127.0.0.1/cb';
const provider = new Provider(`http://127.0.0.1:${port}`, {
  ...(redis ? { adapter: RedisAdapter } : {}),
  jwks,
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'EdDSA'] },
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-bench-secret-bench-secret',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      redirect_uris: [REDIRECT_URI],
      response_types: ['code'],
      scope: 'read offline_access',
    },
  ],
  scopes: ['openid', 'offline_access', 'read'],
  // The bench mints codes minutes before their scenario runs, as it does ours: both sides' codes live
  // 10 minutes in the bench (ours: AUTHORIZATION_CODE_TTL=600), where the library's 60 s would expire them.
  ttl: { AuthorizationCode: 600 },
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
// POST /bench/mint?kind=code|refresh&n=N: N single-use inputs, each of its own grant (as each of ours
// comes from its own authorization), for scope `read offline_access`: a code redemption then also
// issues a refresh token, as ours does; no `openid`, so no ID Token on either side. The refresh tokens
// are those an authorization code would have issued (gty authorization_code); the library's default
// rotateRefreshToken decides whether they rotate (it does not, for a confidential client early in the
// token's life).
provider.use(async (ctx, next) => {
  if (ctx.method !== 'POST' || ctx.path !== '/bench/mint') return next();
  const n = Math.min(Number(ctx.query.n) || 1, 10000);
  const client = await provider.Client.find('bench');
  const values = [];
  for (let i = 0; i < n; i++) {
    const grant = new provider.Grant({ accountId: 'bench-user', clientId: client.clientId });
    grant.addOIDCScope('read offline_access');
    const grantId = await grant.save();
    const fields = { accountId: 'bench-user', client, grantId, scope: 'read offline_access' };
    const model =
      ctx.query.kind === 'refresh'
        ? new provider.RefreshToken({ ...fields, gty: 'authorization_code' })
        : new provider.AuthorizationCode({ ...fields, redirectUri: REDIRECT_URI });
    values.push(await model.save());
  }
  ctx.body = values;
});
// Silence per-request error logging of the library.
provider.on('server_error', () => undefined);
const server = provider.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => (redis ? disconnect() : Promise.resolve()).finally(() => process.exit(0))));
