import * as oauth from 'oauth4webapi';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createUser, TestUser } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { authorizeDevice, decideOnPage, deviceClient, poll, waitInterval } from '../support/device-flow';
import { discover } from '../support/oauth4webapi';

describe(`device authorization on two instances of one database [${TEST_DB}]`, () => {
  let a: TestApp;
  let b: TestApp;
  let close: () => Promise<void>;
  let user: TestUser;

  beforeAll(async () => {
    ({ a, b, close } = await createTestAppPair());
    user = await createUser(a);
  });
  afterAll(() => close());

  it('approved on instance A, polled on instance B: slow_down on either, the tokens once', async () => {
    const [asA, asB] = [await discover(a), await discover(b)];
    const setup = await deviceClient(a);
    const device = await authorizeDevice(asA, setup, 'openid read');
    expect(await poll(asA, setup.client, setup.auth, device.device_code)).toMatchObject({ error: 'authorization_pending' });
    // The interval is the device code's, not an instance's: polling B right after A is too soon.
    expect(await poll(asB, setup.client, setup.auth, device.device_code)).toMatchObject({ error: 'slow_down' });

    expect((await decideOnPage(new FormBrowser(a.url), user, device.user_code, 'approve')).body).toContain('Device connected');
    await waitInterval(a, setup.client.client_id);
    // Both instances poll at once: one gets the tokens, the other invalid_grant.
    const answers = await Promise.all([poll(asB, setup.client, setup.auth, device.device_code), poll(asA, setup.client, setup.auth, device.device_code)]);
    const issued = answers.filter((answer) => !('error' in answer));
    expect(issued).toHaveLength(1);
    expect(answers.filter((answer) => 'error' in answer)).toEqual([{ error: 'invalid_grant', status: 400 }]);
    expect(oauth.getValidatedIdTokenClaims(issued[0] as oauth.TokenEndpointResponse)).toMatchObject({ sub: user.id });
  });
});
