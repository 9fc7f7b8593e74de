/**
 * `node bench/validation-pair.cjs [<checkout>]` (dist/ built; N validations per batch, ROUNDS):
 * the CPU µs the global validation pipe spends on one introspection body (TokenRequestDto), with
 * every module of the server loaded (so every DTO's rules are declared, as in the running server),
 * without and with the rules cached (common/http/validation-metadata-cache.ts), each in a process
 * of its own, in alternating rounds.
 */
const { execFileSync } = require('node:child_process');
const dir = process.argv[2] ?? require('node:path').join(__dirname, '..');
const N = Number(process.env.N ?? 100000);
const ROUNDS = Number(process.env.ROUNDS ?? 8);

async function child(cached) {
  require(`${dir}/dist/src/app.module.js`);
  const { ValidationPipe } = require('@nestjs/common');
  const { TokenRequestDto } = require(`${dir}/dist/src/tokens/dto/token-request.dto.js`);
  if (cached) require(`${dir}/dist/src/common/http/validation-metadata-cache.js`).cacheValidationMetadata();
  const pipe = new ValidationPipe({ whitelist: true, transform: true, forbidUnknownValues: false });
  const metadata = { type: 'body', metatype: TokenRequestDto, data: undefined };
  const body = () => ({ token: 'x'.repeat(43), token_type_hint: 'access_token' });
  for (let i = 0; i < 20000; i++) await pipe.transform(body(), metadata);
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await pipe.transform(body(), metadata);
  const used = process.cpuUsage(start);
  process.stdout.write(String((used.user + used.system) / N));
}

if (process.env.VALIDATION_PAIR_CHILD) {
  void child(process.env.VALIDATION_PAIR_CHILD === 'cached');
} else {
  const run = (mode) => Number(execFileSync(process.execPath, [__filename, dir], { env: { ...process.env, VALIDATION_PAIR_CHILD: mode } }));
  const ratios = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? ['plain', 'cached'] : ['cached', 'plain'];
    const result = {};
    for (const mode of order) result[mode] = run(mode);
    ratios.push(result.cached / result.plain);
    console.log(`round ${round}: ${result.plain.toFixed(2)} µs without the cache, ${result.cached.toFixed(2)} µs with it`);
  }
  ratios.sort((a, b) => a - b);
  console.log(`median ratio with/without: ${ratios[Math.floor(ratios.length / 2)].toFixed(3)}`);
}
