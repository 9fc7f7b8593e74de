import { inflateRawSync } from 'node:zlib';
import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient } from '../support/factories';
import { FormBrowser, Page, parseForm } from '../support/form-browser';
import { AppRequest, authorizationRequest, redeemAtRedirectUri } from '../support/relying-app';
import { CLAIMS, encodeResponse, GROUPS, SamlAnswer, SamlTestIdp, SamlUser, startSamlIdp } from '../support/saml-idp';
import { sql } from '../support/sql';

const ACS = '/oauth2/upstream/saml/acs';
const APP_REDIRECT = 'https://app.example/cb';
const VERIFIER = 'saml-test-verifier-saml-test-verifier-saml-test-0123456789';
const APP: AppRequest = { redirectUri: APP_REDIRECT, scope: 'openid profile', state: 'app-state', nonce: 'app-nonce', verifier: VERIFIER };

describe(`sign-in through an upstream SAML 2.0 identity provider [${TEST_DB}]`, () => {
  let a: TestApp;
  let b: TestApp;
  let closePair: () => Promise<void>;
  let idp: SamlTestIdp;
  let client: TestClient;
  let auth: string;
  let providerId: string;

  beforeAll(async () => {
    // Two instances on one database behind one ISSUER, as behind a load balancer.
    // Every test signs in several times from one IP: the per-IP sign-in limit is not under test here.
    a = await createTestApp({ env: { ADMIN_PASSWORD, TRUST_PROXY: 'loopback', RATE_LIMIT_LOGIN_PER_MINUTE: '1000' } });
    b = await createTestApp({ env: { ADMIN_PASSWORD, ISSUER: a.url, RATE_LIMIT_LOGIN_PER_MINUTE: '1000' }, database: a.database });
    closePair = async () => {
      await b.close({ keepDatabase: true });
      await a.close();
    };
    const spMetadata = await request(a.url).get('/oauth2/upstream/saml/metadata');
    expect(spMetadata.status).toBe(200);
    idp = startSamlIdp(spMetadata.text);
    auth = `Bearer ${await adminToken(a)}`;
    client = await createClient(a, { tokenEndpointAuthMethod: 'none', redirectUris: [APP_REDIRECT], clientName: 'Expense App', scope: 'openid profile' });
    const res = await request(a.url)
      .post('/admin/saml-identity-providers')
      .set('Authorization', auth)
      .send({
        alias: 'adfs',
        display_name: 'Corp ADFS',
        metadata_xml: idp.metadata,
        email_verified: true,
        attribute_mapping: { groups: GROUPS },
        group_mappings: [{ group: 'Expense Approvers', roles: ['approver'] }],
      });
    expect(res.status).toBe(201);
    providerId = res.body.id;
  });
  afterAll(async () => {
    await closePair?.();
  });

  const patchProvider = (body: object) =>
    request(a.url).patch(`/admin/saml-identity-providers/${providerId}`).set('Authorization', auth).send(body).expect(200);

  const authorizeUrl = (extra: Record<string, string> = {}) => authorizationRequest(client, APP, extra);

  /** Our login page → "Sign in with Corp ADFS" → the redirect to the IdP, answered by the test IdP (not yet posted). */
  async function signInAtIdp(
    user: SamlUser,
    options: Parameters<SamlTestIdp['respond']>[2] = {},
    server: TestApp = a,
    headers: Record<string, string> = {},
  ): Promise<{ browser: FormBrowser; answer: SamlAnswer; toIdp: Page }> {
    const browser = new FormBrowser(server.url, headers);
    const login = await browser.get(authorizeUrl());
    expect(login.body).toContain('Sign in with Corp ADFS');
    const button = parseForm(login.body.slice(login.body.indexOf('class="actions upstream"')));
    expect(button.fields).toMatchObject({ action: 'upstream', provider: providerId });
    const toIdp = await browser.post(button.action, button.fields);
    expect(toIdp.status).toBe(303);
    return { browser, answer: await idp.respond(toIdp.location!, user, options), toIdp };
  }

  const post = (browser: FormBrowser, answer: Pick<SamlAnswer, 'SAMLResponse' | 'RelayState'>) =>
    browser.post(ACS, { SAMLResponse: answer.SAMLResponse, RelayState: answer.RelayState });

  /** The ACS, then on to consent and the app's redirect URI; the code exchanged for our tokens. */
  async function completeAtOurServer(browser: FormBrowser, answer: SamlAnswer): Promise<{ access_token: string; id_token: string }> {
    let page: Page = await post(browser, answer);
    while (page.status === 303 && page.location && !page.location.startsWith(APP_REDIRECT)) page = await browser.get(page.location);
    if (page.status === 200 && page.body.includes('value="approve"')) page = await browser.submit(page, { action: 'approve' });
    expect(page.status).toBe(302);
    return redeemAtRedirectUri(a.url, client, APP, page.location!);
  }

  const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  let people = 0;
  const person = (email: string, extra: Record<string, string | string[]> = {}): SamlUser => ({
    nameId: `S-1-5-21-${++people}`,
    attributes: { [`${CLAIMS}/emailaddress`]: email, [`${CLAIMS}/name`]: `Person ${people}`, ...extra },
  });

  /** An error page (never a 5xx), no session cookie. */
  function expectRefused(page: Page, browser: FormBrowser, reason: string | RegExp): void {
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toMatch(reason);
    expect(browser.cookies.get('oauth_session') ?? '').toBe('');
  }

  it('signs in with a signed assertion: a provisioned user, a code, and our ID Token', async () => {
    const user = person('newcomer@corp.example', { [GROUPS]: ['Domain Users', 'Expense Approvers'] });
    const { browser, answer } = await signInAtIdp(user);
    const tokens = await completeAtOurServer(browser, answer);
    const idToken = claimsOf(tokens.id_token);
    expect(idToken).toMatchObject({ iss: a.url, aud: client.clientId, nonce: 'app-nonce', name: 'Person 1' });
    // Not trusted for it: no amr (as for OpenID Connect providers).
    expect(idToken.amr).toBeUndefined();
    const links = await request(a.url).get(`/admin/identity-providers/${providerId}/links`).set('Authorization', auth);
    expect(links.body).toEqual([expect.objectContaining({ subject: user.nameId, user_id: idToken.sub, linked_by: 'provisioned' })]);
    // Groups to roles through the mapping.
    expect((await a.users.get(idToken.sub as string))?.roles).toEqual(['approver']);
  });

  it('links to the local user with the same e-mail address when the provider vouches for it, and not otherwise', async () => {
    const local = await createUser(a, { username: 'vouched@corp.example' });
    const vouched = await signInAtIdp(person('Vouched@corp.example'));
    expect(claimsOf((await completeAtOurServer(vouched.browser, vouched.answer)).id_token).sub).toBe(local.id);

    await patchProvider({ email_verified: false });
    try {
      await createUser(a, { username: 'victim@corp.example' });
      const { browser, answer } = await signInAtIdp(person('victim@corp.example'));
      expectRefused(await post(browser, answer), browser, /did not verify it/);
    } finally {
      await patchProvider({ email_verified: true });
    }
  });

  it('maps the AuthnContextClassRef to amr and acr when the provider is trusted for them', async () => {
    await patchProvider({ trust_upstream_amr: true });
    try {
      const { browser, answer } = await signInAtIdp(person('strong@corp.example'));
      const idToken = claimsOf((await completeAtOurServer(browser, answer)).id_token);
      expect(idToken).toMatchObject({ amr: ['pwd'], acr: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport' });
      const mfa = await signInAtIdp({ ...person('mfa@corp.example'), authnContextClassRef: 'http://schemas.microsoft.com/claims/multipleauthn' });
      expect(claimsOf((await completeAtOurServer(mfa.browser, mfa.answer)).id_token)).toMatchObject({ amr: ['mfa'] });
    } finally {
      await patchProvider({ trust_upstream_amr: false });
    }
  });

  it('asks for a persistent NameID when the provider names no format (the NameID is the account link)', async () => {
    const { toIdp } = await signInAtIdp(person('policy@corp.example'));
    const authnRequest = inflateRawSync(Buffer.from(new URL(toIdp.location!).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    expect(authnRequest).toMatch(/<samlp:NameIDPolicy[^>]*Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"/);
  });

  it('sets ForceAuthn when our client asked for a new authentication (prompt=login), and not otherwise', async () => {
    const authnRequestFor = async (extra: Record<string, string>) => {
      const browser = new FormBrowser(a.url);
      const login = await browser.get(authorizeUrl(extra));
      const button = parseForm(login.body.slice(login.body.indexOf('class="actions upstream"')));
      const toIdp = await browser.post(button.action, button.fields);
      return inflateRawSync(Buffer.from(new URL(toIdp.location!).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    };
    // OpenID Connect Core §3.1.2.1 through SAML Core §3.4.1: the IdP's session must not stand in for it.
    expect(await authnRequestFor({ prompt: 'login' })).toMatch(/<samlp:AuthnRequest[^>]*ForceAuthn="true"/);
    // SAML has no maximum age: max_age asks for a new authentication too.
    expect(await authnRequestFor({ max_age: '300' })).toMatch(/<samlp:AuthnRequest[^>]*ForceAuthn="true"/);
    expect(await authnRequestFor({})).not.toMatch(/ForceAuthn="true"/);
  });

  it('refuses a prompt=login sign-in whose AuthnInstant is before the request (the IdP answered from its session), and takes a new one', async () => {
    const user = person('force-authn@corp.example');
    const answerTo = async (extra: Record<string, string>, authnInstant: Date) => {
      const browser = new FormBrowser(a.url);
      const login = await browser.get(authorizeUrl(extra));
      const button = parseForm(login.body.slice(login.body.indexOf('class="actions upstream"')));
      const toIdp = await browser.post(button.action, button.fields);
      return { browser, answer: await idp.respond(toIdp.location!, user, { authnInstant }) };
    };
    const anHourAgo = new Date(Date.now() - 3600_000);
    const stale = await answerTo({ prompt: 'login' }, anHourAgo);
    expectRefused(
      await post(stale.browser, stale.answer),
      stale.browser,
      'did not sign you in again as the application asked (AuthnInstant before the request)',
    );
    // A new authentication under prompt=login is taken; without prompt=login an old one is too.
    const fresh = await answerTo({ prompt: 'login' }, new Date());
    expect((await post(fresh.browser, fresh.answer)).status).toBe(303);
    expect(fresh.browser.cookies.get('oauth_session')).toBeTruthy();
    const plain = await answerTo({}, anHourAgo);
    expect((await post(plain.browser, plain.answer)).status).toBe(303);
  });

  it('refuses a transient NameID as the account link (SAML Core §8.3.8)', async () => {
    const { browser, answer } = await signInAtIdp(person('transient@corp.example'), {
      overrides: { NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' },
    });
    expectRefused(await post(browser, answer), browser, /transient NameID/);
  });

  it('refuses a signed assertion inside a response whose status is not Success (SAML Core §3.2.2.2)', async () => {
    const { browser, answer } = await signInAtIdp(person('responder@corp.example'), {
      overrides: { StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' },
    });
    expect(answer.xml).toContain('status:Responder');
    expectRefused(await post(browser, answer), browser, /status is not Success/);
  });

  it('refuses an unsigned assertion', async () => {
    const { browser, answer } = await signInAtIdp(person('unsigned@corp.example'));
    const unsigned = answer.xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '');
    expect(unsigned).not.toContain('Signature');
    expectRefused(await post(browser, { ...answer, SAMLResponse: encodeResponse(unsigned) }), browser, /could not be verified \(Invalid signature/);
  });

  it('refuses an assertion altered after signing', async () => {
    const { browser, answer } = await signInAtIdp(person('altered@corp.example'));
    const altered = answer.xml.replace(/<saml:NameID([^>]*)>[^<]*</, '<saml:NameID$1>S-1-5-21-500<');
    expectRefused(await post(browser, { ...answer, SAMLResponse: encodeResponse(altered) }), browser, /Invalid signature/);
  });

  it('refuses an expired assertion', async () => {
    const past = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const { browser, answer } = await signInAtIdp(person('expired@corp.example'), {
      overrides: { IssueInstant: past(20), ConditionsNotBefore: past(20), ConditionsNotOnOrAfter: past(10), SubjectConfirmationDataNotOnOrAfter: past(10) },
    });
    expectRefused(await post(browser, answer), browser, /could not be verified \(.*(expired|subject confirmation)/i);
  });

  it('refuses an assertion for another audience', async () => {
    const { browser, answer } = await signInAtIdp(person('audience@corp.example'), { overrides: { Audience: 'https://other-sp.example/metadata' } });
    expectRefused(await post(browser, answer), browser, /audience mismatch/i);
  });

  it('refuses an assertion for another Recipient, and a response for another Destination', async () => {
    const recipient = await signInAtIdp(person('recipient@corp.example'), { overrides: { SubjectRecipient: 'https://other-sp.example/acs' } });
    expectRefused(await post(recipient.browser, recipient.answer), recipient.browser, /another Recipient/);
    const destination = await signInAtIdp(person('destination@corp.example'), { overrides: { Destination: 'https://other-sp.example/acs' } });
    expectRefused(await post(destination.browser, destination.answer), destination.browser, /another Destination/);
  });

  it('refuses an answer to another request (InResponseTo)', async () => {
    const { browser, answer } = await signInAtIdp(person('irt@corp.example'), { overrides: { InResponseTo: '_not-the-request-we-sent' } });
    expectRefused(await post(browser, answer), browser, /InResponseTo/);
  });

  it('refuses SHA-1 signatures', async () => {
    const { browser, answer } = await signInAtIdp(person('sha1@corp.example'), { sha1: true });
    expect(answer.xml).toContain('xmldsig#rsa-sha1');
    expectRefused(await post(browser, answer), browser, /algorithm is not allowed/);
  });

  it('refuses signature wrapping: the signed assertion moved aside and a forged one in its place', async () => {
    const admin = await createUser(a, { username: 'wrapped-target@corp.example' });
    await request(a.url)
      .post(`/admin/identity-providers/${providerId}/links`)
      .set('Authorization', auth)
      .send({ user_id: admin.id, subject: 'S-1-5-21-500' })
      .expect(201);
    const forge = (signed: string) =>
      signed
        .replace(/ ID="[^"]+"/, ' ID="_forged"')
        .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
        .replace(/<saml:NameID([^>]*)>[^<]*</, '<saml:NameID$1>S-1-5-21-500<');
    const variants: ((xml: string, signed: string) => string)[] = [
      // XSW: the signed assertion in an Extensions element, the forged one where the assertion belongs.
      (xml, signed) => xml.replace(signed, `${forge(signed)}`).replace(/(<\/saml:Issuer>)/, `$1<samlp:Extensions>${signed}</samlp:Extensions>`),
      // XSW: the signed assertion inside the forged one.
      (xml, signed) => xml.replace(signed, forge(signed).replace('</saml:Assertion>', `${signed}</saml:Assertion>`)),
      // Two assertions side by side, the forged one first.
      (xml, signed) => xml.replace(signed, `${forge(signed)}${signed}`),
    ];
    for (const wrap of variants) {
      const { browser, answer } = await signInAtIdp(person('wrapper@corp.example'));
      const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(answer.xml)![0];
      const page = await post(browser, { ...answer, SAMLResponse: encodeResponse(wrap(answer.xml, signed)) });
      expectRefused(page, browser, /could not be verified/);
      expect(page.body).not.toContain('wrapped-target');
    }
  });

  it('refuses a replayed response, on this instance and on another sharing the database', async () => {
    const { browser, answer } = await signInAtIdp(person('replay@corp.example'));
    const cookies = new Map(browser.cookies);
    await completeAtOurServer(browser, answer);
    for (const instance of [a, b]) {
      const replayer = new FormBrowser(instance.url);
      for (const [name, value] of cookies) replayer.cookies.set(name, value);
      expectRefused(await post(replayer, answer), replayer, /already used/);
    }
  });

  it('refuses a replayed assertion on another instance even inside a fresh sign-in expecting its request ID', async () => {
    const first = await signInAtIdp(person('assertion-replay@corp.example'));
    await completeAtOurServer(first.browser, first.answer);
    // A second sign-in at instance b, its stored request ID made the first one's, so only the
    // assertion ID (the shared replay cache) stands between the old assertion and a session.
    const second = await signInAtIdp(person('assertion-replay@corp.example'), {}, b);
    await sql(b.dataSource, 'UPDATE upstream_login_states SET nonce = ? WHERE nonce = ?', [first.answer.requestId, second.answer.requestId]);
    const page = await post(second.browser, { SAMLResponse: first.answer.SAMLResponse, RelayState: second.answer.RelayState });
    expectRefused(page, second.browser, /replayed assertion/);
  });

  it('binds the sign-in to the browser over HTTPS with a SameSite=None cookie, which the cross-site POST to the ACS carries', async () => {
    const { browser, answer, toIdp } = await signInAtIdp(person('https@corp.example'), {}, a, { 'X-Forwarded-Proto': 'https' });
    const cookie = toIdp.headers.getSetCookie().find((c) => c.startsWith('__Host-upstream_saml='));
    expect(cookie).toMatch(/; SameSite=None/i);
    expect(cookie).toMatch(/; Secure/i);
    const page = await post(browser, answer);
    expect(page.status).toBe(303);
    expect(browser.cookies.get('__Host-oauth_session')).toBeTruthy();
  });

  it('refuses an answer without its RelayState, or in another browser', async () => {
    const { browser, answer } = await signInAtIdp(person('relay@corp.example'));
    expectRefused(await browser.post(ACS, { SAMLResponse: answer.SAMLResponse }), browser, /RelayState/);
    const stranger = new FormBrowser(a.url);
    expectRefused(await post(stranger, answer), stranger, /another browser/);
  });

  it('refuses garbage without a 5xx', async () => {
    const { browser, answer } = await signInAtIdp(person('garbage@corp.example'));
    expectRefused(await post(browser, { ...answer, SAMLResponse: 'not base64 xml at all' }), browser, /could not be verified/);
    const doctype = await signInAtIdp(person('doctype@corp.example'));
    const withDoctype = doctype.answer.xml.replace('<samlp:Response', '<!DOCTYPE r [<!ENTITY x "x">]><samlp:Response');
    expectRefused(await post(doctype.browser, { ...doctype.answer, SAMLResponse: encodeResponse(withDoctype) }), doctype.browser, /document type/);
  });
});
