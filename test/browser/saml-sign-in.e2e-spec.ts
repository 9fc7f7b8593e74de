import type { Browser } from 'playwright-core';
import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { approveConsent, describeBrowser, launchChromium } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient } from '../support/factories';
import { authorizationRequest, redeemAtRedirectUri } from '../support/relying-app';
import { CLAIMS, SamlTestIdp, startSamlIdp } from '../support/saml-idp';

describeBrowser(`"Sign in with …" a SAML 2.0 identity provider in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let idp: SamlTestIdp;
  let browser: Browser;
  let appRedirect: string;

  beforeAll(async () => {
    // Behind a TLS-terminating proxy (X-Forwarded-Proto), as in production: the cookies are Secure.
    t = await createTestApp({ env: { ADMIN_PASSWORD, TRUST_PROXY: 'loopback' } });
    appRedirect = `${t.url}/app/callback`;
    idp = startSamlIdp((await request(t.url).get('/oauth2/upstream/saml/metadata')).text);
    const res = await request(t.url)
      .post('/admin/saml-identity-providers')
      .set('Authorization', `Bearer ${await adminToken(t)}`)
      .send({ alias: 'adfs', display_name: 'Corp ADFS', metadata_xml: idp.metadata, email_verified: true });
    expect(res.status).toBe(201);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('clicks the button, answers at the IdP with a cross-site POST to our ACS, approves here and ends with our tokens', async () => {
    const client = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: [appRedirect], clientName: 'Travel Desk', scope: 'openid profile' });
    const verifier = 'browser-saml-verifier-browser-saml-verifier-browser-0123';
    const app = { redirectUri: appRedirect, scope: 'openid profile', state: 'browser-state', nonce: 'browser-nonce', verifier };
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-Proto': 'https' } });
    // The IdP lives on another site: its page posts the signed response back, as ADFS's does.
    await context.route(`${idp.ssoUrl}**`, async (route) => {
      const answer = await idp.respond(route.request().url(), {
        nameId: 'S-1-5-21-4242',
        attributes: { [`${CLAIMS}/emailaddress`]: 'jane@corp.example', [`${CLAIMS}/name`]: 'Jane Saml' },
      });
      await route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>ADFS</title><form method="post" action="${t.url}/oauth2/upstream/saml/acs">
<input type="hidden" name="SAMLResponse" value="${answer.SAMLResponse}"><input type="hidden" name="RelayState" value="${answer.RelayState}">
<button type="submit">Continue to the application</button></form>`,
      });
    });
    const page = await context.newPage();
    await page.goto(`${t.url}${authorizationRequest(client, app)}`);
    await page.getByRole('button', { name: 'Sign in with Corp ADFS' }).click();
    await page.getByRole('button', { name: 'Continue to the application' }).click();
    await approveConsent(page, 'Travel Desk', appRedirect);

    const tokens = await redeemAtRedirectUri(t.url, client, app, page.url());
    const idToken = JSON.parse(Buffer.from(String(tokens.id_token).split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(idToken).toMatchObject({ iss: t.url, aud: client.clientId, nonce: 'browser-nonce', name: 'Jane Saml' });
    await context.close();
  });
});
