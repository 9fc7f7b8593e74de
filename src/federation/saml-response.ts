import { CacheProvider, Profile, SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { xpath } from '@node-saml/node-saml/lib/xml';
import { randomBytes } from 'node:crypto';
import { parseSamlXml } from './saml-metadata';

/** How far the IdP's clock may be from ours for NotBefore and NotOnOrAfter. */
export const SAML_CLOCK_SKEW_MS = 30_000;

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/**
 * Signature and digest algorithms accepted anywhere in a response: SHA-256 and stronger, RSA only.
 * SHA-1 is refused (collisions are practical, RFC 9231 §2.1), and so is HMAC, whose key would be
 * the IdP's public certificate, that anyone has.
 */
const SIGNATURE_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const DIGEST_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);

/** A SAML response we must not believe; `message` names the check (shown on the error page). */
export class SamlResponseRefused extends Error {}

/** The two ends of a Web Browser SSO exchange. */
export interface SamlParties {
  readonly sp: { readonly entityId: string; readonly acsUrl: string };
  readonly idp: { readonly entityId: string; readonly ssoUrl: string; readonly certificates: readonly string[] };
}

/** What a verified assertion says; every field comes from the signed assertion. */
export interface VerifiedAssertion {
  readonly issuer: string;
  readonly assertionId: string;
  /** Epoch seconds after which the assertion may not be used (its bearer SubjectConfirmationData). */
  readonly notOnOrAfter: number;
  readonly nameId: string | null;
  /** The NameID's Format (SAML Core §8.3), null when it has none (unspecified). */
  readonly nameIdFormat: string | null;
  readonly attributes: ReadonlyMap<string, readonly string[]>;
  readonly authnContextClassRef: string | null;
  /** When the IdP authenticated the user (the AuthnStatement's AuthnInstant, epoch seconds); null when absent or unreadable. */
  readonly authnInstant: number | null;
}

export type XmlNode = { _?: string; $?: Record<string, string> } & { [child: string]: XmlNode[] | string | Record<string, string> | undefined };

/** node-saml for the parties: signed assertions required, audience and issuer ours, our request ID the only one accepted. */
function samlFor(parties: SamlParties, request?: { readonly id: string; readonly issuedAt: number }): SAML {
  // InResponseTo is checked against the one request this sign-in sent (kept in its login state),
  // not against a cache of every request: node-saml asks this provider, and only that ID answers.
  const cacheProvider: CacheProvider = {
    saveAsync: (key, value) => Promise.resolve({ value, createdAt: Date.now() }),
    getAsync: (key) => Promise.resolve(request && key === request.id ? new Date(request.issuedAt * 1000).toISOString() : null),
    removeAsync: (key) => Promise.resolve(key),
  };
  return new SAML({
    issuer: parties.sp.entityId,
    callbackUrl: parties.sp.acsUrl,
    audience: parties.sp.entityId,
    entryPoint: parties.idp.ssoUrl,
    idpIssuer: parties.idp.entityId,
    idpCert: [...parties.idp.certificates],
    wantAssertionsSigned: true,
    // The assertion's own signature is what we require and read. A signature on the Response is not
    // required, and with this setting node-saml does not reject a Response whose own signature is
    // invalid: nothing outside the signed assertion is trusted, except the Status checked below.
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: 60 * 60 * 1000,
    cacheProvider,
    identifierFormat: null,
    // Asking for PasswordProtectedTransport (node-saml's default) would fail Windows-integrated and MFA sign-ins at ADFS.
    disableRequestedAuthnContext: true,
    authnRequestBinding: 'HTTP-Redirect',
    generateUniqueId: () => request?.id ?? `_${randomBytes(20).toString('hex')}`,
    signatureAlgorithm: 'sha256',
  });
}

/** The IdP's sign-in URL carrying our AuthnRequest (HTTP-Redirect binding, SAML Bindings §3.4) with this ID and RelayState. */
export function authnRequestUrl(parties: SamlParties, requestId: string, relayState: string, nameIdFormat: string | null, forceAuthn = false): Promise<string> {
  const saml = samlFor(parties, { id: requestId, issuedAt: 0 });
  saml.options.identifierFormat = nameIdFormat;
  saml.options.forceAuthn = forceAuthn;
  return saml.getAuthorizeUrlAsync(relayState, undefined, {});
}

/**
 * A SAMLResponse (HTTP-POST binding, base64) checked as SAML Profiles §4.1.4.3 asks: one assertion,
 * signed by one of the IdP's certificates with SHA-256 or stronger (signature wrapping is refused:
 * only the signed element is read), issued by the IdP, for our entity ID (audience), within its
 * validity (NotBefore, NotOnOrAfter, 30 s of skew), delivered to our ACS (Recipient, Destination),
 * in response to the request this sign-in sent (InResponseTo). Replays are the caller's to refuse,
 * by the assertion's ID.
 */
