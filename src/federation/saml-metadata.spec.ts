import { makeCertificate } from '../../test/support/certificates';
import { parseIdpMetadata } from './saml-metadata';

// Never parsed: each case below is refused before the certificate is read (a real import is in test/federation/saml-admin).
const CERT = 'MIIBrTCCAVOgAwIBAgIU';

const metadata = (keyDescriptors: string, sso = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect') => `<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="http://adfs.corp.example/adfs/services/trust">
  <RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706"/>
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${keyDescriptors}
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://adfs.corp.example/adfs/ls/post"/>
    <SingleSignOnService Binding="${sso}" Location="https://adfs.corp.example/adfs/ls/"/>
  </IDPSSODescriptor>
</EntityDescriptor>`;
const key = (use: string | null, cert: string) =>
  `<KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>`;

describe('parseIdpMetadata: what we take from an ADFS-style EntityDescriptor', () => {
  it('refuses a certificate that is not X.509', async () => {
    await expect(parseIdpMetadata(metadata(key('signing', 'bm90LWEtY2VydA==')))).rejects.toThrow('not a valid X.509');
  });

  it('needs an HTTP-Redirect SingleSignOnService and a signing key, and ignores encryption keys', async () => {
    await expect(parseIdpMetadata(metadata(key('signing', CERT), 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP'))).rejects.toThrow('HTTP-Redirect');
    await expect(parseIdpMetadata(metadata(key('encryption', CERT)))).rejects.toThrow('no signing certificate');
  });

  it('takes the certificate of a KeyDescriptor without use, which serves both (SAML Metadata §2.4.1.1)', async () => {
    const both = makeCertificate({ subject: '/CN=Signing and encryption' });
    const der = both.certificate.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    const parsed = await parseIdpMetadata(metadata(`${key('encryption', CERT)}${key(null, der)}`));
    expect(parsed.certificates).toHaveLength(1);
    expect(parsed.certificates[0].replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')).toBe(der);
  });
});
