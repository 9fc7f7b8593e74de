import { X509Certificate } from 'node:crypto';
import { parseDomFromString, xpath } from '@node-saml/node-saml/lib/xml';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const HTTP_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** What we take from an IdP's metadata (SAML Metadata §2.4.3): who it is, where it signs in, which keys sign. */
export interface IdpMetadata {
  readonly entityId: string;
  readonly ssoUrl: string;
  readonly certificates: string[];
}

/** The metadata XML is not usable; `message` says why (the admin API answers it). */
export class SamlMetadataInvalid extends Error {}

/**
 * A SAML document (message or metadata) parsed by node-saml's parser, or the reason it is refused:
 * SAML has no document type declarations (SAML Core §1.3), so one could only serve entity expansion.
 */
export async function parseSamlXml(xml: string): Promise<Document | string> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return 'has a document type declaration';
  try {
    return await parseDomFromString(xml);
  } catch {
    return 'is not XML';
  }
}

/**
 * An IdP's EntityDescriptor (ADFS's FederationMetadata.xml, Entra ID's federation metadata,
 * Shibboleth's IdP metadata): its entityID, its HTTP-Redirect SingleSignOnService and the
 * certificates of its signing KeyDescriptors (or of those without `use`, which serve both).
 */
export async function parseIdpMetadata(metadataXml: string): Promise<IdpMetadata> {
  const document = await parseSamlXml(metadataXml);
  if (typeof document === 'string') throw new SamlMetadataInvalid(`metadata ${document}`);
  const select = (path: string) => xpath.selectElements(document, path);
  const entities = select(`//*[local-name()='EntityDescriptor' and namespace-uri()='${MD}'][*[local-name()='IDPSSODescriptor']]`);
  if (entities.length !== 1) throw new SamlMetadataInvalid('metadata must describe exactly one identity provider (IDPSSODescriptor)');
  const entity = entities[0];
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) throw new SamlMetadataInvalid('metadata has no entityID');
  const descriptor = xpath.selectElements(entity, `./*[local-name()='IDPSSODescriptor' and namespace-uri()='${MD}']`)[0];
  const sso = xpath
    .selectElements(descriptor, `./*[local-name()='SingleSignOnService']`)
    .find((e) => e.getAttribute('Binding') === HTTP_REDIRECT)
    ?.getAttribute('Location');
  if (!sso) throw new SamlMetadataInvalid('metadata has no SingleSignOnService with the HTTP-Redirect binding');
  const certificates = xpath
    .selectElements(descriptor, `./*[local-name()='KeyDescriptor']`)
    // SAML Metadata §2.4.1.1: a KeyDescriptor without `use` serves both signing and encryption
    // (xmldom answers "" for a missing attribute, never null, so hasAttribute tells them apart).
    .filter((k) => !k.hasAttribute('use') || k.getAttribute('use') === 'signing')
    .flatMap((k) => xpath.selectElements(k, `.//*[local-name()='X509Certificate']`))
    .map((c) => toPem(c.textContent ?? ''));
  if (certificates.length === 0) throw new SamlMetadataInvalid('metadata has no signing certificate');
  return { entityId, ssoUrl: sso, certificates: [...new Set(certificates)] };
}

/** A base64 DER certificate (as metadata carries it) or a PEM, as PEM; refused unless it parses as X.509. */
export function toPem(certificate: string): string {
  const body = certificate.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch {
    throw new SamlMetadataInvalid('a certificate is not a valid X.509 certificate');
  }
  return pem;
}
