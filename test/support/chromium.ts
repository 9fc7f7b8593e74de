import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, the one browser the tests drive (no browser downloads). */
export const CHROMIUM = '/usr/bin/chromium';

const available = existsSync(CHROMIUM);

/**
 * `describe` when Chromium is installed; otherwise the suite is skipped with a visible warning, and
 * under CI=true its absence fails.
 */
export function describeBrowser(name: string, suite: () => void): void {
  if (!available) {
    if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    console.warn(`SKIPPED browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
    describe.skip(name, suite);
    return;
  }
  describe(name, suite);
}

/** Headless Chromium as the browser specs run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}
