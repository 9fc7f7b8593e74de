import type { Browser } from 'playwright-core';
import { approveConsent, chromiumAndLoopbackApp, describeBrowser } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser } from '../support/factories';
import { authorizationRequest, redeemAtRedirectUri } from '../support/relying-app';

describeBrowser(`authorization code + PKCE in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let callbackUrl: string;
  let closeBrowser: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t, { username: 'alice', password: 'wonderland-2026' });
    ({ browser, redirectUri: callbackUrl, close: closeBrowser } = await chromiumAndLoopbackApp('<p>Signed in.</p>'));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('signs in, approves, lands on the redirect URI with a code, and exchanges it', async () => {
    const client = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: [callbackUrl], clientName: 'Mobile Banking', scope: 'read' });
    const app = { redirectUri: callbackUrl, scope: 'read', state: 'browser-state', verifier: 'kx0Tq4lQ2y3Vh-7hNj3bX5tq9hFq0kZrW4vYvGk2cOQ' };
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${t.url}${authorizationRequest(client, app)}`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wonderland-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await approveConsent(page, 'Mobile Banking', callbackUrl);

    expect(await redeemAtRedirectUri(t.url, client, app, page.url())).toMatchObject({ token_type: 'Bearer', scope: 'read' });

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
