import request from 'supertest';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { makeCertificate } from '../support/certificates';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { startSamlIdp } from '../support/saml-idp';
import { sql } from '../support/sql';

describe(`admin API: SAML 2.0 identity providers [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => ({ t, api } = await appWithAdminApi()));
  afterAll(() => t.close());

  it('serves our SP metadata, its entity ID and ACS derived from ISSUER, asking for signed assertions', async () => {
    const res = await request(t.url).get('/oauth2/upstream/saml/metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/samlmetadata+xml');
    expect(res.text).toContain(`entityID="${t.url}/oauth2/upstream/saml/metadata"`);
    expect(res.text).toMatch(/WantAssertionsSigned="true"/);
    expect(res.text).toContain(`Location="${t.url}/oauth2/upstream/saml/acs"`);
    expect(res.text).toContain('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
  });

  it("imports an IdP's metadata: entity ID, SSO URL and signing certificate, with our SP's to register there", async () => {
    const idp = startSamlIdp((await request(t.url).get('/oauth2/upstream/saml/metadata')).text, 'http://adfs.import.example/adfs/services/trust');
    const created = await api.post('/admin/saml-identity-providers', {
      alias: 'imported',
      display_name: 'Imported ADFS',
      metadata_xml: idp.metadata,
      allowed_email_domains: ['Corp.example'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      protocol: 'saml',
      idp_entity_id: 'http://adfs.import.example/adfs/services/trust',
      sso_url: idp.ssoUrl,
      signing_certificates: [expect.stringContaining('-----BEGIN CERTIFICATE-----')],
      attribute_mapping: {
        subject: 'NameID',
        email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
        groups: null,
      },
      email_verified: false,
      allowed_email_domains: ['corp.example'],
      sp_entity_id: `${t.url}/oauth2/upstream/saml/metadata`,
      acs_url: `${t.url}/oauth2/upstream/saml/acs`,
    });
    const certificate = created.body.signing_certificates[0].replace(/-----[A-Z ]+-----|\s/g, '');
    expect(idp.certificate.certificate.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(certificate);

    // Listed with the OpenID Connect providers; its SAML settings at its own resource.
    const listed = await api.get('/admin/identity-providers');
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.body.id, protocol: 'saml' })]));
    expect((await api.get(`/admin/saml-identity-providers/${created.body.id}`)).body).toEqual(created.body);
    const audit = await sql(t.dataSource, 'SELECT type FROM audit_events WHERE subject = ?', [created.body.id]);
    expect(audit.map((r) => r.type)).toContain('admin.identity_provider.created');

    // The OpenID Connect PATCH does not apply to it; deletion is the generic one.
    expect((await api.patch(`/admin/identity-providers/${created.body.id}`, { issuer: 'https://elsewhere.example' })).status).toBe(400);
    expect((await api.delete(`/admin/identity-providers/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/admin/saml-identity-providers/${created.body.id}`)).status).toBe(404);
  });

  it('takes the IdP fields directly, and changes them', async () => {
    const first = makeCertificate({ subject: '/CN=signing-1' });
    const second = makeCertificate({ subject: '/CN=signing-2' });
    const created = await api.post('/admin/saml-identity-providers', {
      alias: 'shib',
      display_name: 'University Shibboleth',
      idp_entity_id: 'https://idp.uni.example/idp/shibboleth',
      sso_url: 'https://idp.uni.example/idp/profile/SAML2/Redirect/SSO',
      signing_certificates: [first.certificate],
      attribute_mapping: { subject: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.10', email: 'urn:oid:0.9.2342.19200300.100.1.3' },
    });
    expect(created.status).toBe(201);
    expect(created.body.attribute_mapping).toMatchObject({ subject: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.10', email: 'urn:oid:0.9.2342.19200300.100.1.3' });
    // A rollover: both certificates for a while.
    const changed = await api.patch(`/admin/saml-identity-providers/${created.body.id}`, {
      signing_certificates: [first.certificate, second.certificate],
      attribute_mapping: { name: 'urn:oid:2.16.840.1.113730.3.1.241' },
      trust_upstream_amr: true,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.signing_certificates).toHaveLength(2);
    expect(changed.body.attribute_mapping).toMatchObject({ subject: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.10', name: 'urn:oid:2.16.840.1.113730.3.1.241' });
    expect(changed.body.trust_upstream_amr).toBe(true);
  });

  it('refuses unusable metadata and missing IdP fields with invalid_request', async () => {
    const base = { alias: 'broken', display_name: 'Broken' };
    const cases: [object, RegExp][] = [
      [{ metadata_xml: 'not xml <' }, /metadata/],
      [{ metadata_xml: '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>' }, /IDPSSODescriptor/],
      [{ metadata_xml: '<!DOCTYPE x [<!ENTITY a "b">]><x/>' }, /document type/],
      [{ idp_entity_id: 'https://idp.example', sso_url: 'https://idp.example/sso' }, /signing_certificates/],
      [{ idp_entity_id: 'https://idp.example', sso_url: 'https://idp.example/sso', signing_certificates: ['bm90IGEgY2VydGlmaWNhdGU='] }, /X\.509/],
    ];
    for (const [body, message] of cases) {
      const res = await api.post('/admin/saml-identity-providers', { ...base, ...body });
      expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
      expect(res.body.error_description).toMatch(message);
    }
  });
});
