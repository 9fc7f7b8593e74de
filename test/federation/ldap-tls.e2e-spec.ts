import { AdminApi, appWithAdminApi } from '../support/admin';
import { makeCertificate, skipWithoutOpenssl, TestCertificate } from '../support/certificates';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, TestClient, tokenRequest } from '../support/factories';
import { ROOT_DN, ROOT_PASSWORD, Slapd, slapdAvailable, startSlapd, SUFFIX } from '../support/slapd';

const PEOPLE = `ou=people,${SUFFIX}`;
const run = slapdAvailable() && !skipWithoutOpenssl() ? describe : describe.skip;

run(`LDAP user federation over TLS [${TEST_DB}]`, () => {
  let slapd: Slapd;
  let ca: TestCertificate;
  let t: TestApp;
  let admin: AdminApi;
  let client: TestClient;

  beforeAll(async () => {
    ca = makeCertificate({ subject: '/CN=Test LDAP CA', ca: true });
    const server = makeCertificate({ subject: '/CN=127.0.0.1', san: ['IP:127.0.0.1'], issuer: ca });
    slapd = await startSlapd({ tls: server });
    await slapd.add(`dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

dn: uid=tess,${PEOPLE}
objectClass: inetOrgPerson
uid: tess
cn: Tess Example
sn: Example
userPassword: tess-password
`);
    ({ t, api: admin } = await appWithAdminApi());
    client = await createClient(t);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await slapd?.close();
  });

  const directory = async (settings: object) => {
    const res = await admin.post('/admin/directories', {
      name: 'TLS',
      bind_dn: ROOT_DN,
      bind_password: ROOT_PASSWORD,
      base_dn: PEOPLE,
      connect_timeout_ms: 2000,
      sync_interval_seconds: 0,
      ...settings,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** Deletes the directory, which disables its users, and the user it linked: the next case starts afresh. */
  const forget = async (id: string) => {
    expect((await admin.delete(`/admin/directories/${id}`)).status).toBe(204);
    const users = (await admin.get('/admin/users?search=tess')).body.items as { id: string; source: string; enabled: boolean }[];
    for (const user of users) {
      expect(user).toMatchObject({ source: `ldap:${id}`, enabled: false });
      await admin.delete(`/admin/users/${user.id}`);
    }
  };
  const signIn = () => tokenRequest(t.url, { grant_type: 'password', username: 'tess', password: 'tess-password' }, client.basic);

  it.each([
    ['ldaps:// with the CA bundle', () => ({ urls: [slapd.ldapsUrl], ca_certificates: ca.certificate })],
    ['StartTLS on ldap:// with the CA bundle', () => ({ urls: [slapd.url], start_tls: true, ca_certificates: ca.certificate })],
  ])('signs in through %s', async (_, settings) => {
    const id = await directory(settings());
    expect((await signIn()).status).toBe(200);
    await forget(id);
  });

  it('starts TLS when told: this server refuses a simple bind in clear', async () => {
    const id = await directory({ urls: [slapd.url], start_tls: false });
    expect((await signIn()).status).toBe(503);
    await admin.delete(`/admin/directories/${id}`);
  });

  it('does not trust a server certificate outside the CA bundle: 503, no sign-in', async () => {
    const other = makeCertificate({ subject: '/CN=Another CA', ca: true });
    const id = await directory({ urls: [slapd.ldapsUrl], ca_certificates: other.certificate });
    const res = await signIn();
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    await forget(id);
  });
});
