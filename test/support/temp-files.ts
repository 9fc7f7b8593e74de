import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Files a test hands the server by path (certificates, key sets), in a fresh temporary folder. */
export interface TempFiles {
  /** Each file's absolute path, by the name it was given. */
  readonly paths: Readonly<Record<string, string>>;
  /** Deletes the folder and its files. */
  remove(): void;
}

/** Writes `files` (name → content) to a new temporary folder; the caller removes it. */
export function writeTempFiles(files: Record<string, string>): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), 'test-files-'));
  const paths = Object.fromEntries(Object.keys(files).map((name) => [name, join(dir, name)]));
  for (const [name, content] of Object.entries(files)) writeFileSync(paths[name], content);
  return { paths, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
