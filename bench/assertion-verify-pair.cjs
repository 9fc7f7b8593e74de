/**
 * `node bench/assertion-verify-pair.cjs <baseline checkout> <this checkout>` (both with dist/ built;
 * SAME=1 reuses one client object, as the in-process client cache does; N per batch, ROUNDS):
 * the CPU µs of one private_key_jwt (ES256) presentation + verification in one process, the two
 * builds in alternating batches, next to one bare ES256 node:crypto verify in the same round. The
 * replay cache is an in-memory set, so the figure is the check alone, without the Redis write.
 */
const { generateKeyPairSync, randomUUID } = require('node:crypto');
const [baseDir, mineDir] = process.argv.slice(2);
const load = (dir) => ({
  assertion: require(`${dir}/dist/src/clients/authentication/client-assertion.js`),
  method: require(`${dir}/dist/src/clients/authentication/private-key-jwt.method.js`),
  keys: require(`${dir}/dist/src/clients/client-keys.js`),
  config: require(`${dir}/dist/src/config/app-config.js`),
});
const jose = require('jose');
// ClientKeys took the whole configuration before it took the two settings it reads.
const clientKeys = (ClientKeys, config) =>
  ClientKeys.length >= 3 ? new ClientKeys(config.clientJwksUriAllowPrivate, config.clientJwksUriCooldownSeconds) : new ClientKeys(config);
async function main() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' };
  const builds = {};
  for (const [name, dir] of [['main', baseDir], ['branch', mineDir]]) {
    const m = load(dir);
    const config = m.config.loadConfig({});
    const seen = new Set();
    const replay = { claim: async (ns, id) => (seen.has(ns + id) ? false : (seen.add(ns + id), true)) };
    const verifier = new m.assertion.ClientAssertionVerifier(config.fapiProfile, config.issuer, replay);
    const method = new m.method.PrivateKeyJwtMethod(clientKeys(m.keys.ClientKeys, config), verifier);
    builds[name] = { m, config, method };
  }
  const issuer = builds.main.config.issuer;
  const client = { id: 'app', tokenEndpointAuthSigningAlg: null, fapiProfile: null, jwks: { keys: [jwk] }, jwksUri: null };
  const N = Number(process.env.N ?? 1000);
  const make = async () => {
    const now = Math.floor(Date.now() / 1000);
    const out = [];
    for (let i = 0; i < N; i++)
      out.push(await new jose.SignJWT({ iss: 'app', sub: 'app', aud: issuer, exp: now + 120, iat: now, jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey));
    return out;
  };
  const run = async (name, assertions) => {
    const { method } = builds[name];
    const endpoint = `${issuer}/oauth2/token`;
    const start = process.cpuUsage();
    let ok = 0;
    const same = { client, secretEncrypted: null };
    for (const a of assertions) {
      // SAME=1: one client object for every request (the in-process client cache); else a new row each time
      const stored = process.env.SAME ? same : { client: { ...client, jwks: { keys: [{ ...jwk }] } }, secretEncrypted: null };
      const presented = method.present({ headers: {}, parameters: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a }, endpoint, certificate: null });
      if (await method.verify(presented, stored)) ok++;
    }
    const used = process.cpuUsage(start);
    if (ok !== assertions.length) throw new Error(`${name}: ${ok}/${assertions.length} verified`);
    return (used.user + used.system) / assertions.length;
  };
  // warm-up
  await run('main', await make()); await run('branch', await make());
  const rows = [];
  for (let round = 0; round < Number(process.env.ROUNDS ?? 6); round++) {
    const order = round % 2 === 0 ? ['main', 'branch'] : ['branch', 'main'];
    const r = {};
    for (const name of order) r[name] = await run(name, await make());
    // one bare ES256 verify in the same round: the floor
    const data = Buffer.from('x'.repeat(300));
    const sig = require('node:crypto').sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const s = process.cpuUsage();
    for (let i = 0; i < N; i++) require('node:crypto').verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
    const u = process.cpuUsage(s);
    r.es256 = (u.user + u.system) / N;
    rows.push(r);
    console.log(`round ${round + 1}: main ${r.main.toFixed(1)} µs, branch ${r.branch.toFixed(1)} µs, ratio ${(r.branch / r.main).toFixed(3)}, bare ES256 verify ${r.es256.toFixed(1)} µs, branch - bare ${(r.branch - r.es256).toFixed(1)} µs`);
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  console.log(`median: main ${med(rows.map((r) => r.main)).toFixed(1)}, branch ${med(rows.map((r) => r.branch)).toFixed(1)}, ratio ${med(rows.map((r) => r.branch / r.main)).toFixed(3)}, bare ES256 ${med(rows.map((r) => r.es256)).toFixed(1)}, branch over bare ${med(rows.map((r) => r.branch - r.es256)).toFixed(1)} µs`);
}
main().catch((e) => { console.error(e); process.exit(1); });