export async function verifySamlResponse(
  parties: SamlParties,
  samlResponse: string,
  request: { readonly id: string; readonly issuedAt: number },
): Promise<VerifiedAssertion> {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  const document = await parseSamlXml(xml);
  if (typeof document === 'string') throw new SamlResponseRefused(`the response ${document}`);
  const root = document.documentElement;
  if (!root || root.localName !== 'Response' || root.namespaceURI !== PROTOCOL) throw new SamlResponseRefused('the message is not a SAML Response');
  assertStrongAlgorithms(document);
  const destination = root.getAttribute('Destination');
  // SAML Profiles §4.1.4.5: a response naming a Destination names ours.
  if (destination && destination !== parties.sp.acsUrl) throw new SamlResponseRefused('the response is addressed to another Destination');
  // SAML Core §3.2.2.2: only a Success top-level status means the request was done; node-saml
  // would still accept a signed assertion inside a Responder or Requester response.
  const status = xpath.selectElements(
    root,
    `./*[local-name()='Status' and namespace-uri()='${PROTOCOL}']/*[local-name()='StatusCode' and namespace-uri()='${PROTOCOL}']`,
  );
  if (status.length !== 1 || status[0].getAttribute('Value') !== SUCCESS) throw new SamlResponseRefused('the response status is not Success');

  let profile: Profile | null;
  try {
    ({ profile } = await samlFor(parties, request).validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (error) {
    throw new SamlResponseRefused(describe(error));
  }
  if (!profile?.getAssertion) throw new SamlResponseRefused('the response has no assertion');
  const assertion = (profile.getAssertion() as { Assertion: XmlNode }).Assertion;
  const issuer = text(first(assertion, 'Issuer'));
  if (issuer !== parties.idp.entityId) throw new SamlResponseRefused('the assertion was issued by another IdP');
  const assertionId = assertion.$?.ID;
  if (!assertionId) throw new SamlResponseRefused('the assertion has no ID');
  const notOnOrAfter = bearerConfirmation(assertion, parties.sp.acsUrl, request.id, Date.now());
  const nameId = first(first(assertion, 'Subject'), 'NameID');
  const authnStatement = first(assertion, 'AuthnStatement');
  return {
    issuer,
    assertionId,
    notOnOrAfter,
    nameId: text(nameId),
    nameIdFormat: (typeof nameId === 'object' ? nameId.$?.Format : undefined) ?? null,
    attributes: attributesOf(assertion),
    authnContextClassRef: text(first(first(authnStatement, 'AuthnContext'), 'AuthnContextClassRef')),
    authnInstant: epochSeconds(authnStatement?.$?.AuthnInstant),
  };
}

/** Our SP metadata (SAML Metadata §2.4.4): the ACS (HTTP-POST) and that assertions must be signed. */
export function serviceProviderMetadata(parties: Pick<SamlParties, 'sp'>): string {
  return samlFor({ ...parties, idp: { entityId: '', ssoUrl: '', certificates: ['unused'] } }).generateServiceProviderMetadata(null);
}

function assertStrongAlgorithms(document: Document): void {
  const methods = (name: string) =>
    xpath.selectElements(document, `//*[local-name()='${name}' and namespace-uri()='${DSIG}']`).map((e) => e.getAttribute('Algorithm') ?? '');
  if (methods('SignatureMethod').some((a) => !SIGNATURE_ALGORITHMS.has(a)))
    throw new SamlResponseRefused('the signature algorithm is not allowed (SHA-256 or stronger)');
  if (methods('DigestMethod').some((a) => !DIGEST_ALGORITHMS.has(a)))
    throw new SamlResponseRefused('the digest algorithm is not allowed (SHA-256 or stronger)');
}

/**
 * The bearer SubjectConfirmation for us (SAML Profiles §4.1.4.2): Method bearer, Recipient our ACS,
 * InResponseTo our request, and valid now on that same element (its NotBefore if any, and a
 * NotOnOrAfter, with SAML_CLOCK_SKEW_MS): node-saml checks the times of whichever confirmation it
 * picks, which need not be this one. Its NotOnOrAfter, in epoch seconds, bounds how long the
 * assertion ID must be remembered.
 */
export function bearerConfirmation(assertion: XmlNode, acsUrl: string, requestId: string, nowMs: number): number {
  const confirmations = children(first(assertion, 'Subject'), 'SubjectConfirmation').filter((c) => c.$?.Method === BEARER);
  const data = confirmations.flatMap((c) => children(c, 'SubjectConfirmationData')).map((d) => d.$ ?? {});
  const forUs = data.filter((d) => d.Recipient === acsUrl);
  if (forUs.length === 0) throw new SamlResponseRefused('the assertion is for another Recipient');
  const answering = forUs.filter((d) => d.InResponseTo === requestId);
  if (answering.length === 0) throw new SamlResponseRefused('the assertion answers another request (InResponseTo)');
  const valid = answering.filter((d) => {
    const notBefore = d.NotBefore === undefined ? -Infinity : Date.parse(d.NotBefore);
    const notOnOrAfter = Date.parse(d.NotOnOrAfter ?? '');
    return notBefore <= nowMs + SAML_CLOCK_SKEW_MS && nowMs - SAML_CLOCK_SKEW_MS < notOnOrAfter;
  });
  if (valid.length === 0) throw new SamlResponseRefused('the subject confirmation for us is not valid now (NotBefore, NotOnOrAfter)');
  return Math.ceil(Math.min(...valid.map((d) => Date.parse(d.NotOnOrAfter!))) / 1000);
}

/** An xs:dateTime (SAML Core §1.3.3: UTC, "Z") in epoch seconds; null when absent or not a time. */
function epochSeconds(dateTime: string | undefined): number | null {
  if (dateTime === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(dateTime)) return null;
  const ms = Date.parse(dateTime);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function attributesOf(assertion: XmlNode): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of children(assertion, 'AttributeStatement')) {
    for (const attribute of children(statement, 'Attribute')) {
      const name = attribute.$?.Name;
      if (!name) continue;
      const values = children(attribute, 'AttributeValue')
        .map(text)
        .filter((v): v is string => v !== null);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return attributes;
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? value : [];
}

function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** An element's text (xml2js gives a plain string for an element without attributes). */
function text(node: XmlNode | string | undefined): string | null {
  const value = typeof node === 'string' ? node : node?._;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** node-saml's message, without the values it sometimes quotes from the response (the page shows it). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : 'unreadable response';
  return message.split('. Expected')[0].split(':')[0].slice(0, 120);
}
