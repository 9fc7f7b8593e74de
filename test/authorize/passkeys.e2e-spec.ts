import request from 'supertest';
import { nowSeconds } from '../../src/common/time';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { PasskeysRepository } from '../../src/users/factors/passkeys.repository';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { FormBrowser, Page, parseForm } from '../support/form-browser';
import { makeCertificate } from '../support/certificates';
import { SoftPasskey, type SoftPasskeyOptions } from '../support/soft-passkey';
import { createUser } from '../support/factories';
import { sql } from '../support/sql';
import { writeTempFiles } from '../support/temp-files';

/** The form of `page` whose hidden `action` is `action`, as a page of its own. */
function formOf(page: Page, action: string): Page {
  const form = [...page.body.matchAll(/<form[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`name="action" value="${action}"`));
  if (!form) throw new Error(`no ${action} form in:\n${page.body.slice(0, 800)}`);
  return { ...page, body: form };
}

/** What the page's script does first: the options of a ceremony, with the page's CSRF token. */
async function ceremonyOptions(browser: FormBrowser, page: Page, action: string, ceremony: string): Promise<{ challenge: string; user: { id: string } }> {
  const { fields } = parseForm(formOf(page, action).body);
  const answer = await browser.post('/passkeys/options', { csrf_token: fields.csrf_token, ceremony });
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body);
}

/** Signs `username` in on the account page with their password and adds `passkey` named `name` there. */
async function enrol(
  t: TestApp,
  username: string,
  password: string,
  passkey: SoftPasskey,
  name: string,
  origin = t.url,
): Promise<{ browser: FormBrowser; page: Page }> {
  const browser = new FormBrowser(t.url);
  const page = await browser.submit(await browser.get('/account/security'), { username, password });
  const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
  const added = await browser.submit(formOf(page, 'add_passkey'), { name, credential: passkey.create(options, origin) });
  expect(added.body).toContain(`Passkey “${name}” added.`);
  return { browser, page: added };
}

/** "Use a passkey" on the account page's sign-in form, answered by `passkey` (from `origin`). */
async function passkeySignIn(t: TestApp, passkey: SoftPasskey, origin = t.url): Promise<{ browser: FormBrowser; page: Page; credential: string }> {
  const browser = new FormBrowser(t.url);
  const login = await browser.get('/account/security');
  const options = await ceremonyOptions(browser, login, 'passkey', 'login');
  const credential = passkey.get(options, origin);
  return { browser, page: await browser.submit(formOf(login, 'passkey'), { credential }), credential };
}

