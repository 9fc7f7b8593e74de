import request from 'supertest';
import { LdapUserDirectory } from '../../src/federation/ldap-user-directory';
import { LoginService } from '../../src/users/login.service';
import { ADMIN_PASSWORD, AdminApi, adminApi } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, TestClient, tokenRequest } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { freePort } from '../support/free-port';
import { sleep } from '../support/sleep';
import { ROOT_DN, ROOT_PASSWORD, Slapd, slapdAvailable, startSlapd, SUFFIX } from '../support/slapd';

const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
/** Another OU whose groups have the names of the mapped ones. */
const PROJECTS = `ou=projects,${SUFFIX}`;

function person(uid: string, password: string, extra = ''): string {
  return `dn: uid=${uid},${PEOPLE}
objectClass: inetOrgPerson
objectClass: adAccount
uid: ${uid}
cn: ${uid[0].toUpperCase()}${uid.slice(1)} Example
sn: Example
mail: ${uid}@example.org
userPassword: ${password}
${extra}`;
}

function group(cn: string, parent: string, ...members: string[]): string {
  return [`dn: cn=${cn},${parent}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members.map((uid) => `member: uid=${uid},${PEOPLE}`), ''].join('\n');
}

const DIRECTORY = `dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

${person('alice', 'alice-password')}
${person('bob', 'bob-password')}
${person('carol', 'carol-password')}
${person('dave', 'dave-password')}
${person('erin', 'erin-password')}
${person('frank', 'frank-password')}
${person('grace', 'grace-password')}
${person('locked', 'locked-password', 'pwdAccountLockedTime: 000001010000Z\n')}
${person('disabled', 'disabled-password', 'userAccountControl: 514\n')}
dn: ${GROUPS}
objectClass: organizationalUnit
ou: groups

${group('admins', GROUPS, 'alice')}
${group('staff', GROUPS, 'alice', 'bob')}
dn: ${PROJECTS}
objectClass: organizationalUnit
ou: projects

${group('admins', PROJECTS, 'grace')}
${group('staff', PROJECTS, 'grace')}`;

const describeWithSlapd = slapdAvailable() || process.env.CI === 'true' ? describe : describe.skip;
if (!slapdAvailable() && process.env.CI !== 'true') console.warn('slapd is not installed: the LDAP federation specs are skipped');

describeWithSlapd(`LDAP user federation against OpenLDAP [${TEST_DB}]`, () => {
  let slapd: Slapd;
  let t: TestApp;
  let admin: AdminApi;
  let client: TestClient;
  let directoryId: string;
  let closedUrl: string;

  const grant = (username: string, password: string, scope?: string) =>
    tokenRequest(t.url, { grant_type: 'password', username, password, ...(scope ? { scope } : {}) }, client.basic);

  /** The login page a browser reaches from the client's authorization request (scope=email, plus `extra`). */
  const loginPage = (browser: FormBrowser, extra: Record<string, string> = {}) =>
    browser.get(
      `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'email', ...extra })}`,
    );
  /** A new browser signs in on the login page; resolves with the page that follows. */
  const signInOnLoginPage = async (username: string, password: string) => {
    const browser = new FormBrowser(t.url);
    return browser.submit(await loginPage(browser), { username, password });
  };

  const userNamed = async (username: string) => {
    const res = await admin.get(`/admin/users?search=${encodeURIComponent(username)}`);
    return (res.body.items as { username: string; id: string; enabled: boolean; source: string; roles: string[]; email: string; name: string }[]).find(
      (u) => u.username === username,
    );
  };

  /** A disabled directory on this slapd, never synced (`extra`: its TLS settings), created through the admin API. */
  async function disabledDirectory(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; ca_certificates: string }> {
    const created = await admin.post('/admin/directories', {
      name,
      enabled: false,
      urls: [slapd.url],
      ...extra,
      bind_dn: ROOT_DN,
      bind_password: ROOT_PASSWORD,
      base_dn: PEOPLE,
      sync_interval_seconds: 0,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  /** `change` to directory `id` is refused until the bind password comes with it; the description says `reason`. */
  async function expectBindPasswordRequired(id: string, change: object, reason: string): Promise<void> {
    const refused = await admin.patch(`/admin/directories/${id}`, change);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', details: [{ field: 'bind_password' }] });
    expect(refused.body.error_description).toContain(reason);
  }

  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.add(DIRECTORY);
    // Nothing listens there: every sign-in goes through failover to the second URL.
    closedUrl = `ldap://127.0.0.1:${await freePort()}`;
    t = await createTestApp({ env: { ADMIN_PASSWORD, LOGIN_MAX_FAILURES: '3' } });
    admin = await adminApi(t);
    client = await createClient(t, { scope: 'email read admin' });
    const created = await admin.post('/admin/directories', {
      name: 'Example OpenLDAP',
      urls: [closedUrl, slapd.url],
      bind_dn: ROOT_DN,
      bind_password: ROOT_PASSWORD,
      base_dn: PEOPLE,
      user_filter: '(objectClass=inetOrgPerson)',
      group_mappings: [
        { group: `cn=admins,${GROUPS}`, roles: ['admin'] },
        { group: 'staff', base_dn: GROUPS, roles: ['staff'] },
      ],
      connect_timeout_ms: 1000,
      operation_timeout_ms: 2000,
      sync_interval_seconds: 0,
    });
    expect(created.status).toBe(201);
    directoryId = created.body.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await slapd?.close();
  });

  it('keeps the directory in the admin API without its service password, audited', async () => {
    const res = await admin.get(`/admin/directories/${directoryId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ urls: [closedUrl, slapd.url], bind_dn: ROOT_DN, id_attribute: 'entryUUID', source: `ldap:${directoryId}` });
    expect(JSON.stringify(res.body)).not.toContain(ROOT_PASSWORD);
    const [row] = await t.dataSource.query(`SELECT bind_password_sealed FROM ldap_directories`);
    expect(row.bind_password_sealed).toMatch(/^v1\./);
    expect(row.bind_password_sealed).not.toContain(ROOT_PASSWORD);
    const audit = await admin.get('/admin/audit-events?type=admin.directory.created');
    expect(audit.body.items?.[0]?.subject ?? JSON.stringify(audit.body)).toContain(directoryId);
  });

  it('refuses a change of URLs or bind DN that would send the stored bind password elsewhere, unless the password comes with it', async () => {
    const { id } = await disabledDirectory('Moving directory');
    const sealed = async () => (await t.dataSource.query(`SELECT bind_password_sealed FROM ldap_directories WHERE id = '${id}'`))[0].bind_password_sealed;
    const before = await sealed();
    for (const change of [
      { urls: ['ldaps://attacker.example'] },
      { bind_dn: 'cn=someone-else,dc=example,dc=org' },
      { urls: [slapd.url, 'ldap://second.example'] },
    ]) {
      await expectBindPasswordRequired(id, change, 'bind_password is required');
    }
    expect(await admin.get(`/admin/directories/${id}`)).toMatchObject({ body: { urls: [slapd.url], bind_dn: ROOT_DN } });
    expect(await sealed()).toBe(before);
    // The same values, or other settings, need no password; a move with the password is taken.
    expect((await admin.patch(`/admin/directories/${id}`, { urls: [slapd.url], bind_dn: ROOT_DN, name: 'Renamed' })).status).toBe(200);
    const moved = await admin.patch(`/admin/directories/${id}`, { urls: ['ldaps://ldap2.example.org'], bind_password: 'the-new-servers-password' });
    expect(moved.status).toBe(200);
    expect(moved.body.urls).toEqual(['ldaps://ldap2.example.org']);
    expect(await sealed()).not.toBe(before);
    expect((await admin.delete(`/admin/directories/${id}`)).status).toBe(204);
  });

  it('refuses to turn StartTLS off or change the CA bundle without the bind password: it would go out in cleartext or to an interceptor', async () => {
    const created = await disabledDirectory('TLS directory', {
      start_tls: true,
      ca_certificates: '-----BEGIN CERTIFICATE-----\nfirst\n-----END CERTIFICATE-----',
    });
    const id = created.id;
    for (const [change, field] of [
      [{ start_tls: false }, 'start_tls'],
      [{ ca_certificates: '-----BEGIN CERTIFICATE-----\ninterceptor\n-----END CERTIFICATE-----' }, 'ca_certificates'],
    ] as const) {
      await expectBindPasswordRequired(id, change, `bind_password is required when ${field} change`);
    }
    expect(await admin.get(`/admin/directories/${id}`)).toMatchObject({ body: { start_tls: true, ca_certificates: expect.stringContaining('first') } });
    // Keeping StartTLS on, or the same bundle, needs no password; the change with the password is taken.
    expect((await admin.patch(`/admin/directories/${id}`, { start_tls: true, ca_certificates: created.ca_certificates })).status).toBe(200);
    const plain = await admin.patch(`/admin/directories/${id}`, { start_tls: false, bind_password: ROOT_PASSWORD });
    expect(plain.status).toBe(200);
    expect(plain.body.start_tls).toBe(false);
    // Turning StartTLS back on only strengthens the channel.
    expect((await admin.patch(`/admin/directories/${id}`, { start_tls: true })).status).toBe(200);
    expect((await admin.delete(`/admin/directories/${id}`)).status).toBe(204);
  });

  it('signs a directory user in by the password grant (through the second URL), linking a local user by entryUUID with mapped roles', async () => {
    const res = await grant('alice', 'alice-password', 'read admin');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('read admin');
    const alice = await userNamed('alice');
    expect(alice).toMatchObject({ source: `ldap:${directoryId}`, email: 'alice@example.org', name: 'Alice Example', roles: ['admin', 'staff'], enabled: true });
    const [link] = await t.dataSource.query(`SELECT external_id FROM federated_users WHERE user_id = '${alice!.id}'`);
    const uuid = await entryUuid(slapd, 'alice');
    expect(link.external_id).toBe(uuid);
    const linked = await admin.get('/admin/audit-events?type=federation.user.linked');
    expect(JSON.stringify(linked.body)).toContain(alice!.id);
    // No password hash of hers is kept, legacy or not.
    const legacy = await admin.get('/admin/users?legacy_hash=true');
    expect((legacy.body.items as { id: string }[]).map((u) => u.id)).not.toContain(alice!.id);
  });

  it('gives no role for a group of a mapped name in another OU, and refuses a group name without a base DN', async () => {
    expect((await grant('grace', 'grace-password')).status).toBe(200);
    expect(await userNamed('grace')).toMatchObject({ source: `ldap:${directoryId}`, roles: [] });
    expect((await grant('grace', 'grace-password', 'admin')).status).toBe(400);
    const refused = await admin.patch(`/admin/directories/${directoryId}`, { group_mappings: [{ group: 'admins', roles: ['admin'] }] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', details: [{ field: 'group_mappings[0].group' }] });
    const shown = await admin.get(`/admin/directories/${directoryId}`);
    expect(shown.body.group_mappings).toEqual([
      { group: `cn=admins,${GROUPS}`, roles: ['admin'] },
      { group: 'staff', base_dn: GROUPS, roles: ['staff'] },
    ]);
  });

  it('refreshes name, e-mail and roles at the next sign-in', async () => {
    expect((await grant('bob', 'bob-password')).status).toBe(200);
    expect(await userNamed('bob')).toMatchObject({ roles: ['staff'], email: 'bob@example.org' });
    await slapd.modify(`dn: uid=bob,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: robert@example.org\n-\nreplace: cn\ncn: Robert Example\n`);
    await slapd.modify(`dn: cn=staff,${GROUPS}\nchangetype: modify\ndelete: member\nmember: uid=bob,${PEOPLE}\n`);
    expect((await grant('bob', 'bob-password')).status).toBe(200);
    expect(await userNamed('bob')).toMatchObject({ roles: [], email: 'robert@example.org', name: 'Robert Example' });
  });

  it('signs a directory user in on the login page', async () => {
    const consent = await signInOnLoginPage('carol', 'carol-password');
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('value="approve"');
    expect(await userNamed('carol')).toMatchObject({ source: `ldap:${directoryId}` });
  });

  it('goes on to the client after a directory sign-in asked for by prompt=login, not back to the login page', async () => {
    const browser = new FormBrowser(t.url);
    for (const extra of [{}, { prompt: 'login' }, { prompt: 'login consent' }] as Record<string, string>[]) {
      const login = await loginPage(browser, extra);
      expect(login.body).toContain('name="password"');
      let page = await browser.submit(login, { username: 'carol', password: 'carol-password' });
      // The consent page the first time; the code straight away once consent is given.
      if (page.status === 200) page = await browser.submit(page, { action: 'approve' });
      expect(page.status).toBe(302);
      const approved = page;
      expect(new URL(approved.location!).searchParams.get('code')).toBeTruthy();
    }
  });

  it.each([
    ['a wrong password', 'alice', 'wrong'],
    ['a locked account', 'locked', 'locked-password'],
    ['a disabled account', 'disabled', 'disabled-password'],
    ['an unknown user', 'nobody', 'whatever'],
  ])('refuses %s with the usual message', async (_case, username, password) => {
    const res = await grant(username, password);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_grant', error_description: 'invalid resource owner credentials' });
  });

  it('links no user for a locked account', async () => {
    expect((await grant('locked', 'locked-password')).status).toBe(400);
    expect(await userNamed('locked')).toBeUndefined();
  });

  it('never takes a bind with an empty password (an unauthenticated bind) for a password check', async () => {
    // This slapd answers success to a DN with an empty password.
    expect(await t.app.get(LdapUserDirectory).authenticate('alice', '', null)).toBeNull();
    expect(await t.app.get(LoginService).attempt('dave', '', 'password_grant')).toEqual({ ok: false, reason: 'invalid' });
    expect(await userNamed('dave')).toBeUndefined();
  });

  it.each(['ali*', '*', 'alice)(uid=*', '*)(|(uid=*'])(
    'escapes the username %s in the search filter (RFC 4515): no wildcard or filter injection',
    async (username) => {
      const res = await grant(username, 'alice-password');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    },
  );

  it('refuses a password change for a federated user: the directory keeps it', async () => {
    const alice = await userNamed('alice');
    const res = await admin.patch(`/admin/users/${alice!.id}`, { password: 'a new password here' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('disables a user gone from the directory at a sync, ending their tokens', async () => {
    const token = await grant('erin', 'erin-password');
    expect(token.status).toBe(200);
    await slapd.delete(`uid=erin,${PEOPLE}`);
    const sync = await admin.post(`/admin/directories/${directoryId}/sync`, {});
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ directory_id: directoryId, disabled: 1 });
    expect(await userNamed('erin')).toMatchObject({ enabled: false });
    const me = await request(t.url).get('/oauth2/userinfo').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(me.status).toBe(401);
    expect(await userNamed('alice')).toMatchObject({ enabled: true });
  });

  it('runs the sync on schedule', async () => {
    expect((await grant('frank', 'frank-password')).status).toBe(200);
    await slapd.delete(`uid=frank,${PEOPLE}`);
    expect((await admin.patch(`/admin/directories/${directoryId}`, { sync_interval_seconds: 1 })).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while ((await userNamed('frank'))?.enabled !== false && Date.now() < deadline) await sleep(250);
    expect(await userNamed('frank')).toMatchObject({ enabled: false });
    await admin.patch(`/admin/directories/${directoryId}`, { sync_interval_seconds: 0 });
  }, 20_000);

  describe('with the directory down', () => {
    beforeAll(() => slapd.stop());
    afterAll(() => slapd.restart());

    it('answers the password grant 503 temporarily_unavailable, with no effect', async () => {
      const res = await grant('dave', 'dave-password');
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(await userNamed('dave')).toBeUndefined();
    });

    it('says so on the login page, not a 500', async () => {
      const page = await signInOnLoginPage('alice', 'alice-password');
      expect(page.status).toBe(503);
      expect(page.body).toContain('The user directory is not answering right now');
    });

    it('still counts the attempts toward the lockout', async () => {
      for (let i = 0; i < 3; i++) expect((await grant('bob', 'guess')).status).toBe(503);
      const res = await grant('bob', 'guess');
      expect(res.status).toBe(400);
      expect(res.body.error_description).toContain('too many failed attempts');
    });
  });
});

async function entryUuid(slapd: Slapd, uid: string): Promise<string> {
  const { Client } = await import('ldapts');
  const ldap = new Client({ url: slapd.url });
  try {
    await ldap.bind(ROOT_DN, ROOT_PASSWORD);
    const { searchEntries } = await ldap.search(`uid=${uid},${PEOPLE}`, { scope: 'base', attributes: ['entryUUID'] });
    return String(searchEntries[0].entryUUID);
  } finally {
    await ldap.unbind();
  }
}
