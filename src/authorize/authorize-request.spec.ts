import type { AuthenticatedClient } from '../clients/clients.service';
import { authorizeTarget, parseAuthorizeRequest } from './authorize-request';

const client = {
  id: 'app',
  redirectUris: ['https://app.example/cb', 'https://app.example/other'],
  grantTypes: ['authorization_code'],
  scope: 'openid profile email',
} as unknown as AuthenticatedClient;

const S256_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function parse(raw: Record<string, unknown>) {
  const input = { response_type: 'code', client_id: 'app', redirect_uri: 'https://app.example/cb', ...raw };
  return parseAuthorizeRequest(input, client, authorizeTarget(input, client));
}

function refusal(raw: Record<string, unknown>): { code: string; description?: string } {
  try {
    parse(raw);
  } catch (error) {
    const { code, description } = error as { code: string; description?: string };
    return { code, description };
  }
  throw new Error('the request was accepted');
}

describe('authorizeTarget', () => {
  it('takes the redirect URI only on an exact match with a registered one', () => {
    expect(authorizeTarget({ redirect_uri: 'https://app.example/other', state: 's' }, client)).toEqual({
      redirectUri: 'https://app.example/other',
      state: 's',
      responseMode: undefined,
    });
    expect(() => authorizeTarget({ redirect_uri: 'https://app.example/cb/' }, client)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() => authorizeTarget({ redirect_uri: ['https://app.example/cb', 'https://app.example/cb'] }, client)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('uses the only registered redirect URI when none is sent, and requires one when several are registered', () => {
    const single = { ...client, redirectUris: ['https://one.example/cb'] } as AuthenticatedClient;
    expect(authorizeTarget({}, single).redirectUri).toBe('https://one.example/cb');
    expect(() => authorizeTarget({}, client)).toThrow(expect.objectContaining({ description: 'redirect_uri is required' }));
  });
});

describe('parseAuthorizeRequest', () => {
  it('builds a frozen request: nothing after the guard can change it', () => {
    const request = parse({ scope: 'openid', state: 'xyz', prompt: 'login consent', nonce: 'n-1', max_age: '60' });
    expect(request).toMatchObject({
      client,
      redirectUri: 'https://app.example/cb',
      redirectUriProvided: true,
      state: 'xyz',
      scope: 'openid',
      forceConsent: true,
      forceLogin: true,
      noPrompt: false,
      nonce: 'n-1',
      maxAge: 60,
      codeChallenge: null,
      codeChallengeMethod: null,
    });
    expect(Object.isFrozen(request)).toBe(true);
    expect(Object.isFrozen(request.params)).toBe(true);
    expect(() => Object.assign(request, { scope: 'openid profile email' })).toThrow(TypeError);
  });

  it('grants every scope of the client when none is requested, and refuses one beyond them with invalid_scope', () => {
    expect(parse({}).scope).toBe('openid profile email');
    expect(refusal({ scope: 'admin' }).code).toBe('invalid_scope');
  });

  it.each([
    ['a repeated parameter', { scope: ['openid', 'profile'] }, 'invalid_request', 'scope must not be repeated'],
    ['a missing response_type', { response_type: undefined }, 'invalid_request', 'response_type is required'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type', 'only response_type=code is supported'],
    ['an unknown response_mode', { response_mode: 'fragment' }, 'invalid_request', 'response_mode must be query or form_post'],
    ['an unknown prompt', { prompt: 'create' }, 'invalid_request', 'unsupported prompt value; supported: none, login, consent, select_account'],
    ['prompt=none with another value', { prompt: 'none login' }, 'invalid_request', 'prompt=none cannot be combined with other values'],
    ['a max_age that is not a number', { max_age: '1e3' }, 'invalid_request', 'max_age must be a number of seconds'],
    ['code_challenge_method without code_challenge', { code_challenge_method: 'S256' }, 'invalid_request', 'code_challenge_method without code_challenge'],
    [
      'an unknown code_challenge_method',
      { code_challenge: S256_CHALLENGE, code_challenge_method: 'S512' },
      'invalid_request',
      'code_challenge_method must be S256 or plain',
    ],
    [
      'a request object (OpenID Connect Core §6)',
      { request: 'e30.e30.' },
      'request_not_supported',
      'unsigned request objects are not supported; sign it with a registered key',
    ],
    [
      'a request_uri (OpenID Connect Core §6)',
      { request_uri: 'https://app.example/r.jwt' },
      'request_uri_not_supported',
      'request_uri is supported only as returned by the pushed authorization request endpoint',
    ],
    ['an unknown display (OpenID Connect Core §3.1.2.1)', { display: 'tv' }, 'invalid_request', 'display must be one of page, popup, touch, wap'],
    ['ui_locales that are not language tags', { ui_locales: 'en_US <x>' }, 'invalid_request', 'ui_locales must be space-separated language tags (BCP 47)'],
    ['claims_locales that are not language tags', { claims_locales: '"' }, 'invalid_request', 'claims_locales must be space-separated language tags (BCP 47)'],
    ['a claims parameter that is not JSON', { scope: 'openid', claims: '{' }, 'invalid_request', 'claims must be a JSON object'],
    ['a claims member that is not an object', { scope: 'openid', claims: '{"userinfo":[]}' }, 'invalid_request', 'claims.userinfo must be a JSON object'],
    [
      'an essential acr this server cannot meet',
      { scope: 'openid', claims: '{"id_token":{"acr":{"essential":true,"value":"2"}}}' },
      'access_denied',
      'the requested authentication context class cannot be met; supported: 0',
    ],
    [
      'an S256 challenge of the wrong length',
      { code_challenge: `${S256_CHALLENGE}a`, code_challenge_method: 'S256' },
      'invalid_request',
      'code_challenge is malformed',
    ],
  ])('refuses %s', (_name, raw, code, description) => {
    expect(refusal(raw)).toEqual({ code, description });
  });

  it('refuses a client that may not use the authorization code grant with unauthorized_client', () => {
    const m2m = { ...client, grantTypes: ['client_credentials'] } as unknown as AuthenticatedClient;
    const input = { response_type: 'code', redirect_uri: 'https://app.example/cb' };
    expect(() => parseAuthorizeRequest(input, m2m, authorizeTarget(input, m2m))).toThrow(expect.objectContaining({ code: 'unauthorized_client' }));
  });

  it('reads the PKCE challenge, plain when no method is given (RFC 7636 §4.3)', () => {
    expect(parse({ code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' })).toMatchObject({
      codeChallenge: S256_CHALLENGE,
      codeChallengeMethod: 'S256',
    });
    expect(parse({ code_challenge: 'a'.repeat(50) })).toMatchObject({ codeChallenge: 'a'.repeat(50), codeChallengeMethod: 'plain' });
  });

  it('keeps prompt=none, the hints and the resource for the controller', () => {
    const request = parse({ prompt: 'none', login_hint: 'alice', id_token_hint: 'h', resource: 'https://api.example', response_mode: 'form_post' });
    expect(request).toMatchObject({ noPrompt: true, loginHint: 'alice', idTokenHint: 'h', resource: 'https://api.example', responseMode: 'form_post' });
  });

  it('accepts display, ui_locales and claims_locales of the right form, and carries them through the forms', () => {
    const request = parse({ display: 'popup', ui_locales: 'se en-GB', claims_locales: 'de' });
    expect(request.params).toMatchObject({ display: 'popup', ui_locales: 'se en-GB', claims_locales: 'de' });
  });

  it('keeps the claims this server holds from the claims parameter, and the scopes the user must approve for them', () => {
    const request = parse({
      scope: 'openid',
      claims: JSON.stringify({ userinfo: { name: { essential: true }, phone_number: null, unknown_claim: null }, id_token: { email: null, acr: null } }),
    });
    // phone is not among the client's scopes: not requestable; unknown claims are ignored (Core §5.5).
    expect(request.claims).toEqual({ userinfo: { name: { essential: true } }, id_token: { email: null, acr: null } });
    expect(request.scope).toBe('openid');
    expect(request.consentScope).toBe('openid profile email');
  });

  it('takes acr_values as a voluntary request of acr, and ignores claims without openid', () => {
    expect(parse({ scope: 'openid', acr_values: '1 0' }).claims).toEqual({ id_token: { acr: { values: ['1', '0'] } } });
    expect(parse({ scope: 'openid' }).claims).toBeNull();
    expect(parse({ scope: 'profile', claims: '{"userinfo":{"email":null}}' })).toMatchObject({ claims: null, consentScope: 'profile' });
  });
});
