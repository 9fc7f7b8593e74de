import type { Browser } from 'playwright-core';
import request from 'supertest';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { approveConsent, describeBrowser, launchChromium } from '../support/chromium';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
import { authorizationRequest, redeemAtRedirectUri } from '../support/relying-app';
import { startUpstreamIdp, UpstreamIdp } from '../support/upstream-idp';

describeBrowser(`"Sign in with …" an upstream OpenID Connect provider in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let browser: Browser;
  // The application's redirect URI: a path of ours that answers 404, where the browser stops.
  let appRedirect: string;

  beforeAll(async () => {
    let api: AdminApi;
    ({ t, api } = await appWithAdminApi());
    appRedirect = `${t.url}/app/callback`;
    idp = await startUpstreamIdp([`${t.url}/oauth2/upstream/callback`]);
    idp.accounts.set('jane', { password: 'upstream-secret', email: 'jane@corp.example', email_verified: true, name: 'Jane Upstream' });
    const res = await api.post('/admin/identity-providers', {
      alias: 'corp',
      display_name: 'Corp SSO',
      issuer: idp.issuer,
      client_id: idp.clientId,
      client_secret: idp.clientSecret,
    });
    expect(res.status).toBe(201);
    browser = await launchChromium();
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
    const app = { redirectUri: appRedirect, scope: 'openid profile email', state: 'browser-state', nonce: 'browser-nonce', verifier };
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.url}${authorizationRequest(client, app)}`);
    await page.getByRole('button', { name: 'Sign in with Corp SSO' }).click();
    await page.getByRole('heading', { name: 'Upstream IdP' }).waitFor();
    expect(page.url()).toContain(idp.issuer);
    await page.getByLabel('Upstream username').fill('jane');
    await page.getByLabel('Upstream password').fill('upstream-secret');
    await page.getByRole('button', { name: 'Continue upstream' }).click();
    await approveConsent(page, 'Travel Desk', appRedirect);

    const tokens = await redeemAtRedirectUri(t.url, client, app, page.url());
    const idToken = JSON.parse(Buffer.from(String(tokens.id_token).split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(idToken).toMatchObject({ iss: t.url, aud: client.clientId, nonce: 'browser-nonce', name: 'Jane Upstream', email: 'jane@corp.example' });
    const userinfo = await request(t.url).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(userinfo.body).toMatchObject({ sub: idToken.sub, email: 'jane@corp.example', email_verified: true });
    await context.close();
  });
});
