import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { axeViolations, expectAccessible, expectAccessibleAt, narrowScrollWidth } from '../support/axe';
import { describeBrowser, launchChromium } from '../support/chromium';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { authorizeDevice, deviceClient } from '../support/device-flow';
import { discover } from '../support/oauth4webapi';
import { oathtool } from '../support/totp';

jest.setTimeout(180_000);

const REDIRECT_URI = 'https://rp.example.com/callback';

/**
 * Every server-rendered page (src/authorize/views/pages.ts and the pages built on it) in headless
 * Chromium: no axe-core violation (WCAG 2.x A/AA and best practices), and no sideways scrolling on
 * a 360-pixel phone screen.
 */
describeBrowser(`accessibility of every page: axe-core and narrow screens [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let app: { client_id: string; client_secret: string };
  let strictApp: { client_id: string; client_secret: string };

  beforeAll(async () => {
    let api: AdminApi;
    ({ t, api } = await appWithAdminApi());
    const create = async (body: object) => (await api.post('/admin/applications', body)).body;
    app = await create({ client_name: 'Photo Printing', redirect_uris: [REDIRECT_URI], scope: 'openid profile read', grant_types: ['authorization_code'] });
    strictApp = await create({ client_name: 'Payroll', redirect_uris: [REDIRECT_URI], scope: 'openid', grant_types: ['authorization_code'], mfa: 'required' });
    for (const username of ['ada', 'bo', 'cy']) {
      await api.post('/admin/users', { username, password: `${username}-password`, name: 'Ada Lovelace' });
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A browser profile: the pages' CSP forbids every script, so axe-core is let in by bypassCSP. */
  const newPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ bypassCSP: true });
    return { context, page: await context.newPage() };
  };
  const authorizeUrl = (client: { client_id: string }) =>
    `${t.url}/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile read'
        .split(' ')
        .filter((s) => client === app || s === 'openid')
        .join(' '),
      state: 's',
    })}`;
  const signIn = async (page: Page, username: string, password = `${username}-password`) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('finds what is wrong with a page that has faults, so that a clean result means something', async () => {
    const { context, page } = await newPage();
    await page.goto(`${t.url}/oauth2/jwks`);
    await page.setContent(
      '<!DOCTYPE html><html><head><title>x</title></head><body><input type="text"><p style="color:#bbb;width:600px">faint and wide</p></body></html>',
    );
    const found = (await axeViolations(page)).map((v) => v.id);
    expect(found).toEqual(expect.arrayContaining(['html-has-lang', 'label', 'color-contrast', 'region']));
    expect(await narrowScrollWidth(page)).toBeGreaterThan(360);
    await context.close();
  });

  it('sign-in (with and without an error), consent and error pages of the authorization endpoint', async () => {
    const { context, page } = await newPage();
    await page.goto(authorizeUrl(app));
    await expectAccessible(page, 'sign-in');
    await signIn(page, 'ada', 'wrong');
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, 'sign-in with an error');
    await signIn(page, 'ada');
    await expectAccessibleAt(page, 'Authorize Photo Printing', 'consent');
    await page.goto(`${t.url}/oauth2/authorize?client_id=nobody&response_type=code`);
    await expectAccessibleAt(page, 'This request cannot be completed', 'error');
    await context.close();
  });

  it('the form_post page that carries the response back to the application (OAuth 2.0 Form Post Response Mode)', async () => {
    const { context, page } = await newPage();
    await page.goto(`${authorizeUrl(app)}&response_mode=form_post`);
    await signIn(page, 'cy');
    await page.getByRole('heading', { name: 'Authorize Photo Printing' }).waitFor();
    // Its script posts the form at once: the page is checked without it (what a browser without JavaScript shows).
    await page.route(`${t.url}/oauth2/authorize`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/<script>[\s\S]*?<\/script>/, '');
      await route.fulfill({ response, body });
    });
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectAccessibleAt(page, 'Returning to the application…', 'form_post');
    await context.close();
  });

  it('account pages: approved applications with recent sign-ins, security, enrolment, recovery codes, the code page', async () => {
    const { context, page } = await newPage();
    await page.goto(authorizeUrl(app));
    await signIn(page, 'bo');
    await page.route(`${REDIRECT_URI}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>RP</title>' }));
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${REDIRECT_URI}**`);

    await page.goto(`${t.url}/account`);
    await expectAccessibleAt(page, 'Recent sign-ins', 'account: approved applications');

    await page.goto(`${t.url}/account/security`);
    await expectAccessibleAt(page, 'Sign-in security', 'account security: no app');
    await page.getByRole('button', { name: 'Add an authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByText('Key URI').click();
    await expectAccessible(page, 'TOTP enrolment');
    const secret = (await page.locator('code').first().textContent())!.replace(/\s/g, '');
    await page.getByLabel('Code shown by the app').fill(oathtool(secret, -90));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, 'TOTP enrolment with an error');
    await page.getByLabel('Code shown by the app').fill(oathtool(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expectAccessibleAt(page, 'Your recovery codes', 'recovery codes');
    await page.getByRole('button', { name: 'Done' }).click();
    await expectAccessibleAt(page, 'Sign-in security', 'account security: one app');

    // Another browser signs in with the password alone: the code page.
    const other = await newPage();
    await other.page.goto(authorizeUrl(strictApp));
    await signIn(other.page, 'bo');
    await expectAccessibleAt(other.page, 'Enter your code', 'second factor');
    await other.page.getByLabel('Code from your authenticator app, or a recovery code').fill('000000');
    await other.page.getByRole('button', { name: 'Verify' }).click();
    await other.page.getByRole('alert').waitFor();
    await expectAccessible(other.page, 'second factor with an error');
    await other.context.close();
    await context.close();
  });

  it('logout confirmation and signed-out pages', async () => {
    const { context, page } = await newPage();
    await page.goto(`${t.url}/account/consents`);
    await signIn(page, 'cy');
    await page.goto(`${t.url}/oauth2/logout`);
    await expectAccessibleAt(page, 'Sign out?', 'logout confirmation');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectAccessibleAt(page, 'You are signed out', 'signed out');
    await context.close();
  });

  it('device verification pages: sign-in, code entry (and its error), consent, the step-up (enrolment), connected', async () => {
    const as = await discover(t);
    const setup = await deviceClient(t, { mfa: 'required' });
    const device = await authorizeDevice(as, setup, 'openid read');
    const { context, page } = await newPage();
    await page.goto(`${t.url}/device`);
    await expectAccessible(page, 'device: sign-in');
    await signIn(page, 'cy');
    await page.getByLabel('Code').fill('WRONG-CODE');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, 'device: code entry with an error');
    await page.getByLabel('Code').fill(device.user_code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectAccessibleAt(page, 'Set up your authenticator app', 'device: enrolment');
    const secret = (await page.locator('code').first().textContent())!.replace(/\s/g, '');
    await page.getByLabel('Code shown by the app').fill(oathtool(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectAccessibleAt(page, /^Authorize /, 'device: consent');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectAccessibleAt(page, 'Device connected', 'device: connected');
    await context.close();
  });
});
