import { AdminApi, appWithAdminApi } from '../support/admin';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { FormBrowser, Page } from '../support/form-browser';
import { AuditService } from '../../src/audit/audit.service';
import { oathtool, totpSecretOf } from '../support/totp';

const codesOf = (page: Page) => [...page.body.matchAll(/<li><code>([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1]);

/** Submits the form whose hidden `action` field is `action` (the page has one form per button). */
async function press(browser: FormBrowser, page: Page, action: string, extra: Record<string, string> = {}): Promise<Page> {
  const form = [...page.body.matchAll(/<form[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`name="action" value="${action}"`));
  if (!form) throw new Error(`no ${action} form in:\n${page.body.slice(0, 600)}`);
  return browser.submit({ ...page, body: form }, extra);
}

describe(`account page: sign-in security [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let userId: string;

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    const user = await api.post('/admin/users', { username: 'noa', password: 'noa-password' });
    userId = user.body.id;
  });
  afterAll(() => t.close());

  it('enrols an authenticator app, shows recovery codes once, makes new ones and removes the app, with plain forms', async () => {
    const browser = new FormBrowser(t.url);
    const login = await browser.get('/account/security');
    expect(login.body).toContain('name="password"');
    const empty = await browser.submit(login, { username: 'noa', password: 'noa-password' });
    expect(empty.body).toContain('No authenticator app is set up');

    const enrol = await press(browser, empty, 'start_totp');
    expect(enrol.body).toContain('<svg role="img"');
    const secret = totpSecretOf(enrol.body);
    const added = await browser.submit(enrol, { code: oathtool(secret), name: 'Work phone' });
    const first = codesOf(added);
    expect(first).toHaveLength(10);

    const listed = await browser.submit(added, {});
    expect(listed.body).toContain('Work phone');
    expect(listed.body).toContain('10 unused recovery codes left');
    expect(listed.body).not.toContain(secret);
    for (const code of first) expect(listed.body).not.toContain(code);

    const renewed = codesOf(await press(browser, listed, 'regenerate'));
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toEqual(expect.arrayContaining([first[0]]));

    // A new sign-in with the password alone must give a code before it sees or changes anything.
    const other = new FormBrowser(t.url);
    const codePage = await other.submit(await other.get('/account/security'), { username: 'noa', password: 'noa-password' });
    expect(codePage.body).toContain('name="code"');
    expect(codePage.body).not.toContain('Work phone');
    expect((await other.submit(codePage, { code: first[0] })).status).toBe(401);
    const unlocked = await other.submit(codePage, { code: renewed[0] });
    expect(unlocked.body).toContain('Work phone');

    const removed = await press(other, unlocked, 'remove');
    expect(removed.body).toContain('Authenticator app removed.');
    expect((await api.get(`/admin/users/${userId}/factors`)).body).toEqual({
      factors: [],
      recovery_codes_remaining: 0,
      enrolment_required: false,
    });
  });

  it('keeps the last app while a policy requires a factor: an administrator’s requirement, or an approved application that requires one', async () => {
    const ola = await api.post('/admin/users', { username: 'ola', password: 'ola-password' });
    const browser = new FormBrowser(t.url);
    const empty = await browser.submit(await browser.get('/account/security'), { username: 'ola', password: 'ola-password' });
    const enrol = await press(browser, empty, 'start_totp');
    const listed = await browser.submit(await browser.submit(enrol, { code: oathtool(totpSecretOf(enrol.body)) }), {});
    expect(listed.body).toContain('Authenticator app');

    const requirement = `/admin/users/${ola.body.id}/factors/require-enrolment`;
    expect((await api.post(requirement)).status).toBe(200);
    const refused = await press(browser, listed, 'remove');
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('cannot be removed');
    expect((await api.delete(requirement)).status).toBe(204);

    // The user approved an application whose policy requires a second factor.
    const redirectUri = 'https://rp.example.com/callback';
    const app = await api.post('/admin/applications', {
      client_name: 'Payroll',
      redirect_uris: [redirectUri],
      scope: 'openid',
      grant_types: ['authorization_code'],
      mfa: 'required',
    });
    const authorize = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.body.client_id, redirect_uri: redirectUri, scope: 'openid', state: 's' })}`;
    const consent = await browser.get(authorize);
    expect(consent.body).toContain('value="approve"');
    expect((await browser.submit(consent, { action: 'approve' })).status).toBe(302);
    const kept = await press(browser, await browser.get('/account/security'), 'remove');
    expect(kept.status).toBe(409);
    expect((await api.get(`/admin/users/${ola.body.id}/factors`)).body.factors).toHaveLength(1);
  });

  it('lists the user’s last ten sign-ins on the account page: time, method (amr) and IP address, escaped', async () => {
    const pia = await api.post('/admin/users', { username: 'pia', password: 'pia-password' });
    const browser = new FormBrowser(t.url);
    const account = await browser.get('/account');
    expect(account.status).toBe(302);
    expect(account.location).toBe('/account/consents');
    let page = await browser.submit(await browser.get('/account/consents'), { username: 'pia', password: 'pia-password' });
    expect(page.body).toContain('Recent sign-ins');
    const rows = () => [...page.body.matchAll(/<tr><td>([0-9: -]{16})<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows()).toEqual([[expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), 'pwd', expect.stringMatching(/127\.0\.0\.1$/)]]);

    // A code given at the security page is a sign-in with a second factor.
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP';
    expect((await api.post(`/admin/users/${pia.body.id}/factors/totp`, { secret })).status).toBe(201);
    const codePage = await browser.get('/account/security');
    expect((await browser.submit(codePage, { code: oathtool(secret) })).body).toContain('Sign-in security');
    page = await browser.get('/account/consents');
    expect(rows().map((r) => r[1])).toEqual(['pwd otp mfa', 'pwd']);

    // Only the last ten, newest first; what an event recorded is written out escaped.
    const audit = t.app.get(AuditService);
    for (let i = 0; i < 10; i++) await audit.record({ type: 'login.success', actorUserId: pia.body.id, subject: pia.body.id, detail: { amr: `<b>${i}</b>` } });
    page = await browser.get('/account/consents');
    expect(rows()).toHaveLength(10);
    expect(page.body).not.toContain('<b>');
    expect(page.body).toContain('&#60;b&#62;9&#60;/b&#62;');
    expect(rows().map((r) => r[1])).not.toContain('pwd otp mfa');
  });
});
