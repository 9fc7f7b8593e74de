import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../../config/app-config';
import type { ReplayCache } from '../../security/replay-cache';
import type { ClientAuthenticationRequest } from './client-authentication-method';
import { CLIENT_SECRET_JWT_ALGORITHMS, ClientAssertionVerifier, JWT_BEARER_ASSERTION, presentAssertion, PRIVATE_KEY_JWT_ALGORITHMS } from './client-assertion';

const request = (parameters: Record<string, string>): ClientAuthenticationRequest => ({
  headers: {},
  parameters,
  endpoint: 'https://as.example/oauth2/token',
  certificate: null,
});
const hs256 = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));

describe('presentAssertion (RFC 7523 §2.2)', () => {
  it('gives each method only the assertions of its own algorithms', async () => {
    const assertion = await hs256('app');
    const parameters = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion };
    expect(presentAssertion(request(parameters), CLIENT_SECRET_JWT_ALGORITHMS)).toMatchObject({ clientId: 'app', assertion });
    expect(presentAssertion(request(parameters), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
  });

  it('reads alg none as no method’s', () => {
    const assertion = new UnsecuredJWT({ sub: 'app' }).encode();
    const parameters = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion };
    expect(presentAssertion(request(parameters), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
    expect(presentAssertion(request(parameters), CLIENT_SECRET_JWT_ALGORITHMS)).toBeNull();
  });

  it('ignores a request without an assertion', () => {
    expect(presentAssertion(request({ client_id: 'app' }), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
  });

  it.each([
    ['another assertion type', async () => ({ client_assertion_type: 'urn:x', client_assertion: await hs256('app') })],
    ['no assertion', async () => ({ client_assertion_type: JWT_BEARER_ASSERTION })],
    ['a malformed assertion', async () => ({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: 'a.b.c' })],
    ['a client_id other than sub', async () => ({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: await hs256('app'), client_id: 'other' })],
  ])('refuses %s with invalid_client', async (_name, parameters) => {
    const body = await parameters();
    expect(() => presentAssertion(request(body), CLIENT_SECRET_JWT_ALGORITHMS)).toThrow(expect.objectContaining({ code: 'invalid_client' }));
  });
});

describe('ClientAssertionVerifier.algorithmsFor', () => {
  const config = loadConfig({});
  const verifier = new ClientAssertionVerifier(config.fapiProfile, config.issuer, {} as ReplayCache);

  it('allows every offered algorithm to a client that registered none', () => {
    expect(verifier.algorithmsFor({ tokenEndpointAuthSigningAlg: null }, PRIVATE_KEY_JWT_ALGORITHMS)).toEqual(PRIVATE_KEY_JWT_ALGORITHMS);
  });

  it('allows only the registered token_endpoint_auth_signing_alg', () => {
    expect(verifier.algorithmsFor({ tokenEndpointAuthSigningAlg: 'PS256' }, PRIVATE_KEY_JWT_ALGORITHMS)).toEqual(['PS256']);
    expect(verifier.algorithmsFor({ tokenEndpointAuthSigningAlg: 'HS256' }, PRIVATE_KEY_JWT_ALGORITHMS)).toEqual([]);
  });
});
