import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createUser, TestUser } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { authorizeDevice, deviceClient } from '../support/device-flow';
import { discover } from '../support/oauth4webapi';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';

/**
 * The user-code guessing limit is the counter store's, shared by every instance (Redis): a guesser
 * spreading attempts over instances behind a load balancer gets no more than one instance allows.
 */
describe(`device verification page: user code brute force across two instances [${TEST_DB}]`, () => {
  let a: TestApp;
  let b: TestApp;
  let close: () => Promise<void>;
  let user: TestUser;
  let as: oauth.AuthorizationServer;
  let skip = false;

  beforeAll(async () => {
    skip = await skipWithoutRedis();
    if (skip) return;
    ({ a, b, close } = await createTestAppPair({ env: { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:`, LOGIN_MAX_FAILURES: '5' } }));
    user = await createUser(a);
    as = await discover(a);
  });
  afterAll(() => close?.());

  const signedIn = async (t: TestApp) => {
    const browser = new FormBrowser(t.url);
    return { browser, entry: await browser.submit(await browser.get('/device'), { username: user.username, password: user.password }) };
  };

  it('counts attempts at one code on both instances: the sixth, on either, is 429', async () => {
    if (skip) return;
    const device = await authorizeDevice(as, await deviceClient(a), 'read');
    const [onA, onB] = [await signedIn(a), await signedIn(b)];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await (i % 2 ? onB : onA).browser.get(device.verification_uri_complete!.replace(a.url, i % 2 ? b.url : a.url))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('counts wrong codes per IP address on both instances: after five, a right code is 429 on either', async () => {
    if (skip) return;
    const [onA, onB] = [await signedIn(a), await signedIn(b)];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const side = i % 2 ? onB : onA;
      statuses.push((await side.browser.submit(side.entry, { user_code: `BCDF-GH${'JKLMN'[i]}${'STVWX'[i]}` })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    const device = await authorizeDevice(as, await deviceClient(a), 'read');
    expect((await onB.browser.submit(onB.entry, { user_code: device.user_code })).status).toBe(429);
    expect((await onA.browser.submit(onA.entry, { user_code: device.user_code })).status).toBe(429);
  });
});
