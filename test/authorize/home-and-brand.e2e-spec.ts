import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient } from '../support/factories';
import { FormBrowser } from '../support/form-browser';

describe(`the server's address and its product name [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  beforeAll(async () => {
    t = await createTestApp({ env: { BRAND_NAME: 'Acme <ID>' } });
    client = await createClient(t);
  });
  afterAll(async () => t?.close());

  const authorizeUrl = (params: Record<string, string>) =>
    `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, ...params })}`;

  it('redirects GET / to the account page', async () => {
    const res = await request(t.url).get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/account/consents');
  });

  it('names the product from BRAND_NAME, escaped, on the login, consent and error pages', async () => {
    const browser = new FormBrowser(t.url);
    const user = await createUser(t);
    const login = await browser.get(authorizeUrl({ scope: 'read' }));
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    const error = await browser.get('/oauth2/authorize?response_type=code&client_id=no-such-client');
    const account = await browser.get('/account/consents');
    for (const [page, title] of [
      [login, 'Sign in'],
      [consent, 'Authorize access'],
      [error, 'Authorization error'],
      [account, 'Your approved applications'],
    ] as const) {
      expect(page.body).toContain(`<title>${title} · Acme &#60;ID&#62;</title>`);
      expect(page.body).toContain('<p class="brand">Acme &#60;ID&#62;</p>');
    }
  });

  it('calls the product "Authorization Server" when BRAND_NAME is unset', async () => {
    const plain = await createTestApp();
    try {
      const page = await new FormBrowser(plain.url).get('/account/consents');
      expect(page.body).toContain('<title>Sign in · Authorization Server</title>');
    } finally {
      await plain.close();
    }
  });
});
