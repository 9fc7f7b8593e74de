import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { FormBrowser, Page } from '../support/form-browser';

const oathtool = (secret: string, offset = 0) =>
  execFileSync('oathtool', ['--totp', '-b', '--now', new Date(Date.now() + offset * 1000).toISOString(), secret], { encoding: 'utf8' }).trim();

const secretOf = (page: Page) => new URL(/otpauth:\/\/totp\/[^<"]+/.exec(page.body.replace(/&#38;/g, '&'))![0]).searchParams.get('secret')!;
const codesOf = (page: Page) => [...page.body.matchAll(/<li><code>([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1]);

/** Submits the form whose hidden `action` field is `action` (the page has one form per button). */
async function press(browser: FormBrowser, page: Page, action: string, extra: Record<string, string> = {}): Promise<Page> {
  const form = [...page.body.matchAll(/<form[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`name="action" value="${action}"`));
  if (!form) throw new Error(`no ${action} form in:\n${page.body.slice(0, 600)}`);
  return browser.submit({ ...page, body: form }, extra);
}

describe(`account page: sign-in security [${TEST_DB}]`, () => {
  let t: TestApp;
  let auth: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    auth = `Bearer ${await adminToken(t)}`;
    const user = await request(t.url).post('/admin/users').set('Authorization', auth).send({ username: 'noa', password: 'noa-password' });
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
    const secret = secretOf(enrol);
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
    expect((await request(t.url).get(`/admin/users/${userId}/factors`).set('Authorization', auth)).body).toEqual({ factors: [], recovery_codes_remaining: 0 });
  });
});
