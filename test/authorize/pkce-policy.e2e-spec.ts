import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = s256(VERIFIER);

describe(`PKCE policy, global and per application (seed 001, RFC 7636) [${TEST_DB}]`, () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    user = await createUser(t);
  });
  afterAll(() => t.close());
  afterEach(() => t.settings.update({ pkceRequired: false, pkcePlainAllowed: false }));

  const authorize = (client: TestClient, params: Record<string, string> = {}) =>
    request(t.url).get(
      `/invoke/pub.apigateway.oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, state: 'p', ...params })}`,
    );
  const errorOf = (res: request.Response) => new URL(res.headers['location']).searchParams.get('error');

  async function codeFor(client: TestClient, params: Record<string, string>): Promise<string> {
    const browser = new FormBrowser(t.url);
    const url = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, prompt: 'consent', ...params })}`;
    return (await approveAuthorization(browser, url, user)).searchParams.get('code')!;
  }
  const redeem = (client: TestClient, code: string, extra: Record<string, string> = {}) => {
    const req = request(t.url).post('/oauth2/token').type('form');
    if (client.basic) req.set('Authorization', client.basic);
    return req.send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      ...(client.basic ? {} : { client_id: client.clientId }),
      ...extra,
    });
  };

  it('does not require PKCE by default for a confidential client that inherits', async () => {
    const client = await createClient(t);
    const res = await authorize(client);
    expect(res.status).toBe(200);
  });

  it('requires a code_challenge everywhere once the global setting says so (invalid_request at authorize)', async () => {
    const client = await createClient(t);
    await t.settings.update({ pkceRequired: true });
    const res = await authorize(client);
    expect(res.status).toBe(302);
    expect(errorOf(res)).toBe('invalid_request');
    expect(new URL(res.headers['location']).searchParams.get('state')).toBe('p');
    expect((await authorize(client, { code_challenge: CHALLENGE, code_challenge_method: 'S256' })).status).toBe(200);
  });

  it('lets a per-application "optional" override a global "required"', async () => {
    const client = await createClient(t, { pkce: 'optional' });
    await t.settings.update({ pkceRequired: true });
    expect((await authorize(client)).status).toBe(200);
  });

  it('lets a per-application "required" override a global "optional"', async () => {
    const client = await createClient(t, { pkce: 'required' });
    expect(errorOf(await authorize(client))).toBe('invalid_request');
  });

  it('always requires PKCE from a public client', async () => {
    const client = await createClient(t, { tokenEndpointAuthMethod: 'none', pkce: 'optional' });
    expect(errorOf(await authorize(client))).toBe('invalid_request');
  });

  it('refuses the plain method unless the policy allows it', async () => {
    const client = await createClient(t, { pkce: 'required' });
    expect(errorOf(await authorize(client, { code_challenge: VERIFIER, code_challenge_method: 'plain' }))).toBe('invalid_request');
    // RFC 7636 §4.3: an omitted method means plain.
    expect(errorOf(await authorize(client, { code_challenge: VERIFIER }))).toBe('invalid_request');
    const plainClient = await createClient(t, { pkce: 'required', pkcePlainAllowed: true });
    const code = await codeFor(plainClient, { code_challenge: VERIFIER, code_challenge_method: 'plain' });
    expect((await redeem(plainClient, code, { code_verifier: VERIFIER })).status).toBe(200);
  });

  it.each([
    ['an unknown method', { code_challenge: CHALLENGE, code_challenge_method: 'S512' }],
    ['a too short challenge', { code_challenge: 'abc', code_challenge_method: 'S256' }],
    ['a method without a challenge', { code_challenge_method: 'S256' }],
  ])('answers invalid_request for %s', async (_name, params) => {
    const client = await createClient(t);
    expect(errorOf(await authorize(client, params))).toBe('invalid_request');
  });

  describe('at the token endpoint', () => {
    it('issues tokens to a public client with the right verifier and client_id only', async () => {
      const client = await createClient(t, { tokenEndpointAuthMethod: 'none' });
      const code = await codeFor(client, { code_challenge: CHALLENGE, code_challenge_method: 'S256' });
      const res = await redeem(client, code, { code_verifier: VERIFIER });
      expect(res.status).toBe(200);
      expect(res.body.access_token).toBeDefined();
    });

    it.each([
      ['a missing verifier', {}],
      ['a wrong verifier', { code_verifier: 'x'.repeat(43) }],
    ])('answers invalid_grant for %s', async (_name, extra) => {
      const client = await createClient(t, { pkce: 'required' });
      const code = await codeFor(client, { code_challenge: CHALLENGE, code_challenge_method: 'S256' });
      const res = await redeem(client, code, extra);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('answers invalid_grant for a verifier sent when no challenge was used (downgrade)', async () => {
      const client = await createClient(t);
      const code = await codeFor(client, {});
      const res = await redeem(client, code, { code_verifier: VERIFIER });
      expect(res.body.error).toBe('invalid_grant');
    });
  });
});
