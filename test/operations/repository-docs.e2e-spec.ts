import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's section under `## title`, up to the next `## ` heading. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README.md has no section "${title}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

describe('the repository’s documents', () => {
  it('keeps at its root only Markdown files the README links to (no working notes)', () => {
    const notes = readdirSync(ROOT).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(notes.filter((name) => !README.includes(`](${name})`))).toEqual([]);
  });

  it('shows one current benchmark table in the README, with the command that produced it, and keeps the dated runs in bench/RESULTS.md', () => {
    const benchmarks = section('Benchmarks');
    // One table: one header separator row.
    expect(benchmarks.match(/^\|---/gm)).toHaveLength(1);
    expect(benchmarks).toMatch(/```bash\nnpm run bench -- /);
    // No dated log of runs in the README: no heading names a day.
    expect(benchmarks.match(/^#+ .*\d{4}-\d{2}-\d{2}/gm)).toBeNull();
    expect(benchmarks).toContain('](bench/RESULTS.md)');
    const history = readFileSync(join(ROOT, 'bench', 'RESULTS.md'), 'utf8');
    for (const run of ['Second stop of 2026-11-30', 'Runs of 2026-11-30', 'Run of 2026-11-24 11:40 UTC']) expect(history).toContain(`## ${run}`);
    // Links in the history resolve from bench/.
    for (const [, target] of history.matchAll(/\]\(((?!https?:|#)[^)#]+)/g))
      expect({ target, exists: existsSync(join(ROOT, 'bench', target)) }).toEqual({ target, exists: true });
  });
});
