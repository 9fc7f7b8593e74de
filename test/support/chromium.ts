import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, which the browser tests drive; CI must have it, a workstation may skip them. */
export const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
  console.warn(`SKIPPED browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
}
/** describe() when Chromium is there, describe.skip otherwise. */
export const describeBrowser = available ? describe : describe.skip;

/** Headless Chromium, quiet: no GPU, no QUIC, no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** An application's redirect URI on the loopback interface that answers every request with `html`. */
export async function loopbackPage(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** On our consent page for `clientName`: approves, and resolves once the browser has landed at `redirectUri`. */
export async function approveConsent(page: Page, clientName: string, redirectUri: string): Promise<void> {
  await page.getByRole('heading', { name: `Authorize ${clientName}` }).waitFor();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((url) => url.toString().startsWith(redirectUri));
}

/**
 * Headless Chromium and an application whose redirect URI (`…/cb` on the loopback interface) answers
 * `html`: what a browser spec starts beside its test app. `close` stops both.
 */
export async function chromiumAndLoopbackApp(html: string): Promise<{ browser: Browser; redirectUri: string; close(): Promise<void> }> {
  const app = await loopbackPage(html);
  const closeApp = () => new Promise((resolve) => app.server.close(resolve));
  try {
    const browser = await launchChromium();
    const close = async () => {
      await browser.close();
      await closeApp();
    };
    return { browser, redirectUri: `${app.url}/cb`, close };
  } catch (error) {
    await closeApp();
    throw error;
  }
}
