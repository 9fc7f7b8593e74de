import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launchChromium } from '../support/chromium';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });

/** A relying party driven by openid-client with its default OpenID Connect discovery; the user in headless Chromium. */
describeBrowser(`OpenID Connect sign-in and sign-out in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let rp: Server;
  let rpUrl: string;
  let config: oidc.Configuration;
  const posted: URLSearchParams[] = [];

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    rp = createServer(async (req, res) => {
      if (req.method === 'POST') posted.push(new URLSearchParams(await readBody(req)));
      // An application that sends its authorization request by POST (OpenID Connect Core §3.1.2.1).
      if (req.url?.startsWith('/post-login?')) {
        const fields = [...new URLSearchParams(req.url.slice('/post-login?'.length))]
          .map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`)
          .join('');
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(`<form method="post" action="${t.url}/oauth2/authorize">${fields}<button type="submit">Sign in with the server</button></form>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Back at the application.</p>');
    });
    await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
    rpUrl = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
    const auth = `Bearer ${await adminToken(t)}`;
    await request(t.url)
      .post('/admin/users')
      .set('Authorization', auth)
      .send({ username: 'grace', password: 'hopper-1906', email: 'grace@example.com', name: 'Grace Hopper' });
    const app = (
      await request(t.url)
        .post('/admin/applications')
        .set('Authorization', auth)
        .send({ client_name: 'Navy Portal', redirect_uris: [`${rpUrl}/cb`], post_logout_redirect_uris: [`${rpUrl}/bye`], scope: 'openid profile email' })
    ).body;
    config = await oidc.discovery(new URL(t.url), app.client_id, app.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => rp?.close(resolve));
    await t?.close();
  });

  /**
   * An authorization request with PKCE (S256) to `${rpUrl}/cb`, with a nonce unless `withNonce` is
   * false (optional in the code flow, OpenID Connect Core §3.1.2.1), and the checks its answer must pass.
   */
  async function authorizationWithPkce(params: Record<string, string>, withNonce = true) {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = withNonce ? oidc.randomNonce() : undefined;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${rpUrl}/cb`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(nonce ? { nonce } : {}),
      ...params,
    });
    const redeem = (answer: Page | URL) =>
      oidc.authorizationCodeGrant(config, answer instanceof URL ? answer : new URL(answer.url()), {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: params.state,
        idTokenExpected: true,
      });
    return { url, nonce, redeem };
  }

  /** Signs in as grace on the login page, then approves on the consent page; resolves back at the application. */
  async function signInAndApprove(page: Page): Promise<void> {
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password').fill('hopper-1906');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.toString().startsWith(`${rpUrl}/cb`));
  }

  it('signs in through the login and consent pages, validates the ID Token, reads userinfo, signs out with state, and the session is gone', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { url, nonce, redeem } = await authorizationWithPkce({ scope: 'openid profile email', state: 'st-1' });
    await page.goto(url.href);
    await signInAndApprove(page);

    const tokens = await redeem(page);
    const claims = tokens.claims()!;
    // The ID Token carries the claims of its scopes (what express-openid-connect reads as req.oidc.user).
    expect(claims).toMatchObject({ iss: t.url, nonce, name: 'Grace Hopper', email: 'grace@example.com', preferred_username: 'grace' });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      preferred_username: 'grace',
    });

    // A second application request needs no password: the browser session is still there, and
    // its ID Token has the auth_time of the same sign-in.
    await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: `${rpUrl}/cb`, scope: 'openid', prompt: 'none' }).href);
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    const silent = await oidc.authorizationCodeGrant(config, new URL(page.url()), { idTokenExpected: true });
    expect(silent.claims()).toMatchObject({ sub: claims.sub, auth_time: claims.auth_time });

    await page.goto(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${rpUrl}/bye`, state: 'bye-1' }).href);
    expect(page.url()).toBe(`${rpUrl}/bye?state=bye-1`);
    await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: `${rpUrl}/cb`, scope: 'openid', prompt: 'none' }).href);
    expect(new URL(page.url()).searchParams.get('error')).toBe('login_required');
    await context.close();
  });

  it('delivers the code with response_mode=form_post, to a request without a nonce: the browser posts it, and the ID Token has none', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { url, redeem } = await authorizationWithPkce({ scope: 'openid', response_mode: 'form_post', state: 'fp' }, false);
    await page.goto(url.href);
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password').fill('hopper-1906');
    const landed = page.waitForRequest((req) => req.url() === `${rpUrl}/cb` && req.method() === 'POST');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await landed;
    await page.waitForLoadState();
    const fields = posted.at(-1)!;
    expect(fields.get('state')).toBe('fp');
    expect(fields.get('iss')).toBe(t.url);
    expect(fields.get('code')).toBeTruthy();
    // The posted answer, as the application would read it, redeemed with openid-client's checks (no nonce expected).
    const answer = new URL(`${rpUrl}/cb`);
    for (const name of ['code', 'state', 'iss']) answer.searchParams.set(name, fields.get(name)!);
    const claims = (await redeem(answer)).claims()!;
    expect(claims.iss).toBe(t.url);
    expect(claims).not.toHaveProperty('nonce');
    await context.close();
  });

  it('takes an authorization request the application POSTs from the browser, through sign-in and consent', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { url, redeem } = await authorizationWithPkce({ scope: 'openid email', state: 'posted', prompt: 'consent' });
    await page.goto(`${rpUrl}/post-login${url.search}`);
    await page.getByRole('button', { name: 'Sign in with the server' }).click();
    await signInAndApprove(page);
    const tokens = await redeem(page);
    expect(tokens.claims()).toMatchObject({ email: 'grace@example.com' });
    await context.close();
  });
});
