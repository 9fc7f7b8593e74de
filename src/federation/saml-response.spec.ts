import { bearerConfirmation, SamlResponseRefused, type XmlNode } from './saml-response';

const ACS = 'https://login.example.com/oauth2/upstream/saml/acs';
const REQUEST = '_request1';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const NOW = Date.parse('2026-12-06T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

/** An assertion as xml2js gives it, with these SubjectConfirmations. */
const assertion = (...confirmations: { method?: string; data: Record<string, string> }[]): XmlNode =>
  ({
    Subject: [{ SubjectConfirmation: confirmations.map((c) => ({ $: { Method: c.method ?? BEARER }, SubjectConfirmationData: [{ $: c.data }] })) }],
  }) as unknown as XmlNode;
const forUs = (extra: Record<string, string> = {}) => ({ Recipient: ACS, InResponseTo: REQUEST, NotOnOrAfter: at(5), ...extra });

describe('bearerConfirmation: the SubjectConfirmation for us, checked on that element (SAML Profiles §4.1.4.2)', () => {
  it('answers the NotOnOrAfter of a valid bearer confirmation for us, in epoch seconds', () => {
    expect(bearerConfirmation(assertion({ data: forUs() }), ACS, REQUEST, NOW)).toBe(Math.ceil(Date.parse(at(5)) / 1000));
  });

  it('refuses the confirmation for us when it has expired, even beside a valid one for another Recipient', () => {
    const expired = assertion({ data: { ...forUs(), NotOnOrAfter: at(-10) } }, { data: forUs({ Recipient: 'https://other-sp.example/acs' }) });
    expect(() => bearerConfirmation(expired, ACS, REQUEST, NOW)).toThrow(
      new SamlResponseRefused('the subject confirmation for us is not valid now (NotBefore, NotOnOrAfter)'),
    );
  });

  it('refuses the confirmation for us when it is not valid yet (NotBefore), or has no NotOnOrAfter', () => {
    expect(() => bearerConfirmation(assertion({ data: forUs({ NotBefore: at(5), NotOnOrAfter: at(10) }) }), ACS, REQUEST, NOW)).toThrow('not valid now');
    const { NotOnOrAfter: _, ...without } = forUs();
    expect(() => bearerConfirmation(assertion({ data: without }), ACS, REQUEST, NOW)).toThrow('not valid now');
  });

  it('allows 30 seconds of clock skew', () => {
    expect(bearerConfirmation(assertion({ data: forUs({ NotBefore: at(0.25) }) }), ACS, REQUEST, NOW)).toBeGreaterThan(0);
    expect(bearerConfirmation(assertion({ data: forUs({ NotOnOrAfter: at(-0.25) }) }), ACS, REQUEST, NOW)).toBeGreaterThan(0);
  });

  it('refuses a confirmation for us whose Method is not bearer', () => {
    const holderOfKey = assertion({ method: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key', data: forUs() });
    expect(() => bearerConfirmation(holderOfKey, ACS, REQUEST, NOW)).toThrow('another Recipient');
  });

  it('refuses another Recipient or another request', () => {
    expect(() => bearerConfirmation(assertion({ data: forUs({ Recipient: 'https://other-sp.example/acs' }) }), ACS, REQUEST, NOW)).toThrow('another Recipient');
    expect(() => bearerConfirmation(assertion({ data: forUs({ InResponseTo: '_other' }) }), ACS, REQUEST, NOW)).toThrow('InResponseTo');
  });
});
