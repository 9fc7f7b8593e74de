import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, Browser } from 'playwright-core';
import { s256 } from '../../src/pkce/pkce';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser } from '../support/factories';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
  console.warn(`SKIPPED browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
}
const describeBrowser = available ? describe : describe.skip;

describeBrowser(`authorization code + PKCE in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let callback: Server;
  let callbackUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t, { username: 'alice', password: 'wonderland-2026' });
    callback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Signed in.</p>'));
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/cb`;
    browser = await chromium.launch({
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
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => callback?.close(resolve));
    await t?.close();
  });

  it('signs in, approves, lands on the redirect URI with a code, and exchanges it', async () => {
    const client = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: [callbackUrl], clientName: 'Mobile Banking', scope: 'read' });
    const verifier = 'kx0Tq4lQ2y3Vh-7hNj3bX5tq9hFq0kZrW4vYvGk2cOQ';
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const authorize = `${t.url}/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: callbackUrl,
      scope: 'read',
      state: 'browser-state',
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
    })}`;

    await page.goto(authorize);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wonderland-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Authorize Mobile Banking' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.toString().startsWith(callbackUrl));

    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state');
    const code = landed.searchParams.get('code')!;
    const res = await fetch(`${t.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callbackUrl, client_id: client.clientId, code_verifier: verifier }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', scope: 'read' });

    const cookies = await context.cookies(t.url);
    const session = cookies.find((c) => c.name === 'oauth_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await context.close();
  });

  it('shows an error page, not a redirect, for an unregistered redirect URI', async () => {
    const client = await createClient(t, { redirectUris: [callbackUrl] });
    const page = await browser.newPage();
    const response = await page.goto(
      `${t.url}/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/evil')}`,
    );
    expect(response?.status()).toBe(400);
    expect(page.url()).toContain(t.url);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('invalid_request');
    await page.close();
  });
});
