import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { createClient, TestClient, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser, parseForm } from '../support/form-browser';
import { sql } from '../support/sql';

describe(`admin API: users, settings, consents and tokens; the account page [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let client: TestClient;

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    client = await createClient(t, { clientName: 'Photo Printer', scope: 'read write' });
  });
  afterAll(() => t.close());

  let n = 0;
  const newUser = async (extra: Record<string, unknown> = {}) => {
    const body = { username: `person${++n}`, email: `person${n}@example.com`, password: 'a-long-password', ...extra };
    const res = await api.post('/admin/users').send(body);
    expect(res.status).toBe(201);
    return { ...res.body, password: body.password } as { id: string; username: string; password: string };
  };
  const passwordGrant = (username: string, password: string) => tokenRequest(t.url, { grant_type: 'password', username, password }, client.basic);

  describe('users', () => {
    it('creates a user (201) without ever returning the password', async () => {
      const res = await api.post('/admin/users').send({ username: 'carol', email: 'carol@example.com', password: 'carol-password', roles: ['auditor'] });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        username: 'carol',
        email: 'carol@example.com',
        roles: ['auditor'],
        enabled: true,
        legacy_password_hash: false,
        source: 'local',
        email_verified: false,
        name: null,
        given_name: null,
        family_name: null,
        middle_name: null,
        nickname: null,
        profile: null,
        picture: null,
        website: null,
        gender: null,
        birthdate: null,
        zoneinfo: null,
        locale: null,
        phone_number: null,
        phone_number_verified: false,
        address: null,
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      expect((await passwordGrant('carol', 'carol-password')).status).toBe(200);
    });

    it('answers 409 for a taken username', async () => {
      const user = await newUser();
      const res = await api.post('/admin/users').send({ username: user.username, password: 'whatever-long' });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('conflict');
    });

    it.each([
      ['a short password', { password: 'short' }, 'password'],
      ['a bad email', { email: 'not-an-email' }, 'email'],
      ['a username with spaces', { username: 'a b' }, 'username'],
      ['roles that are not a list', { roles: 'admin' }, 'roles'],
    ])('answers 400 with a field-level message for %s', async (_name, change, field) => {
      const res = await api.post('/admin/users').send({ username: `valid${++n}`, password: 'long-enough-pw', ...change });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('lists users with pagination and search, and gets one (404 when unknown)', async () => {
      const user = await newUser({ email: 'findme@example.org' });
      const search = await api.get('/admin/users?search=findme');
      expect(search.body.items.map((u: { id: string }) => u.id)).toEqual([user.id]);
      // The same on every database: case does not matter, and LIKE wildcards are plain characters.
      expect((await api.get('/admin/users?search=FindMe')).body.items.map((u: { id: string }) => u.id)).toEqual([user.id]);
      expect((await api.get('/admin/users?search=find%25me')).body.items).toEqual([]);
      const page = await api.get('/admin/users?per_page=1&page=2');
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBeGreaterThan(1);
      expect((await api.get(`/admin/users/${user.id}`)).body.username).toBe(user.username);
      expect((await api.get('/admin/users/unknown')).status).toBe(404);
    });

    it('resets a password with PATCH: the old one stops working', async () => {
      const user = await newUser();
      const res = await api.patch(`/admin/users/${user.id}`).send({ password: 'the-new-password', email: 'new@example.com' });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe('new@example.com');
      expect((await passwordGrant(user.username, user.password)).status).toBe(400);
      expect((await passwordGrant(user.username, 'the-new-password')).status).toBe(200);
    });

    it('disabling a user revokes their tokens', async () => {
      const user = await newUser();
      const token = (await passwordGrant(user.username, user.password)).body.access_token;
      await api.patch(`/admin/users/${user.id}`).send({ enabled: false });
      expect((await request(t.url).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
      expect((await passwordGrant(user.username, user.password)).status).toBe(400);
    });

    it('disabling a user voids their unredeemed codes: enabled again, they cannot redeem one, and it is no replay', async () => {
      const replays = async () =>
        Number((await sql(t.dataSource, "SELECT COUNT(*) AS n FROM audit_events WHERE type = 'token.revoked' AND detail LIKE ?", ['%code_replay%']))[0].n);
      const replaysBefore = await replays();
      const user = await newUser();
      const redirect = await approveAuthorization(new FormBrowser(t.url), `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read`, user);
      expect((await api.patch(`/admin/users/${user.id}`).send({ enabled: false })).status).toBe(200);
      expect((await api.patch(`/admin/users/${user.id}`).send({ enabled: true })).status).toBe(200);
      const res = await tokenRequest(t.url, { grant_type: 'authorization_code', code: redirect.searchParams.get('code') }, client.basic);
      // Unknown, not "already used": nothing was issued from it, so nothing is revoked or reported.
      expect(res.body).toMatchObject({ error: 'invalid_grant', error_description: 'invalid authorization code' });
      expect(await replays()).toBe(replaysBefore);
      expect((await passwordGrant(user.username, user.password)).status).toBe(200);
    });

    it('deletes a user (204), revoking their tokens, codes and consents; then 404', async () => {
      const user = await newUser();
      const token = (await passwordGrant(user.username, user.password)).body.access_token;
      await approveAuthorization(new FormBrowser(t.url), `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read`, user);
      expect((await api.delete(`/admin/users/${user.id}`)).status).toBe(204);
      expect((await request(t.url).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
      const [{ count }] = await sql(t.dataSource, 'SELECT COUNT(*) AS count FROM consents WHERE user_id = ?', [user.id]);
      expect(Number(count)).toBe(0);
      const [{ unredeemed }] = await sql(t.dataSource, 'SELECT COUNT(*) AS unredeemed FROM authorization_codes WHERE user_id = ? AND consumed_at IS NULL', [
        user.id,
      ]);
      expect(Number(unredeemed)).toBe(0);
      expect((await api.delete(`/admin/users/${user.id}`)).status).toBe(404);
    });

    it('lists a user’s active tokens and revokes them all', async () => {
      const user = await newUser();
      await passwordGrant(user.username, user.password);
      const tokens = await api.get(`/admin/users/${user.id}/tokens`);
      expect(tokens.body.map((x: { type: string }) => x.type).sort()).toEqual(['access_token', 'refresh_token']);
      expect((await api.delete(`/admin/users/${user.id}/tokens`)).status).toBe(204);
      expect((await api.get(`/admin/users/${user.id}/tokens`)).body).toEqual([]);
      expect((await api.get('/admin/users/unknown/tokens')).status).toBe(404);
    });
  });

  describe('settings', () => {
    afterEach(() => api.patch('/admin/settings').send({ pkce_required: false, access_token_ttl: 3600 }));

    it('reads and changes the global settings; the next token request uses them', async () => {
      const read = await api.get('/admin/settings');
      expect(read.body).toEqual({
        pkce_required: false,
        pkce_plain_allowed: false,
        access_token_ttl: 3600,
        refresh_token_ttl: 1209600,
        authorization_code_ttl: 300,
        require_pushed_authorization_requests: false,
        client_id_metadata_document_allowed_hosts: null,
        client_id_metadata_document_denied_hosts: null,
      });
      const changed = await api.patch('/admin/settings').send({ access_token_ttl: 900, pkce_required: true });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ access_token_ttl: 900, pkce_required: true });
      const token = await tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);
      expect(token.body.expires_in).toBe(900);
      const authorize = await request(t.url).get(`/oauth2/authorize?response_type=code&client_id=${client.clientId}`);
      expect(new URL(authorize.headers['location']).searchParams.get('error')).toBe('invalid_request');
    });

    it.each([[{ access_token_ttl: 0 }], [{ authorization_code_ttl: 3600 }], [{ pkce_required: 'yes' }]])('answers 400 for %j', async (body) => {
      expect((await api.patch('/admin/settings').send(body)).status).toBe(400);
    });
  });

  describe('consents', () => {
    it('lists a user’s consents and revokes one: the tokens it allowed stop working', async () => {
      const user = await newUser();
      const browser = new FormBrowser(t.url);
      const redirect = await approveAuthorization(browser, `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read`, user);
      const token = await tokenRequest(t.url, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')! }, client.basic);
      const consents = await api.get(`/admin/users/${user.id}/consents`);
      expect(consents.body).toEqual([expect.objectContaining({ client_id: client.clientId, scope: 'read' })]);
      expect((await api.delete(`/admin/users/${user.id}/consents/${consents.body[0].id}`)).status).toBe(204);
      expect((await request(t.url).get('/me').set('Authorization', `Bearer ${token.body.access_token}`)).status).toBe(401);
      expect((await api.get(`/admin/users/${user.id}/consents`)).body).toEqual([]);
      expect((await api.delete(`/admin/users/${user.id}/consents/${consents.body[0].id}`)).status).toBe(404);
      // Consent is asked again next time.
      const again = await browser.get(`/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read`);
      expect(again.body).toContain('value="approve"');
    });
  });

  it('withdrawing a consent also voids codes issued under it and not yet redeemed', async () => {
    const user = await newUser();
    const browser = new FormBrowser(t.url);
    const redirect = await approveAuthorization(browser, `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read`, user);
    const [consent] = (await api.get(`/admin/users/${user.id}/consents`)).body;
    await api.delete(`/admin/users/${user.id}/consents/${consent.id}`);
    const res = await tokenRequest(t.url, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')! }, client.basic);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  describe('the account page', () => {
    it('lets a signed-in user see and revoke their own consents', async () => {
      const user = await newUser();
      const browser = new FormBrowser(t.url);
      await approveAuthorization(browser, `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read+write`, user);
      const page = await browser.get('/account/consents');
      expect(page.status).toBe(200);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.body).toContain('Photo Printer');
      expect(page.body).toContain('<code>read</code> <code>write</code>');
      const after = await browser.submit(page, {});
      expect(after.status).toBe(200);
      expect(after.body).toContain('Access revoked.');
      expect(after.body).toContain('You have not given any application access.');
    });

    it('asks an anonymous visitor to sign in first, then shows the list', async () => {
      const user = await newUser();
      const browser = new FormBrowser(t.url);
      const login = await browser.get('/account/consents');
      expect(login.body).toContain('name="password"');
      const list = await browser.submit(login, { username: user.username, password: user.password });
      expect(list.status).toBe(200);
      expect(list.body).toContain('Your approved applications');
    });

    it('refuses a revoke without the CSRF token', async () => {
      const user = await newUser();
      const browser = new FormBrowser(t.url);
      await approveAuthorization(browser, `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=read`, user);
      const page = await browser.get('/account/consents');
      const form = parseForm(page.body);
      const forged = await browser.post(form.action, { ...form.fields, csrf_token: 'x' });
      expect(forged.status).toBe(403);
      expect((await api.get(`/admin/users/${user.id}/consents`)).body).toHaveLength(1);
    });
  });
});
