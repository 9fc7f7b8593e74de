import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { createTestApp, TestApp, type TestAppPair } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, AdminApi, appPairWithAdminApi } from '../support/admin';
import { signInAndRedeem } from '../support/relying-app';
import { SigningKeysService } from '../../src/keys/signing-keys.service';
import { SIGNING_ALGORITHMS } from '../../src/keys/signing-key.entity';
import { sql } from '../support/sql';

const REDIRECT_URI = 'https://rp.example.com/cb';

/** Two instances on one database, as behind a load balancer. */
describe(`signing key rotation across instances [${TEST_DB}]`, () => {
  let pair: TestAppPair;
  let admin: AdminApi;
  let app: { client_id: string; client_secret: string };

  beforeAll(async () => {
    ({ api: admin, ...pair } = await appPairWithAdminApi());
    app = (await admin.post('/admin/applications', { client_name: 'RP', redirect_uris: [REDIRECT_URI], scope: 'openid' })).body;
    await admin.post('/admin/users', { username: 'kim', password: 'kim-password' });
  });
  afterAll(() => pair.close());

  const idToken = async (instance: TestApp): Promise<string> => {
    const authorize = `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=openid&nonce=n`;
    const res = await signInAndRedeem(instance.url, app, authorize, REDIRECT_URI, { username: 'kim', password: 'kim-password' });
    return res.body.id_token as string;
  };
  const jwks = async (instance: TestApp) => (await request(instance.url).get('/oauth2/jwks')).body as { keys: { kid: string; alg: string }[] };
  const verify = async (token: string, instance: TestApp) => jwtVerify(token, createLocalJWKSet(await jwks(instance)), { audience: app.client_id });

  it('publishes a rotated key at once on both instances, signs with it only after activate_after, and keeps verifying older tokens', async () => {
    const before = await idToken(pair.a);
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await admin.post('/admin/keys/rotate', { activate_after: 3600, algorithms: ['RS256'] });
    expect(rotated.status).toBe(201);
    const [pending] = rotated.body;
    expect(pending).toMatchObject({ alg: 'RS256', status: 'pending' });
    // Published at once, on the other instance too; still not signing.
    expect((await jwks(pair.b)).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, pending.kid]));
    expect(decodeProtectedHeader(await idToken(pair.b)).kid).toBe(oldKid);

    const now = await admin.post('/admin/keys/rotate', { activate_after: 0, algorithms: ['RS256'] });
    const [active] = now.body;
    expect(active.status).toBe('active');
    for (const instance of [pair.a, pair.b]) expect(decodeProtectedHeader(await idToken(instance)).kid).toBe(active.kid);
    // A token signed before the rotation still verifies against the published set, on either instance.
    await expect(verify(before, pair.b)).resolves.toBeDefined();
  });

  it('keeps a retired key published as long as the longest-lived token it may have signed, resource servers included', async () => {
    await admin.post('/admin/resources', { identifier: 'https://long.example', name: 'Long', access_token_ttl: 100_000 });
    const [key] = (await admin.post('/admin/keys/rotate', { algorithms: ['ES256'] })).body;
    const retired = (
      (await admin.get('/admin/keys')).body as {
        alg: string;
        retires_at: number | null;
        published_until: number | null;
        kid: string;
      }[]
    ).filter((k) => k.alg === 'ES256' && k.kid !== key.kid && k.retires_at === key.activates_at);
    expect(retired.length).toBeGreaterThan(0);
    for (const k of retired) expect(k.published_until! - k.retires_at!).toBeGreaterThanOrEqual(100_000);
  });

  it('keeps a retired key published as long as the longest access token an application may hold', async () => {
    await admin.post('/admin/applications', { client_name: 'Long-lived', access_token_ttl: 200_000, access_token_format: 'jwt' });
    const [key] = (await admin.post('/admin/keys/rotate', { algorithms: ['EdDSA'] })).body;
    const keys = (await admin.get('/admin/keys')).body as {
      alg: string;
      retires_at: number | null;
      published_until: number | null;
      kid: string;
    }[];
    const retired = keys.filter((k) => k.alg === 'EdDSA' && k.kid !== key.kid && k.retires_at === key.activates_at);
    expect(retired.length).toBeGreaterThan(0);
    for (const k of retired) expect(k.published_until! - k.retires_at!).toBeGreaterThanOrEqual(200_000);
  });

  it('lists keys without private material, and drops a retired key from the JWKS only once its tokens have expired', async () => {
    const keys = (await admin.get('/admin/keys')).body as {
      kid: string;
      status: string;
      published_until: number | null;
      retires_at: number | null;
      private_key?: string;
    }[];
    expect(JSON.stringify(keys)).not.toMatch(/private|"d":/);
    const retired = keys.filter((k) => k.retires_at !== null);
    expect(retired.length).toBeGreaterThan(0);
    for (const key of retired) {
      // Published at least as long as an ID Token or access token signed at its retirement lives.
      expect(key.published_until! - key.retires_at!).toBeGreaterThanOrEqual(3600);
      expect((await jwks(pair.b)).keys.map((k) => k.kid)).toContain(key.kid);
    }
    // Time passes (simulated): the retired keys' tokens have all expired.
    await sql(pair.a.dataSource, 'UPDATE signing_keys SET published_until = ? WHERE retires_at IS NOT NULL', [Math.floor(Date.now() / 1000) - 1]);
    const published = (await jwks(pair.b)).keys.map((k) => k.kid);
    for (const key of retired) expect(published).not.toContain(key.kid);
    expect(published).toHaveLength(SIGNING_ALGORITHMS.length);
  });

  it('rotates on schedule once the newest key is KEY_ROTATION_DAYS old, and not before', async () => {
    const c = await createTestApp({ env: { ADMIN_PASSWORD, KEY_ROTATION_DAYS: '30', KEY_ROTATION_ACTIVATE_AFTER: '600' }, database: pair.a.database });
    try {
      const keys = c.app.get(SigningKeysService);
      const now = Math.floor(Date.now() / 1000);
      expect(await keys.rotateIfDue(now)).toEqual([]);
      const rotated = await keys.rotateIfDue(now + 30 * 86_400);
      expect(rotated.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
      expect(rotated[0].activatesAt).toBeGreaterThanOrEqual(now + 600);
      // Published at once on the other instances, signing only later.
      const published = (await jwks(pair.a)).keys.map((k) => k.kid);
      for (const key of rotated) expect(published).toContain(key.kid);
    } finally {
      await c.close({ keepDatabase: true });
    }
  });

  it('refuses a rotation request with an unknown algorithm or a negative delay', async () => {
    expect((await admin.post('/admin/keys/rotate', { algorithms: ['HS256'] })).status).toBe(400);
    expect((await admin.post('/admin/keys/rotate', { activate_after: -1 })).status).toBe(400);
    expect((await request(pair.a.url).post('/admin/keys/rotate').send({})).status).toBe(401);
  });
});
