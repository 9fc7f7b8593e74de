import { errorCodeOf } from '../clients/testing/error-code-of';
import { parseClientMetadata } from './client-metadata';
import { checkPolicy } from './registration.service';

describe('parseClientMetadata (RFC 7591 §2)', () => {
  it('applies the defaults of §2: authorization_code, code, client_secret_basic', () => {
    const metadata = parseClientMetadata({ redirect_uris: ['https://app.example.com/cb'] });
    expect(metadata).toMatchObject({ grantTypes: ['authorization_code'], responseTypes: ['code'], tokenEndpointAuthMethod: 'client_secret_basic' });
  });

  it('ignores members it does not know, and keeps the descriptive ones', () => {
    const metadata = parseClientMetadata({ redirect_uris: ['https://app.example.com/cb'], custom: { a: 1 }, tos_uri: 'https://app.example.com/tos' });
    expect(metadata.descriptive).toEqual({ tos_uri: 'https://app.example.com/tos' });
  });

  it('accepts http redirect URIs on loopback only (RFC 8252 §7.3)', () => {
    expect(errorCodeOf(() => parseClientMetadata({ redirect_uris: ['http://127.0.0.1/cb'] }))).toBeUndefined();
    expect(errorCodeOf(() => parseClientMetadata({ redirect_uris: ['http://app.example.com/cb'] }))).toBe('invalid_redirect_uri');
  });

  it('accepts a private-use scheme for native apps (RFC 8252 §7.1)', () => {
    expect(errorCodeOf(() => parseClientMetadata({ redirect_uris: ['com.example.app:/oauth2redirect'] }))).toBeUndefined();
  });
});

describe('checkPolicy', () => {
  const metadata = parseClientMetadata({ redirect_uris: ['https://a.portal.example.com/cb'], scope: 'read', grant_types: ['authorization_code'] });

  it('refuses the password grant to open registration', () => {
    expect(errorCodeOf(() => checkPolicy(parseClientMetadata({ grant_types: ['password'], response_types: [] }), null))).toBe('invalid_client_metadata');
  });

  it('holds a client to the scopes, redirect URI patterns and methods of its initial access token', () => {
    expect(errorCodeOf(() => checkPolicy(metadata, { scopes: ['read'], redirectUriPatterns: ['https://*.portal.example.com/*'] }))).toBeUndefined();
    expect(errorCodeOf(() => checkPolicy(metadata, { scopes: ['write'] }))).toBe('invalid_client_metadata');
    expect(errorCodeOf(() => checkPolicy(metadata, { redirectUriPatterns: ['https://other.example.com/*'] }))).toBe('invalid_redirect_uri');
    expect(errorCodeOf(() => checkPolicy(metadata, { tokenEndpointAuthMethods: ['private_key_jwt'] }))).toBe('invalid_client_metadata');
  });

  it('treats a pattern as literal except for *', () => {
    expect(errorCodeOf(() => checkPolicy(metadata, { redirectUriPatterns: ['https://a.portal.example.com/c.'] }))).toBe('invalid_redirect_uri');
  });
});
