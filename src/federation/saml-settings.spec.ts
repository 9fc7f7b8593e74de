import { authenticationOf, identityOf } from './saml-sign-in.service';
import type { VerifiedAssertion } from './saml-response';
import { amrForContext, requestedNameIdFormat, samlRolesFor, SamlSettings } from './saml-settings';
import type { UpstreamProviderEntity } from './upstream-provider.entity';

const AC = 'urn:oasis:names:tc:SAML:2.0:ac:classes:';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

const settings = (extra: Partial<SamlSettings> = {}): SamlSettings => ({
  ssoUrl: 'https://idp.example/sso',
  certificates: [],
  nameIdFormat: null,
  attributes: { subject: 'NameID', email: EMAIL, name: 'displayName', groups: null },
  emailVerified: false,
  groupMappings: [],
  ...extra,
});
const provider = (trustUpstreamAmr = false) => ({ displayName: 'Corp ADFS', trustUpstreamAmr }) as unknown as UpstreamProviderEntity;
const assertion = (extra: Partial<VerifiedAssertion> = {}): VerifiedAssertion => ({
  issuer: 'https://idp.example',
  assertionId: '_a1',
  notOnOrAfter: 0,
  nameId: 'S-1-5-21-7',
  nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  attributes: new Map([[EMAIL, ['ann@corp.example']]]),
  authnContextClassRef: `${AC}PasswordProtectedTransport`,
  authnInstant: null,
  ...extra,
});

describe('amrForContext: RFC 8176 methods for SAML authentication context classes', () => {
  it.each([
    [`${AC}PasswordProtectedTransport`, ['pwd']],
    [`${AC}Password`, ['pwd']],
    [`${AC}X509`, ['swk']],
    [`${AC}SmartcardPKI`, ['sc', 'pin', 'mfa']],
    ['http://schemas.microsoft.com/claims/multipleauthn', ['mfa']],
    ['https://refeds.org/profile/mfa', ['mfa']],
  ])('maps %s to %j', (classRef, amr) => {
    expect(amrForContext(classRef)).toEqual(amr);
  });

  it('names no method for a class it does not know, or none sent', () => {
    expect(amrForContext(`${AC}unspecified`)).toBeNull();
    expect(amrForContext(null)).toBeNull();
  });
});

describe('identityOf: what a verified assertion says of the account', () => {
  it('takes the NameID as the subject and the e-mail as unverified unless the provider vouches for it', () => {
    expect(identityOf(provider(), settings(), assertion())).toEqual({ subject: 'S-1-5-21-7', email: 'ann@corp.example', emailVerified: false, name: null });
    expect(identityOf(provider(), settings({ emailVerified: true }), assertion()).emailVerified).toBe(true);
  });

  it('refuses an assertion that names no account', () => {
    expect(() => identityOf(provider(), settings(), assertion({ nameId: null }))).toThrow('names no account');
  });

  it('refuses a transient NameID as the subject, not as an attribute-mapped one (SAML Core §8.3.8)', () => {
    const transient = assertion({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' });
    expect(() => identityOf(provider(), settings(), transient)).toThrow('transient NameID');
    const byAttribute = settings({ attributes: { subject: EMAIL, email: EMAIL, name: 'displayName', groups: null } });
    expect(identityOf(provider(), byAttribute, transient).subject).toBe('ann@corp.example');
  });
});

describe('requestedNameIdFormat: the NameIDPolicy of our AuthnRequest', () => {
  it('asks for persistent when the NameID is the subject and the provider names no format', () => {
    expect(requestedNameIdFormat(settings())).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    expect(requestedNameIdFormat(settings({ nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }))).toBe(
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    );
    expect(requestedNameIdFormat(settings({ attributes: { subject: 'objectGUID', email: EMAIL, name: 'displayName', groups: null } }))).toBeNull();
  });
});

describe('samlRolesFor: group names as the IdP sends them', () => {
  const mappings = [
    { group: 'Expense Approvers', roles: ['approver'] },
    { group: 'Admins', roles: ['admin', 'approver'] },
  ];

  it('gives the roles of each group named exactly, and nothing for another spelling or a DN', () => {
    expect(samlRolesFor(['Expense Approvers'], mappings)).toEqual(['approver']);
    expect(samlRolesFor(['Admins', 'Expense Approvers'], mappings)).toEqual(['admin', 'approver']);
    expect(samlRolesFor(['expense approvers', 'CN=Admins,OU=Other,DC=corp'], mappings)).toEqual([]);
  });
});

describe('authenticationOf: amr and acr only from a trusted provider', () => {
  it('keeps neither for an untrusted provider', () => {
    expect(authenticationOf(provider(false), assertion())).toEqual({ amr: [], acr: '0' });
  });

  it('maps the class for a trusted one, and keeps the class as acr', () => {
    expect(authenticationOf(provider(true), assertion())).toEqual({ amr: ['pwd'], acr: `${AC}PasswordProtectedTransport` });
  });
});
