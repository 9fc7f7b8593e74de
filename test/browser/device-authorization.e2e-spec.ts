import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import { describeBrowser, launchChromium } from '../support/chromium';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createUser, TestUser } from '../support/factories';
import { authorizeDevice, deviceClient, poll } from '../support/device-flow';
import { discover } from '../support/oauth4webapi';

/** A device driven by oauth4webapi; its user on the verification page in headless Chromium. */
describeBrowser(`device authorization: the user approves in headless Chromium [${TEST_DB}]`, () => {
  let t: TestApp;
  let browser: Browser;
  let user: TestUser;

  beforeAll(async () => {
    // A one-second interval: the device polls for real while the user is on the page.
    t = await createTestApp({ env: { DEVICE_CODE_INTERVAL: '1' } });
    user = await createUser(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, types the code, consents; the polling device gets tokens and a valid ID Token', async () => {
    const as = await discover(t);
    const setup = await deviceClient(t, { public: true, scope: 'openid profile read' });
    const device = await authorizeDevice(as, setup, 'openid profile read');
    expect(device.interval).toBe(1);

    // The device polls as RFC 8628 §3.5 says: wait the interval, grow it on slow_down.
    let interval = device.interval!;
    const polled: string[] = [];
    const polling = (async () => {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, interval * 1000 + 100));
        const answer = await poll(as, setup.client, setup.auth, device.device_code);
        if (!('error' in answer)) return answer;
        polled.push(String(answer.error));
        if (answer.error === 'slow_down') interval += 5;
        else if (answer.error !== 'authorization_pending') throw new Error(`unexpected ${answer.error}`);
      }
    })();

    // The user starts once the device has polled: the first answer is then surely authorization_pending,
    // however fast the sign-in below goes.
    while (polled.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const page = await (await browser.newContext()).newPage();
    await page.goto(device.verification_uri);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Typed as a person might: lower case, no dash.
    await page.getByLabel('Code').fill(device.user_code.replace('-', '').toLowerCase());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Authorize Test Application' }).waitFor();
    expect(await page.content()).toContain('<code>read</code>');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Device connected' }).waitFor();

    const tokens = await polling;
    expect(polled[0]).toBe('authorization_pending');
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile read' });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({ iss: t.url, aud: setup.client.client_id, sub: user.id, preferred_username: user.username });
    expect(await poll(as, setup.client, setup.auth, device.device_code)).toMatchObject({ error: 'invalid_grant' });
  });
});