describe(`passkeys over HTTP, with a software authenticator [${TEST_DB}]`, () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    // Every request here comes from one address: more than the 60 sign-in posts a minute one IP may make.
    t = await createTestApp({ env: { ADMIN_PASSWORD, LOGIN_MAX_FAILURES: '3', RATE_LIMIT_LOGIN_PER_MINUTE: '1000' } });
    auth = `Bearer ${await adminToken(t)}`;
  });
  afterAll(() => t.close());

  const newUser = async (username: string) =>
    (
      await request(t.url)
        .post('/admin/users')
        .set('Authorization', auth)
        .send({ username, password: `${username}-password` })
    ).body.id as string;

  it('adds a named synced passkey, signs in with it and no username, and the admin API lists it without its key', async () => {
    const userId = await newUser('ines');
    const passkey = new SoftPasskey('localhost', { synced: true });
    await enrol(t, 'ines', 'ines-password', passkey, 'Phone');

    const { browser, page } = await passkeySignIn(t, passkey);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in as <strong>ines</strong>');
    expect(page.body).toContain('Phone</strong> (synced)');
    // The account page's recent sign-ins name the passkey's methods (RFC 8176), not a password.
    const recent = await browser.get('/account/consents');
    expect(recent.body).toMatch(/<tr><td>[0-9: -]{16}<\/td><td><code>swk user mfa<\/code>/);

    const listed = await request(t.url).get(`/admin/users/${userId}/factors`).set('Authorization', auth);
    expect(listed.body.factors).toEqual([
      expect.objectContaining({ type: 'passkey', name: 'Phone', credential_id: passkey.credentialId, backup_eligible: true, backup_state: true }),
    ]);
    expect(listed.body.factors[0].last_used_at).toEqual(expect.any(Number));
    expect(JSON.stringify(listed.body)).not.toMatch(/public_?key/i);
    const [row] = await sql(t.dataSource, 'SELECT sign_count FROM passkey_credentials WHERE user_id = ?', [userId]);
    expect(Number(row.sign_count)).toBe(1);
  });

  it('refuses a used challenge: the same answer posted again does not sign in', async () => {
    await newUser('jonas');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'jonas', 'jonas-password', passkey, 'Laptop');
    const { browser, credential } = await passkeySignIn(t, passkey);
    const again = new FormBrowser(t.url);
    const login = await again.get('/account/security');
    const replayed = await again.submit(formOf(login, 'passkey'), { credential });
    expect(replayed.status).toBe(400);
    expect(replayed.body).toContain('This passkey request expired or was already used');
    expect(replayed.body).not.toContain('Signed in as');
    expect(browser.cookies.size).toBeGreaterThan(0);
  });

  it('refuses an expired challenge', async () => {
    await newUser('kim');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'kim', 'kim-password', passkey, 'Key');
    const browser = new FormBrowser(t.url);
    const login = await browser.get('/account/security');
    const options = await ceremonyOptions(browser, login, 'passkey', 'login');
    await sql(t.dataSource, 'UPDATE passkey_challenges SET expires_at = 0');
    const late = await browser.submit(formOf(login, 'passkey'), { credential: passkey.get(options, t.url) });
    expect(late.status).toBe(400);
    expect(late.body).toContain('expired or was already used');
  });

  it('keeps challenges hashed, and the janitor deletes those nobody answered once expired', async () => {
    const browser = new FormBrowser(t.url);
    const login = await browser.get('/account/security');
    const { challenge } = await ceremonyOptions(browser, login, 'passkey', 'login');
    const stored = await sql(t.dataSource, 'SELECT id, expires_at FROM passkey_challenges');
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(stored)).not.toContain(challenge);
    const deleted = await t.app.get(ExpiredDataCleanupService).runOnce(nowSeconds() + 301);
    expect(deleted.passkey_challenges).toBeGreaterThanOrEqual(1);
    expect(await sql(t.dataSource, 'SELECT id FROM passkey_challenges')).toEqual([]);
  });

  it('refuses an assertion of a credential nobody registered, with a page that says so', async () => {
    const { page } = await passkeySignIn(t, new SoftPasskey('localhost'));
    expect(page.status).toBe(401);
    expect(page.body).toContain('This passkey is not registered here');
  });

  it('refuses an answer made for another origin', async () => {
    await newUser('lena');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'lena', 'lena-password', passkey, 'Key');
    const { page } = await passkeySignIn(t, passkey, 'https://login.example.net');
    expect(page.status).toBe(400);
    expect(page.body).toContain('made for another site');
    expect(page.body).not.toContain('Signed in as');
  });

  it('refuses a registration answered for another origin or with a used challenge', async () => {
    await newUser('mila');
    const browser = new FormBrowser(t.url);
    const page = await browser.submit(await browser.get('/account/security'), { username: 'mila', password: 'mila-password' });
    const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
    const foreign = await browser.submit(formOf(page, 'add_passkey'), {
      name: 'X',
      credential: new SoftPasskey('localhost').create(options, 'https://evil.example'),
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toContain('made for another site');
    const reused = await browser.submit(formOf(page, 'add_passkey'), { name: 'X', credential: new SoftPasskey('localhost').create(options, t.url) });
    expect(reused.status).toBe(400);
    expect(reused.body).toContain('expired or was already used');
    expect(await sql(t.dataSource, "SELECT id FROM user_factors WHERE type = 'passkey' AND name = 'X'")).toEqual([]);
  });

  it('refuses an assertion whose user handle is no base64url string with the usual page, not a 500', async () => {
    await newUser('uwe');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'uwe', 'uwe-password', passkey, 'Key');
    for (const userHandle of [1, {}]) {
      const browser = new FormBrowser(t.url);
      const login = await browser.get('/account/security');
      const options = await ceremonyOptions(browser, login, 'passkey', 'login');
      const parsed = JSON.parse(passkey.get(options, t.url));
      parsed.response.userHandle = userHandle;
      const page = await browser.submit(formOf(login, 'passkey'), { credential: JSON.stringify(parsed) });
      expect(page.status).toBe(401);
      expect(page.body).not.toContain('Signed in as');
    }
  });

  it('keeps only the string transports of a registration, and takes no array as none', async () => {
    const userId = await newUser('vera');
    const browser = new FormBrowser(t.url);
    let page = await browser.submit(await browser.get('/account/security'), { username: 'vera', password: 'vera-password' });
    for (const [name, transports] of [
      ['A', 'usb'],
      ['B', ['usb', 5, { x: 1 }, 'nfc']],
    ] as const) {
      const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
      const parsed = JSON.parse(new SoftPasskey('localhost').create(options, t.url));
      parsed.response.transports = transports;
      page = await browser.submit(formOf(page, 'add_passkey'), { name, credential: JSON.stringify(parsed) });
      expect(page.status).toBe(200);
      expect(page.body).toContain(`Passkey “${name}” added.`);
    }
    const rows = await sql(t.dataSource, 'SELECT transports FROM passkey_credentials WHERE user_id = ? ORDER BY transports', [userId]);
    expect(rows.map((r) => r.transports ?? '')).toEqual(['', 'usb,nfc']);
  });

  it('refuses the second of two registrations of one credential at once, not with a 500', async () => {
    await newUser('wim');
    await newUser('xia');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'wim', 'wim-password', passkey, 'Key');
    const browser = new FormBrowser(t.url);
    const page = await browser.submit(await browser.get('/account/security'), { username: 'xia', password: 'xia-password' });
    const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
    // The other registration's insert lands between this one's check and its insert.
    const raced = jest.spyOn(t.app.get(PasskeysRepository), 'findByCredentialHash').mockResolvedValueOnce(null);
    try {
      const added = await browser.submit(formOf(page, 'add_passkey'), { name: 'Same', credential: passkey.create(options, t.url) });
      expect(raced).toHaveBeenCalled();
      expect(added.status).toBe(401);
      expect(added.body).toContain('The passkey could not be verified');
    } finally {
      raced.mockRestore();
    }
    expect(await sql(t.dataSource, "SELECT id FROM user_factors WHERE type = 'passkey' AND name = 'Same'")).toEqual([]);
  });

  it('counts failed assertions against the user’s lockout, the one passwords count against', async () => {
    await newUser('nils');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'nils', 'nils-password', passkey, 'Key');
    const forged = (credential: string) => {
      const parsed = JSON.parse(credential);
      parsed.response.signature = Buffer.from('not a signature').toString('base64url');
      return JSON.stringify(parsed);
    };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const browser = new FormBrowser(t.url);
      const login = await browser.get('/account/security');
      const options = await ceremonyOptions(browser, login, 'passkey', 'login');
      statuses.push((await browser.submit(formOf(login, 'passkey'), { credential: forged(passkey.get(options, t.url)) })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The password is locked too: one counter per user.
    const browser = new FormBrowser(t.url);
    const password = await browser.submit(await browser.get('/account/security'), { username: 'nils', password: 'nils-password' });
    expect(password.status).toBe(429);
  });

  it('counts each failed passkey after a password once against the lockout, as a wrong code', async () => {
    await newUser('ulla');
    const passkey = new SoftPasskey('localhost');
    await enrol(t, 'ulla', 'ulla-password', passkey, 'Key');
    const browser = new FormBrowser(t.url);
    const codePage = await browser.submit(await browser.get('/account/security'), { username: 'ulla', password: 'ulla-password' });
    const passkeyForm = [...codePage.body.matchAll(/<form[^>]*data-passkey="second_factor"[\s\S]*?<\/form>/g)][0][0];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const options = await ceremonyOptions(browser, codePage, 'second_factor', 'second_factor');
      const parsed = JSON.parse(passkey.get(options, t.url));
      parsed.response.signature = Buffer.from('not a signature').toString('base64url');
      statuses.push((await browser.submit({ ...codePage, body: passkeyForm }, { code: JSON.stringify(parsed) })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('renames and removes a passkey; removed, it signs in no more', async () => {
    const userId = await newUser('olga');
    const passkey = new SoftPasskey('localhost');
    const { browser, page } = await enrol(t, 'olga', 'olga-password', passkey, 'Old name');
    const renamed = await browser.submit(formOf(page, 'rename_passkey'), { name: 'Desk key' });
    expect(renamed.body).toContain('Passkey renamed.');
    expect(renamed.body).toContain('<strong>Desk key</strong>');
    const removed = await browser.submit(formOf(renamed, 'remove'), {});
    expect(removed.body).toContain('Passkey removed.');
    expect(await sql(t.dataSource, 'SELECT id FROM passkey_credentials WHERE user_id = ?', [userId])).toEqual([]);
    expect((await passkeySignIn(t, passkey)).page.status).toBe(401);
  });

  it('removes every passkey, key and all, with an administrator’s reset', async () => {
    const userId = await newUser('tove');
    const { browser, page } = await enrol(t, 'tove', 'tove-password', new SoftPasskey('localhost'), 'A');
    const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
    const second = await browser.submit(formOf(page, 'add_passkey'), { name: 'B', credential: new SoftPasskey('localhost').create(options, t.url) });
    expect(second.body).toContain('Passkey “B” added.');
    expect(await sql(t.dataSource, 'SELECT id FROM passkey_credentials WHERE user_id = ?', [userId])).toHaveLength(2);
    expect((await request(t.url).delete(`/admin/users/${userId}/factors`).set('Authorization', auth)).status).toBe(204);
    expect(await sql(t.dataSource, 'SELECT id FROM passkey_credentials WHERE user_id = ?', [userId])).toEqual([]);
  });

  it('offers the passkey as the second factor after a password, and it steps the session up', async () => {
    await newUser('pia');
    const passkey = new SoftPasskey('localhost', { userVerified: false });
    await enrol(t, 'pia', 'pia-password', passkey, 'Key');
    const browser = new FormBrowser(t.url);
    const codePage = await browser.submit(await browser.get('/account/security'), { username: 'pia', password: 'pia-password' });
    expect(codePage.body).toContain('Use a passkey');
    expect(codePage.headers.get('content-security-policy')).toContain("script-src 'self'");
    const options = await ceremonyOptions(browser, codePage, 'second_factor', 'second_factor');
    const passkeyForm = [...codePage.body.matchAll(/<form[^>]*data-passkey="second_factor"[\s\S]*?<\/form>/g)][0][0];
    const page = await browser.submit({ ...codePage, body: passkeyForm }, { code: passkey.get(options, t.url) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h2>Passkeys</h2>');
  });
});

describe(`passkeys on two instances [${TEST_DB}]`, () => {
  it('completes a ceremony on another instance than the one that gave the challenge, once', async () => {
    // Both behind one public name, as behind a load balancer.
    const origin = 'https://login.example.test';
    const pair = await createTestAppPair({ env: { ADMIN_PASSWORD, ISSUER: origin } });
    try {
      const auth = `Bearer ${await adminToken(pair.a)}`;
      await request(pair.a.url).post('/admin/users').set('Authorization', auth).send({ username: 'quinn', password: 'quinn-password' });
      const passkey = new SoftPasskey('login.example.test');
      await enrol(pair.a, 'quinn', 'quinn-password', passkey, 'Key', origin);
      const browser = new FormBrowser(pair.a.url);
      const login = await browser.get('/account/security');
      const options = await ceremonyOptions(browser, login, 'passkey', 'login');
      const credential = passkey.get(options, origin);
      const form = parseForm(formOf(login, 'passkey').body);
      // The same browser (cookies and CSRF token) behind a load balancer that picks the other instance.
      const onB = new FormBrowser(pair.b.url);
      for (const [k, v] of browser.cookies) onB.cookies.set(k, v);
      const first = await onB.post(form.action, { ...form.fields, credential });
      expect(first.body).toContain('Signed in as <strong>quinn</strong>');
      const second = await browser.post(form.action, { ...form.fields, credential });
      expect(second.status).toBe(400);
    } finally {
      await pair.close();
    }
  });
});

describe(`passkeys under server-wide settings [${TEST_DB}]`, () => {
  it('keeps the last passkey when MFA_DEFAULT=required', async () => {
    // No admin token here: under a server-wide requirement the password grant is refused.
    const t = await createTestApp({ env: { MFA_DEFAULT: 'required' } });
    try {
      const user = await createUser(t, { username: 'rosa', password: 'rosa-password' });
      const { browser, page } = await enrol(t, 'rosa', 'rosa-password', new SoftPasskey('localhost'), 'Only key');
      const refused = await browser.submit(formOf(page, 'remove'), {});
      expect(refused.status).toBe(409);
      expect(refused.body).toContain('Your last sign-in factor cannot be removed');
      expect(await sql(t.dataSource, 'SELECT id FROM passkey_credentials WHERE user_id = ?', [user.id])).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('with WEBAUTHN_ATTESTATION=direct asks for attestation, refuses none, self and other makers’ chains, and takes its roots’', async () => {
    const maker = makeCertificate({ subject: '/CN=Maker Root', ca: true });
    const stranger = makeCertificate({ subject: '/CN=Stranger Root', ca: true });
    // WebAuthn §8.2.1: the packed attestation certificate's subject.
    const subject = '/C=SE/O=Maker/OU=Authenticator Attestation/CN=Maker Key';
    const roots = writeTempFiles({ 'roots.pem': maker.certificate });
    const t = await createTestApp({ env: { ADMIN_PASSWORD, WEBAUTHN_ATTESTATION: 'direct', WEBAUTHN_ATTESTATION_ROOTS: roots.paths['roots.pem'] } });
    try {
      const auth = `Bearer ${await adminToken(t)}`;
      await request(t.url).post('/admin/users').set('Authorization', auth).send({ username: 'sven', password: 'sven-password' });
      const browser = new FormBrowser(t.url);
      let page = await browser.submit(await browser.get('/account/security'), { username: 'sven', password: 'sven-password' });
      const refused: [SoftPasskeyOptions['attestation'], number, string][] = [
        ['none', 400, 'proves its make and model'],
        ['self', 400, 'proves its make and model'],
        [makeCertificate({ subject, issuer: stranger }), 401, 'The passkey could not be verified'],
      ];
      for (const [attestation, status, message] of refused) {
        const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
        expect(options).toMatchObject({ attestation: 'direct', rp: { id: 'localhost' }, authenticatorSelection: { residentKey: 'required' } });
        const added = await browser.submit(formOf(page, 'add_passkey'), {
          name: 'Key',
          credential: new SoftPasskey('localhost', { attestation }).create(options, t.url),
        });
        expect(added.status).toBe(status);
        expect(added.body).toContain(message);
      }
      expect(await sql(t.dataSource, 'SELECT id FROM passkey_credentials')).toEqual([]);
      const options = await ceremonyOptions(browser, page, 'add_passkey', 'register');
      const attested = new SoftPasskey('localhost', { attestation: makeCertificate({ subject, issuer: maker }) });
      page = await browser.submit(formOf(page, 'add_passkey'), { name: 'Made', credential: attested.create(options, t.url) });
      expect(page.body).toContain('Passkey “Made” added.');
      expect(await sql(t.dataSource, 'SELECT attestation_format FROM passkey_credentials')).toEqual([{ attestation_format: 'packed' }]);
    } finally {
      await t.close();
      roots.remove();
    }
  });
});
