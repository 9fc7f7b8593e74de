import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** axe-core, injected into the page as a script (the pages' CSP forbids scripts: open them in a context with bypassCSP). */
const AXE_SOURCE = readFileSync(join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** WCAG 2.0, 2.1 and 2.2 levels A and AA, and axe's best practices (landmarks, one h1, …). */
const RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** The narrowest common phone screen, in CSS pixels. */
export const NARROW_VIEWPORT = { width: 360, height: 740 };

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/** What axe-core finds wrong with the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: RawViolation[] }> } }).axe;
    interface RawViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[]; failureSummary?: string }[];
    }
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  }, RULE_TAGS);
}

/** The page's content width at a 360-pixel viewport (more than 360: it scrolls sideways); the viewport is restored. */
export async function narrowScrollWidth(page: Page): Promise<number> {
  const before = page.viewportSize();
  await page.setViewportSize(NARROW_VIEWPORT);
  const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
  if (before) await page.setViewportSize(before);
  return width;
}

/** Asserts the page has no axe-core violation and no horizontal scroll on a 360-pixel screen. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
  const width = await narrowScrollWidth(page);
  expect({ page: name, fitsNarrowScreen: width <= NARROW_VIEWPORT.width || width }).toEqual({ page: name, fitsNarrowScreen: true });
}

/** Waits until the page shows the heading `heading` (it has loaded, or moved on), then expectAccessible. */
export async function expectAccessibleAt(page: Page, heading: string | RegExp, name: string): Promise<void> {
  await page.getByRole('heading', { name: heading }).waitFor();
  await expectAccessible(page, name);
}
