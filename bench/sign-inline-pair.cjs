// What one JWS signature costs on the calling thread against a hop to the libuv pool, in one
// process, 50 signatures in flight, per algorithm; CPU is the process's (every thread).
// Run: node bench/sign-inline-pair.cjs. Why: src/keys/compact-jws.ts signs ES256 and EdDSA inline.
const { generateKeyPairSync, sign } = require('node:crypto');

const keys = {
  ES256: { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, dsaEncoding: 'ieee-p1363' },
  EdDSA: generateKeyPairSync('ed25519').privateKey,
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
};
const digest = (alg) => (alg === 'EdDSA' ? null : 'sha256');
const input = Buffer.from('x'.repeat(400));

async function run(alg, inline, count) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let started = 0;
  const one = () =>
    inline
      ? Promise.resolve(sign(digest(alg), input, keys[alg]))
      : new Promise((resolve, reject) => sign(digest(alg), input, keys[alg], (error, s) => (error ? reject(error) : resolve(s))));
  const worker = async () => {
    while (started++ < count) await one();
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / count, wall: ((performance.now() - start) * 1000) / count };
}

(async () => {
  for (const alg of Object.keys(keys))
    for (let round = 0; round < 2; round++)
      for (const inline of [true, false]) {
        const { cpu, wall } = await run(alg, inline, alg === 'RS256' ? 2000 : 20000);
        console.log(`${alg} ${inline ? 'inline' : 'pool  '}: ${cpu.toFixed(1)} µs CPU, ${wall.toFixed(1)} µs wall per signature`);
      }
})();
