import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ENVIRONMENT_VARIABLE_NAMES } from '../../src/config/app-config';

const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const README = read('README.md');

/** The documents whose links must resolve: the README, SECURITY.md and every page under docs/. */
const DOCUMENTS = [
  'README.md',
  'SECURITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown without fenced code blocks and inline code, where `[x](y)` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors GitHub gives the headings of a Markdown file (lower case, punctuation dropped, spaces to hyphens, duplicates numbered). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every relative link of a document, as [the link, the file it names (from the root), the anchor]. */
function relativeLinks(document: string): [string, string, string | undefined][] {
  const links: [string, string, string | undefined][] = [];
  for (const [, target] of prose(read(document)).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [path, anchor] = target.split('#');
    const file = path === '' ? document : relative(ROOT, join(ROOT, dirname(document), path));
    links.push([target, file, anchor]);
  }
  return links;
}

/** The `## title` section of a Markdown text, up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`no section "${title}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('the repository’s documents', () => {
  it('keeps the README to a front door of at most 200 lines, with the quick start on its first screen', () => {
    const lines = README.split('\n');
    expect(lines.length).toBeLessThanOrEqual(200);
    const firstScreen = lines.slice(0, 40).join('\n');
    expect(firstScreen).toContain('npm install && npm start');
    expect(firstScreen).toContain('npm test');
  });

  it('keeps at its root only Markdown files the README links to (no working notes)', () => {
    const notes = readdirSync(ROOT).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(notes.filter((name) => !README.includes(`](${name})`))).toEqual([]);
  });

  it('links from the README to every page under docs/', () => {
    const pages = DOCUMENTS.filter((name) => name.startsWith('docs/'));
    expect(pages.filter((page) => !README.includes(`](${page})`))).toEqual([]);
  });

  it.each(DOCUMENTS)('%s: every relative link names a file, and every #anchor a heading of it', (document) => {
    const broken = relativeLinks(document).filter(([, file, anchor]) => {
      if (!existsSync(join(ROOT, file))) return true;
      return anchor !== undefined && file.endsWith('.md') && !anchors(read(file)).has(anchor);
    });
    expect(broken.map(([target]) => target)).toEqual([]);
  });

  it('documents in docs/configuration.md exactly the environment variables the configuration reads', () => {
    const documented = [...read('docs/configuration.md').matchAll(/^- `([A-Z][A-Z0-9_]*)`/gm)].map(([, name]) => name);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...ENVIRONMENT_VARIABLE_NAMES].sort());
  });

  it('writes SECURITY.md as reviewable lines: no tables, and every test it cites exists', () => {
    const security = read('SECURITY.md');
    expect(security.match(/^\|/gm)).toBeNull();
    expect(security.split('\n').filter((line) => line.length > 120)).toEqual([]);
    const cited = [...security.matchAll(/`([\w./-]+\.(?:e2e-spec|resilience-spec|spec)\.ts)`/g)].map(([, path]) => path);
    expect(cited.length).toBeGreaterThan(50);
    const missing = cited.filter((path) => ![path, `test/${path}`].some((candidate) => existsSync(join(ROOT, candidate))));
    expect(missing).toEqual([]);
  });

  it('shows one current benchmark table, with the command that produced it, and keeps the dated runs in bench/RESULTS.md', () => {
    const benchmarks = section(read('docs/benchmarks.md'), 'Current figures');
    // One table: one header separator row.
    expect(benchmarks.match(/^\|---/gm)).toHaveLength(1);
    expect(benchmarks).toMatch(/```bash\nnpm run bench -- /);
    // No dated log of runs on the page: no heading names a day.
    expect(read('docs/benchmarks.md').match(/^#+ .*\d{4}-\d{2}-\d{2}/gm)).toBeNull();
    expect(benchmarks).toContain('](../bench/RESULTS.md)');
    const history = read('bench/RESULTS.md');
    for (const run of ['Second stop of 2026-11-30', 'Runs of 2026-11-30', 'Run of 2026-11-24 11:40 UTC']) expect(history).toContain(`## ${run}`);
    // Links in the history resolve from bench/.
    for (const [, target] of history.matchAll(/\]\(((?!https?:|#)[^)#]+)/g))
      expect({ target, exists: existsSync(join(ROOT, 'bench', target)) }).toEqual({ target, exists: true });
  });
});
