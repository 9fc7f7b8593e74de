import { issuedInFuture } from '../common/oauth/jwt-clock';
import type { AuthenticatedClient } from './clients.service';
import {
  assertFapiAuthorizeRequest,
  assertFapiClientAuthentication,
  assertFapiPushed,
  assertFapiTokenRequest,
  fapiAlgorithms,
  fapiApplies,
  type FapiRegistration,
  fapiRegistrationViolation,
} from './fapi-profile';
import { errorCodeOf } from './testing/error-code-of';

const registration = (overrides: Partial<FapiRegistration> = {}): FapiRegistration => ({
  fapiProfile: 'fapi2-security',
  tokenEndpointAuthMethod: 'private_key_jwt',
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: ['https://bank.example.com/cb'],
  idTokenSignedResponseAlg: 'PS256',
  refreshTokenRotation: 'reuse',
  tokenEndpointAuthSigningAlg: null,
  ...overrides,
});

describe('FAPI 2.0 profile', () => {
  it('applies to a client that names it, or to every client without a profile when it is the default', () => {
    expect(fapiApplies({ id: 'bank', fapiProfile: 'fapi2-security' }, null)).toBe(true);
    expect(fapiApplies({ id: 'bank', fapiProfile: null }, 'fapi2-security')).toBe(true);
    expect(fapiApplies({ id: 'bank', fapiProfile: null }, null)).toBe(false);
  });

  it('leaves the built-in admin-cli out of the server default, not out of a profile of its own', () => {
    expect(fapiApplies({ id: 'admin-cli', fapiProfile: null }, 'fapi2-security')).toBe(false);
    expect(fapiApplies({ id: 'admin-cli', fapiProfile: 'fapi2-security' }, null)).toBe(true);
  });

  describe('registration', () => {
    it('accepts a conforming application, and holds applications without the profile to nothing', () => {
      expect(fapiRegistrationViolation(registration())).toBeNull();
      expect(
        fapiRegistrationViolation(registration({ fapiProfile: null, tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['password'] })),
      ).toBeNull();
      expect(fapiRegistrationViolation(registration({ tokenEndpointAuthMethod: 'tls_client_auth', redirectUris: ['http://127.0.0.1:8080/cb'] }))).toBeNull();
    });

    it.each<[string, Partial<FapiRegistration>]>([
      ['token_endpoint_auth_method', { tokenEndpointAuthMethod: 'client_secret_basic' }],
      ['token_endpoint_auth_method', { tokenEndpointAuthMethod: 'none' }],
      ['grant_types', { grantTypes: ['authorization_code', 'password'] }],
      ['id_token_signed_response_alg', { idTokenSignedResponseAlg: 'RS256' }],
      ['token_endpoint_auth_signing_alg', { tokenEndpointAuthSigningAlg: 'RS256' }],
      ['redirect_uris', { redirectUris: ['http://bank.example.com/cb'] }],
      ['refresh_token_rotation', { refreshTokenRotation: 'rotate' }],
    ])('refuses %s %j', (field, overrides) => {
      expect(fapiRegistrationViolation(registration(overrides))?.field).toBe(field);
    });
  });

  it('accepts only private_key_jwt and mutual TLS at authentication (invalid_client)', () => {
    const client = (method: string) => ({ tokenEndpointAuthMethod: method }) as AuthenticatedClient;
    expect(errorCodeOf(() => assertFapiClientAuthentication(client('client_secret_basic')))).toBe('invalid_client');
    expect(errorCodeOf(() => assertFapiClientAuthentication(client('none')))).toBe('invalid_client');
    for (const method of ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth']) {
      expect(errorCodeOf(() => assertFapiClientAuthentication(client(method)))).toBeUndefined();
    }
  });

  it('needs pushed requests with PKCE S256 and redirect_uri', () => {
    expect(errorCodeOf(() => assertFapiPushed(false))).toBe('invalid_request');
    expect(errorCodeOf(() => assertFapiPushed(true))).toBeUndefined();
    const ok = { redirectUriProvided: true, codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256' };
    expect(errorCodeOf(() => assertFapiAuthorizeRequest(ok))).toBeUndefined();
    expect(errorCodeOf(() => assertFapiAuthorizeRequest({ ...ok, codeChallengeMethod: 'plain' }))).toBe('invalid_request');
    expect(errorCodeOf(() => assertFapiAuthorizeRequest({ ...ok, codeChallenge: null, codeChallengeMethod: null }))).toBe('invalid_request');
    expect(errorCodeOf(() => assertFapiAuthorizeRequest({ ...ok, redirectUriProvided: false }))).toBe('invalid_request');
  });

  it('issues only sender-constrained tokens, never for the password grant', () => {
    expect(errorCodeOf(() => assertFapiTokenRequest('authorization_code', true))).toBeUndefined();
    expect(errorCodeOf(() => assertFapiTokenRequest('refresh_token', false))).toBe('invalid_request');
    expect(errorCodeOf(() => assertFapiTokenRequest('password', true))).toBe('unauthorized_client');
  });

  it('signs with PS256, ES256 and EdDSA only', () => {
    expect(fapiAlgorithms(['PS256', 'ES256', 'EdDSA', 'RS256', 'HS256'])).toEqual(['PS256', 'ES256', 'EdDSA']);
  });

  it('tolerates 10 s of clock skew on iat and nbf, not more', () => {
    const now = 1_800_000_000;
    expect(issuedInFuture({ iat: now + 10, nbf: now + 10 }, now)).toBe(false);
    expect(issuedInFuture({ iat: now + 11 }, now)).toBe(true);
    expect(issuedInFuture({ nbf: now + 61 }, now)).toBe(true);
    expect(issuedInFuture({ iat: 'soon' }, now)).toBe(true);
    expect(issuedInFuture({}, now)).toBe(false);
  });
});
