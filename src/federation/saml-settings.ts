import type { GroupMapping } from './ldap-directory.entity';

/**
 * The roles a SAML sign-in's groups give: an IdP sends group names (ADFS) or object IDs (Entra ID),
 * not directory DNs, so a mapping's group is compared with them exactly (its base DN, an LDAP
 * notion, plays no part here).
 */
export function samlRolesFor(groups: readonly string[], mappings: readonly GroupMapping[]): string[] {
  const roles = mappings.filter((mapping) => groups.includes(mapping.group)).flatMap((mapping) => mapping.roles);
  return [...new Set(roles)].sort();
}

/** Our SAML service provider, one for every SAML identity provider: its entity ID is the URL of its metadata. */
export const SAML_METADATA_PATH = '/oauth2/upstream/saml/metadata';
/** The Assertion Consumer Service (HTTP-POST binding) every SAML identity provider answers to. */
export const SAML_ACS_PATH = '/oauth2/upstream/saml/acs';

/** Our SP's entity ID (the URL of its metadata) and ACS, both derived from ISSUER. */
export function samlServiceProvider(issuer: string): { readonly entityId: string; readonly acsUrl: string } {
  return { entityId: `${issuer}${SAML_METADATA_PATH}`, acsUrl: `${issuer}${SAML_ACS_PATH}` };
}

/** The attribute `subject` names when the NameID identifies the user (the default). */
export const NAME_ID = 'NameID';
/** SAML Core §8.3.7: an opaque identifier that stays the same for the user at this SP. */
export const PERSISTENT_NAME_ID = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
/** SAML Core §8.3.8: a one-time identifier, new at each sign-in: never an account link. */
export const TRANSIENT_NAME_ID = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/**
 * The NameIDPolicy Format to ask for: the provider's, or persistent when the NameID is the account
 * link (any other format may change or be reassigned); none when an attribute is the link, so
 * that an IdP without a persistent NameID rule (ADFS) does not refuse the request.
 */
export function requestedNameIdFormat(settings: Pick<SamlSettings, 'nameIdFormat' | 'attributes'>): string | null {
  return settings.nameIdFormat ?? (settings.attributes.subject === NAME_ID ? PERSISTENT_NAME_ID : null);
}

/** Which parts of the assertion give the local account its link, e-mail, name and groups. */
export interface SamlAttributeMapping {
  /** `NameID`, or the name of an attribute with a stable, never reassigned identifier (ADFS: objectGUID). */
  readonly subject: string;
  readonly email: string;
  readonly name: string;
  /** The attribute listing the user's groups (ADFS, Entra ID: `http://schemas.microsoft.com/ws/2008/06/identity/claims/groups` or `.../role`). */
  readonly groups: string | null;
}

/** What we know of a SAML identity provider besides what every upstream provider has. */
export interface SamlSettings {
  /** SingleSignOnService, HTTP-Redirect binding. */
  readonly ssoUrl: string;
  /** PEM certificates whose keys may sign its assertions (several during a rollover). */
  readonly certificates: readonly string[];
  /** The NameID format asked for in the AuthnRequest; null: persistent when the NameID is the subject (requestedNameIdFormat). */
  readonly nameIdFormat: string | null;
  readonly attributes: SamlAttributeMapping;
  /**
   * Whether the IdP is trusted to have verified the e-mail attribute it sends (SAML has no
   * email_verified): only then does an address link to an existing local user or pass the
   * domain allow-list. True only for an IdP that owns its users' mailboxes (ADFS, Entra ID).
   */
  readonly emailVerified: boolean;
  /** Groups to roles: when given, the IdP decides the roles of its users at every sign-in. */
  readonly groupMappings: readonly GroupMapping[];
}

const AC = 'urn:oasis:names:tc:SAML:2.0:ac:classes:';

/**
 * RFC 8176 methods for the authentication context classes (SAML 2.0 Authentication Context
 * §3.4) and the vendor URIs IdPs commonly send. A class not listed names no method we could vouch
 * for, so it gives no `amr` (as an untrusted provider does).
 */
const AMR_BY_CONTEXT: Readonly<Record<string, readonly string[]>> = {
  [`${AC}Password`]: ['pwd'],
  [`${AC}PasswordProtectedTransport`]: ['pwd'],
  [`${AC}X509`]: ['swk'],
  [`${AC}TLSClient`]: ['swk'],
  [`${AC}SoftwarePKI`]: ['swk'],
  [`${AC}Smartcard`]: ['sc'],
  [`${AC}SmartcardPKI`]: ['sc', 'pin', 'mfa'],
  [`${AC}MobileTwoFactorContract`]: ['mfa'],
  [`${AC}MobileTwoFactorUnregistered`]: ['mfa'],
  [`${AC}TimeSyncToken`]: ['otp'],
  [`${AC}Kerberos`]: ['pwd'],
  // ADFS and Entra ID after a second factor; the REFEDS MFA profile (Shibboleth).
  'http://schemas.microsoft.com/claims/multipleauthn': ['mfa'],
  'https://refeds.org/profile/mfa': ['mfa'],
  // ADFS Windows Integrated Authentication (Kerberos or NTLM with the Windows password).
  'urn:federation:authentication:windows': ['pwd'],
};

/** The `amr` (RFC 8176) an assertion's AuthnContextClassRef stands for, or null when it names none we map. */
export function amrForContext(classRef: string | null): string[] | null {
  const methods = classRef ? AMR_BY_CONTEXT[classRef] : undefined;
  return methods ? [...methods] : null;
}
