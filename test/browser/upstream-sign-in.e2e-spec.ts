import { existsSync } from 'node:fs';
import { chromium, Browser } from 'playwright-core';
import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
import { startUpstreamIdp, UpstreamIdp } from '../support/upstream-idp';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
  console.warn(`SKIPPED browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
}
const describeBrowser = available ? describe : describe.skip;

describeBrowser(`"Sign in with …" an upstream OpenID Connect provider in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let browser: Browser;
  // The application's redirect URI: a path of ours that answers 404, where the browser stops.
  let appRedirect: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    appRedirect = `${t.url}/app/callback`;
    idp = await startUpstreamIdp([`${t.url}/oauth2/upstream/callback`]);
    idp.accounts.set('jane', { password: 'upstream-secret', email: 'jane@corp.example', email_verified: true, name: 'Jane Upstream' });
    const res = await request(t.url)
      .post('/admin/identity-providers')
      .set('Authorization', `Bearer ${await adminToken(t)}`)
      .send({ alias: 'corp', display_name: 'Corp SSO', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret });
    expect(res.status).toBe(201);
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
    await idp?.close();
    await t?.close();
  });

  it('clicks the button on our login page, signs in upstream, approves here and ends with our tokens', async () => {
    const client = await createClient(t, {
      tokenEndpointAuthMethod: 'none',
      redirectUris: [appRedirect],
      clientName: 'Travel Desk',
      scope: 'openid profile email',
    });
    const verifier = 'browser-upstream-verifier-browser-upstream-verifier-0123';
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${t.url}/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: appRedirect,
        scope: 'openid profile email',
        state: 'browser-state',
        nonce: 'browser-nonce',
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
      })}`,
    );
    await page.getByRole('button', { name: 'Sign in with Corp SSO' }).click();
    await page.getByRole('heading', { name: 'Upstream IdP' }).waitFor();
    expect(page.url()).toContain(idp.issuer);
    await page.getByLabel('Upstream username').fill('jane');
    await page.getByLabel('Upstream password').fill('upstream-secret');
    await page.getByRole('button', { name: 'Continue upstream' }).click();
    await page.getByRole('heading', { name: 'Authorize Travel Desk' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.toString().startsWith(appRedirect));

    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state');
    const res = await request(t.url)
      .post('/oauth2/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: landed.searchParams.get('code'),
        redirect_uri: appRedirect,
        client_id: client.clientId,
        code_verifier: verifier,
      });
    expect(res.status).toBe(200);
    const idToken = JSON.parse(Buffer.from(String(res.body.id_token).split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(idToken).toMatchObject({ iss: t.url, aud: client.clientId, nonce: 'browser-nonce', name: 'Jane Upstream', email: 'jane@corp.example' });
    const userinfo = await request(t.url).get('/oauth2/userinfo').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(userinfo.body).toMatchObject({ sub: idToken.sub, email: 'jane@corp.example', email_verified: true });
    await context.close();
  });
});
