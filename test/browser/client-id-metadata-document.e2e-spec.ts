import { decodeJwt } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { s256 } from '../../src/pkce/pkce';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import { describeBrowser, launchChromium } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createUser } from '../support/factories';

const MCP_SERVER = 'https://mcp.example.com/mcp';
/** A 1×1 PNG: the client's logo. */
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/**
 * An MCP-style client known only by the URL of its metadata document: its web site (on the loopback
 * interface, under the development setting) serves the document, its logo and its callback page.
 */
describeBrowser(`Client ID Metadata Document sign-in in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let base = '';
  const hits = new Map<string, number>();

  beforeAll(async () => {
    site = createServer((req, res) => {
      const path = new URL(req.url!, base).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/client.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
        return res.end(
          JSON.stringify({
            client_id: `${base}/client.json`,
            client_name: 'Browser Agent',
            logo_uri: `${base}/logo.png`,
            redirect_uris: [`${base}/callback`],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          }),
        );
      }
      if (path === '/logo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(LOGO);
      if (path === '/callback') return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Signed in.</p>');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    t = await createTestApp({ env: { ADMIN_PASSWORD, CLIENT_ID_METADATA_DOCUMENTS: 'on', CLIENT_ID_METADATA_DOCUMENT_ALLOW_PRIVATE: 'on' } });
    const admin = await adminApi(t);
    expect((await admin.post('/admin/resources', { identifier: MCP_SERVER, name: 'MCP server', scope: 'mcp:tools', access_token_format: 'jwt' })).status).toBe(
      201,
    );
    await createUser(t, { username: 'grace', password: 'hopper-compiler-1952' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('signs in, shows the logo and the host on consent, lands on the callback, and exchanges the code with PKCE and resource', async () => {
    const clientId = `${base}/client.json`;
    const callback = `${base}/callback`;
    const verifier = 'Vq2y9Xh3KpL0sN7bTq4wZc8mR1dF6gJ5eU2aY9iO3kE';
    const context = await browser.newContext();
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });

    await page.goto(
      `${t.url}/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: callback,
        scope: 'mcp:tools',
        resource: MCP_SERVER,
        state: 'cimd-state',
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
      })}`,
    );
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password').fill('hopper-compiler-1952');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Authorize Browser Agent' }).waitFor();
    await expect(page.locator('.client-host strong').textContent()).resolves.toBe(new URL(base).host);
    // The logo loaded: the consent page's CSP let that one origin through.
    const logo = page.locator('img.client-logo');
    await expect(logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).resolves.toBe(1);
    expect(hits.get('/logo.png')).toBe(1);
    expect(cspViolations).toEqual([]);

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.toString().startsWith(callback));
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('cimd-state');
    expect(landed.searchParams.get('iss')).toBe(t.url);

    const res = await fetch(`${t.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: landed.searchParams.get('code')!,
        redirect_uri: callback,
        client_id: clientId,
        code_verifier: verifier,
        resource: MCP_SERVER,
      }),
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; refresh_token: string; token_type: string; scope: string };
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'mcp:tools' });
    expect(typeof tokens.refresh_token).toBe('string');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: t.url, aud: MCP_SERVER, client_id: clientId, scope: 'mcp:tools' });
    // One fetch of the document for the whole flow: its max-age held.
    expect(hits.get('/client.json')).toBe(1);
    await context.close();
  });
});
