import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { chromiumAndLoopbackApp, describeBrowser } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient } from '../support/factories';
import { authorizationRequest, redeemAtRedirectUri } from '../support/relying-app';
import { sql } from '../support/sql';

/**
 * Passkeys in headless Chromium with a CDP virtual authenticator (a platform authenticator that
 * keeps discoverable credentials and verifies the user): enrol on the account page, sign in with
 * no username, use it after a password, remove it. The pages are opened on http://localhost:PORT:
 * an IP address cannot be a WebAuthn RP id, and with an issuer on 127.0.0.1 the RP id is localhost.
 */
describeBrowser(`passkeys in headless Chromium with a virtual authenticator [${TEST_DB}]`, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let callbackUrl: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let client: TestClient;
  let authenticatorId: string;
  const verifier = 'pK7v0hMq2XnqH3bYw1c7AqZrW4vYvGk2cOQkx0Tq4lQ';

  beforeAll(async () => {
    t = await createTestApp();
    base = t.url.replace('127.0.0.1', 'localhost');
    await createUser(t, { username: 'ada', password: 'analytical-1843' });
    ({ browser, redirectUri: callbackUrl, close: closeBrowser } = await chromiumAndLoopbackApp('<p>Back at the application.</p>'));
    client = await createClient(t, { clientName: 'Engine Portal', tokenEndpointAuthMethod: 'none', redirectUris: [callbackUrl], scope: 'openid' });
    context = await browser.newContext();
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    }));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const app = () => ({ redirectUri: callbackUrl, scope: 'openid', state: 'passkey-state', nonce: 'passkey-nonce', verifier });
  const authorizeUrl = (extra: Record<string, string> = {}) => `${base}${authorizationRequest(client, app(), extra)}`;

  /** Waits for the redirect to the application and redeems the code; the ID Token's claims. */
  async function idTokenClaims(): Promise<Record<string, unknown>> {
    await page.waitForURL((url) => url.toString().startsWith(callbackUrl));
    return decodeJwt((await redeemAtRedirectUri(t.url, client, app(), page.url())).id_token);
  }

  async function signOut(): Promise<void> {
    await page.goto(`${base}/account/consents`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
  }

  it('enrols a passkey from the account page', async () => {
    await page.goto(`${base}/account/security`);
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('analytical-1843');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign-in security' }).waitFor();
    await page.getByLabel('Name of the new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey “Laptop” added.').waitFor();
    await page.locator('li', { hasText: 'Laptop' }).getByText('(this device only)').waitFor();

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    const rows = await sql(t.dataSource, 'SELECT credential_id, backup_eligible FROM passkey_credentials');
    expect(rows).toHaveLength(1);
    expect(Buffer.from(String(rows[0].credential_id), 'base64url')).toEqual(Buffer.from(credentials[0].credentialId, 'base64'));
  });

  it('signs in with the passkey and no username; the ID Token says hwk, user and the multi-factor class', async () => {
    await signOut();
    await page.goto(authorizeUrl());
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Authorize Engine Portal' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    const claims = await idTokenClaims();
    expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'user', 'mfa']));
    expect(claims.amr).not.toContain('pwd');
    expect(claims.acr).toBe('urn:oauth-server:acr:mfa');
    expect(claims.nonce).toBe('passkey-nonce');
  });

  it('uses the passkey as the second factor after a password', async () => {
    await signOut();
    await page.goto(authorizeUrl({ prompt: 'login' }));
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('analytical-1843');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    const claims = await idTokenClaims();
    expect(claims.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    expect(claims.acr).toBe('urn:oauth-server:acr:mfa');
    const [row] = await sql(t.dataSource, 'SELECT sign_count FROM passkey_credentials');
    expect(Number(row.sign_count)).toBeGreaterThanOrEqual(2);
  });

  it('removes the passkey; the authenticator’s copy then signs in no more, with a page that says so', async () => {
    await page.goto(`${base}/account/security`);
    await page.getByRole('button', { name: 'Remove Laptop' }).click();
    await page.getByText('Passkey removed.').waitFor();
    expect(await sql(t.dataSource, 'SELECT id FROM passkey_credentials')).toEqual([]);

    await signOut();
    await page.goto(authorizeUrl());
    const answered = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().includes('/oauth2/authorize'));
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    expect((await answered).status()).toBe(401);
    await page.getByText('This passkey is not registered here').waitFor();
  });
});
