import * as samlify from 'samlify';
import { makeCertificate, TestCertificate } from './certificates';

/**
 * A SAML 2.0 identity provider for tests (samlify in IdP mode) with its own key and certificate:
 * it reads our AuthnRequest from the HTTP-Redirect URL and answers a signed Response for the
 * HTTP-POST binding, whose parts a test may override to build a bad one.
 */

// samlify refuses to parse without an XML schema validator; this one is for the test IdP only
// (our SP side validates with node-saml and never uses samlify).
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const PASSWORD_PROTECTED_TRANSPORT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
export const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
export const GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

export interface SamlUser {
  readonly nameId: string;
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>;
  readonly authnContextClassRef?: string;
}

/** Values of samlify's response template ({Audience}, {SubjectRecipient}, {InResponseTo}, …) to replace. */
export type ResponseOverrides = Partial<Record<string, string>>;

export interface SamlAnswer {
  /** base64 SAMLResponse, as the IdP's auto-posting form carries it. */
  readonly SAMLResponse: string;
  readonly RelayState: string;
  /** The ID of the AuthnRequest it answers. */
  readonly requestId: string;
  readonly xml: string;
}

export interface SamlTestIdp {
  readonly entityId: string;
  readonly ssoUrl: string;
  readonly certificate: TestCertificate;
  /** Its metadata XML (EntityDescriptor with IDPSSODescriptor). */
  readonly metadata: string;
  /** Answers the AuthnRequest in `redirectUrl` (our redirect to the IdP) for `user`. */
  /** `authnInstant`: when the AuthnStatement says the user authenticated (default: now, as for a new authentication). */
  respond(redirectUrl: string, user: SamlUser, options?: { overrides?: ResponseOverrides; sha1?: boolean; authnInstant?: Date }): Promise<SamlAnswer>;
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attributeStatement(attributes: SamlUser['attributes']): string {
  const entries = Object.entries(attributes ?? {});
  if (entries.length === 0) return '';
  const xml = entries
    .map(([name, value]) => {
      const values = (Array.isArray(value) ? value : [value]) as string[];
      return `<saml:Attribute Name="${escapeXml(name)}">${values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
    })
    .join('');
  return `<saml:AttributeStatement>${xml}</saml:AttributeStatement>`;
}

export function startSamlIdp(spMetadata: string, entityId = 'https://idp.corp.example/adfs/services/trust'): SamlTestIdp {
  const certificate = makeCertificate({ subject: '/CN=ADFS Signing - idp.corp.example' });
  const ssoUrl = 'https://idp.corp.example/adfs/ls/';
  const settings = {
    entityID: entityId,
    privateKey: certificate.privateKey,
    signingCert: certificate.certificate,
    singleSignOnService: [{ Binding: REDIRECT, Location: ssoUrl }],
    singleLogoutService: [{ Binding: REDIRECT, Location: `${ssoUrl}?wa=wsignout1.0` }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
  };
  const idp = samlify.IdentityProvider(settings);
  const weakIdp = samlify.IdentityProvider({ ...settings, requestSignatureAlgorithm: RSA_SHA1 });
  const sp = samlify.ServiceProvider({ metadata: spMetadata });

  return {
    entityId,
    ssoUrl,
    certificate,
    metadata: idp.getMetadata(),
    async respond(redirectUrl, user, options = {}) {
      const url = new URL(redirectUrl);
      if (`${url.origin}${url.pathname}` !== ssoUrl) throw new Error(`not a redirect to the IdP: ${redirectUrl}`);
      const query = Object.fromEntries(url.searchParams);
      const parsed = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: '' } as never);
      const requestId = (parsed.extract as { request: { id: string } }).request.id;
      const acs = sp.entityMeta.getAssertionConsumerService(samlify.Constants.wording.binding.post) as string;
      const now = new Date();
      const later = new Date(now.getTime() + 5 * 60 * 1000).toISOString();
      const responseId = `_r${Math.random().toString(16).slice(2)}${Date.now()}`;
      const values: Record<string, string> = {
        ID: responseId,
        AssertionID: `_a${Math.random().toString(16).slice(2)}${Date.now()}`,
        Destination: acs,
        Audience: sp.entityMeta.getEntityID(),
        SubjectRecipient: acs,
        Issuer: entityId,
        IssueInstant: now.toISOString(),
        StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        ConditionsNotBefore: now.toISOString(),
        ConditionsNotOnOrAfter: later,
        SubjectConfirmationDataNotOnOrAfter: later,
        NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        NameID: user.nameId,
        InResponseTo: requestId,
        AuthnStatement: `<saml:AuthnStatement AuthnInstant="${(options.authnInstant ?? now).toISOString()}" SessionIndex="${responseId}"><saml:AuthnContext><saml:AuthnContextClassRef>${escapeXml(
          user.authnContextClassRef ?? PASSWORD_PROTECTED_TRANSPORT,
        )}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
        ...options.overrides,
      };
      values.AttributeStatement = attributeStatement(user.attributes);
      const escaped = new Set(['AuthnStatement', 'AttributeStatement']);
      const signer = options.sha1 ? weakIdp : idp;
      const answer = await signer.createLoginResponse(
        sp,
        { extract: parsed.extract },
        'post',
        {},
        {
          customTagReplacement: (template: string) => ({
            id: responseId,
            context: template.replace(/\{(\w+)\}/g, (_m, name: string) => (escaped.has(name) ? (values[name] ?? '') : escapeXml(values[name] ?? ''))),
          }),
        },
      );
      const SAMLResponse = answer.context;
      return { SAMLResponse, RelayState: query.RelayState, requestId, xml: Buffer.from(SAMLResponse, 'base64').toString('utf8') };
    },
  };
}

/** base64 of an XML document, as the HTTP-POST binding carries it. */
export const encodeResponse = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
