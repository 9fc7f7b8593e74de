import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument } from './app.openapi';
import { serialiseOpenApi } from './openapi/openapi-document';

/** `npm run openapi`: writes openapi.json at the repository root (with the modules EXTENSION_MODULES adds). */
async function main(): Promise<void> {
  const target = join(__dirname, '..', 'openapi.json');
  writeFileSync(target, serialiseOpenApi(await generateOpenApiDocument(process.env)));
  console.error(`wrote ${target}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
