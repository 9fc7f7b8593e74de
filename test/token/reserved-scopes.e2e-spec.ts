import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { BUILT_IN_GRANT_TYPES, createClient, createUser, introspectionRequest, TestClient, TestUser, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * The admin scope is reserved for the admin role (SECURITY.md): issued only to a user who holds the
 * role when the token is issued, never to a token without a user, never by default; an application
 * may list it, so that an organisation's admin console obtains it for its administrators.
 */
describe(`the admin scope, reserved for users with the admin role [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let adminConsole: TestClient;
  let administrator: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    adminConsole = await createClient(t, {
      grantTypes: [...BUILT_IN_GRANT_TYPES, TOKEN_EXCHANGE],
      scope: 'openid read admin',
    });
    administrator = await createUser(t, { roles: ['admin'] });
    user = await createUser(t);
  });
  afterAll(() => t.close());

  const token = (fields: Record<string, string>) => tokenRequest(t.url, fields, adminConsole.basic);
  const password = (who: TestUser, scope?: string) =>
    token({ grant_type: 'password', username: who.username, password: who.password, ...(scope !== undefined ? { scope } : {}) });
  const introspect = async (value: string) => (await introspectionRequest(t.url, { token: value }, adminConsole.basic)).body;
  const authorizeUrl = (params: Record<string, string>) =>
    `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: adminConsole.clientId, redirect_uri: adminConsole.redirectUri, ...params })}`;
  const redeem = (code: string) => token({ grant_type: 'authorization_code', code, redirect_uri: adminConsole.redirectUri });
  const codeFlow = async (browser: FormBrowser, who: TestUser, params: Record<string, string>) =>
    (await approveAuthorization(browser, authorizeUrl(params), who)).searchParams.get('code')!;

  describe('a token without a user', () => {
    it('refuses client_credentials asking for the admin scope with invalid_scope, though the application lists it', async () => {
      for (const scope of ['admin', 'read admin']) {
        const res = await token({ grant_type: 'client_credentials', scope });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'invalid_scope', error_description: 'the admin scope is only issued to a user with the admin role' });
      }
    });

    it('gives client_credentials without a scope every listed scope but admin, and introspection says so', async () => {
      const res = await token({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid read');
      expect(await introspect(res.body.access_token)).toMatchObject({ active: true, scope: 'openid read' });
    });

    it('refuses the admin scope in exchange for a client’s token with invalid_scope', async () => {
      const subject = (await token({ grant_type: 'client_credentials' })).body.access_token;
      const res = await token({ grant_type: TOKEN_EXCHANGE, subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, scope: 'admin' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    });
  });

  describe('a user without the admin role', () => {
    it('gets no admin scope by default from the password grant, and invalid_scope when asking for it', async () => {
      const granted = await password(user);
      expect(granted.status).toBe(200);
      expect(granted.body.scope).toBe('openid read');
      expect((await password(user, 'admin')).body.error).toBe('invalid_scope');
    });

    it('gets no admin scope by default from the code flow of an application that lists it', async () => {
      const code = await codeFlow(new FormBrowser(t.url), user, {});
      const res = await redeem(code);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid read');
    });
  });

  describe('a user with the admin role', () => {
    it('gets the admin scope from the password grant on request, and not by default', async () => {
      const asked = await password(administrator, 'read admin');
      expect(asked.status).toBe(200);
      expect(asked.body.scope).toBe('read admin');
      expect(await introspect(asked.body.access_token)).toMatchObject({ active: true, scope: 'read admin', sub: administrator.id });
      expect((await password(administrator)).body.scope).toBe('openid read');
    });

    it('gets the admin scope through the code flow of an application that lists it, and keeps it on refresh', async () => {
      const code = await codeFlow(new FormBrowser(t.url), administrator, { scope: 'openid admin' });
      const res = await redeem(code);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid admin');
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.scope).toBe('openid admin');
    });

    it('does not carry the admin scope over in a token exchange without scope, and gets it on request', async () => {
      const subject = (await password(administrator, 'read admin')).body.access_token;
      const exchange = (scope?: string) =>
        token({ grant_type: TOKEN_EXCHANGE, subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, ...(scope ? { scope } : {}) });
      expect((await exchange()).body.scope).toBe('read');
      expect((await exchange('admin')).body.scope).toBe('admin');
    });
  });

  describe('a user whose admin role is removed', () => {
    let demoted: TestUser;
    let browser: FormBrowser;
    let refreshToken: string;
    let earlierCode: string;
    let adminAccess: string;
    let readAccess: string;

    beforeAll(async () => {
      demoted = await createUser(t, { roles: ['admin'] });
      const granted = (await password(demoted, 'read admin')).body;
      refreshToken = granted.refresh_token;
      adminAccess = granted.access_token;
      readAccess = (await password(demoted, 'read')).body.access_token;
      browser = new FormBrowser(t.url);
      // Consent to the admin scope while an administrator; a second code issued on that consent waits.
      expect((await redeem(await codeFlow(browser, demoted, { scope: 'openid read admin' }))).body.scope).toBe('openid read admin');
      earlierCode = await codeFlow(browser, demoted, { scope: 'openid read admin' });
      expect((await api.patch(`/admin/users/${demoted.id}`, { roles: [] })).status).toBe(200);
    });

    it('loses its access tokens carrying the admin scope at once (introspection: inactive), and keeps the others', async () => {
      expect(await introspect(adminAccess)).toEqual({ active: false });
      expect(await introspect(readAccess)).toMatchObject({ active: true, scope: 'read' });
    });

    it('stops getting the admin scope from a refresh: the access token and the new refresh token lose it', async () => {
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: refreshToken });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.scope).toBe('read');
      expect(await introspect(refreshed.body.refresh_token)).toMatchObject({ active: true, scope: 'read' });
      const asked = await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, scope: 'admin' });
      expect(asked.body.error).toBe('invalid_scope');
    });

    it('cannot redeem a code issued with the admin scope before the role was removed (invalid_scope)', async () => {
      const res = await redeem(earlierCode);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    });

    it('is refused the admin scope at authorize despite the earlier consent, and gets none by default', async () => {
      const asked = await browser.get(authorizeUrl({ scope: 'openid read admin' }));
      expect(asked.status).toBe(302);
      expect(new URL(asked.location!).searchParams.get('error')).toBe('invalid_scope');
      const code = await codeFlow(browser, demoted, {});
      expect((await redeem(code)).body.scope).toBe('openid read');
    });

    it('is refused the admin scope by the password grant with invalid_scope', async () => {
      expect((await password(demoted, 'admin')).body.error).toBe('invalid_scope');
    });
  });

  it('answers inactive for an admin access token whose holder lost the role without the revocation (a race)', async () => {
    const raced = await createUser(t, { roles: ['admin'] });
    const granted = (await password(raced, 'read admin')).body;
    expect(await introspect(granted.access_token)).toMatchObject({ active: true, scope: 'read admin' });
    // The users service alone: the role goes, the revocation that the admin API adds does not run.
    await t.users.update(raced.id, { roles: [] });
    expect(await introspect(granted.access_token)).toEqual({ active: false });
    expect(await introspect(granted.refresh_token)).toMatchObject({ active: true, scope: 'read' });
  });

  it('revokes the admin access tokens of a user whose admin role an import removes', async () => {
    const imported = await createUser(t, { roles: ['admin'] });
    const granted = (await password(imported, 'read admin')).body.access_token;
    const res = await api.post('/admin/import', { users: [{ username: imported.username, roles: ['auditor'] }] });
    expect(res.status).toBe(200);
    expect(await introspect(granted)).toEqual({ active: false });
    expect((await password(imported, 'admin')).body.error).toBe('invalid_scope');
  });
});
