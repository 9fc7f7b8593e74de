import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { s256 } from '../../src/pkce/pkce';
import { describeBrowser, launchChromium, loopbackPage } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser } from '../support/factories';

describeBrowser(`authorization code + PKCE in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let callback: Server;
  let callbackUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t, { username: 'alice', password: 'wonderland-2026' });
    const page = await loopbackPage('<p>Signed in.</p>');
    callback = page.server;
    callbackUrl = `${page.url}/cb`;
    browser = await launchChromium();
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
