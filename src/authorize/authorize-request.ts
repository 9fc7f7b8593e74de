import type { FastifyRequest as Request } from 'fastify';
import { isRegisteredRedirectUri } from './redirect-uri-match';
import { AuthenticatedClient, clientScopes } from '../clients/clients.service';
import { OAuthError } from '../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { resolveScope } from '../common/oauth/scope-policy';
import { ClaimsRequest, parseClaimsRequest, PASSWORD_ACR, scopesOfClaimsRequest } from '../oidc/standard-claims';
import { CodeChallengeMethod, isWellFormedPkceValue } from '../pkce/pkce';

/** The authorization request parameters we understand (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'nonce',
  'max_age',
  'login_hint',
  'id_token_hint',
  'response_mode',
  'resource',
  'claims',
  'acr_values',
  'dpop_jkt',
  'display',
  'ui_locales',
  'claims_locales',
] as const;
export type AuthorizeParamName = (typeof AUTHORIZE_PARAMS)[number];
export type AuthorizeParams = Partial<Record<AuthorizeParamName, string>>;

/** How the authorization response reaches the client: the query string (RFC 6749 §4.1.2) or a form post. */
export type ResponseMode = 'query' | 'form_post';
export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'form_post'];

/** OpenID Connect Core §3.1.2.1: the display values; each is answered with the one page layout there is. */
const DISPLAYS = ['page', 'popup', 'touch', 'wap'];
/** A space-separated list of BCP 47 language tags (RFC 5646), as ui_locales and claims_locales are (Core §3.1.2.1, §5.2). */
const LANGUAGE_TAGS = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*(?: [A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)*$/;

/** The prompt values we act on (select_account: there is one account per browser session). */
const PROMPTS = ['none', 'login', 'consent', 'select_account'];

/**
 * Where the answer of an authorization request goes, known as soon as client_id and redirect_uri
 * are proven: from then on errors are redirected there with `state` (RFC 6749 §4.1.2.1).
 */
export interface AuthorizeTarget {
  readonly redirectUri: string;
  readonly state?: string;
  readonly responseMode?: ResponseMode;
}

/** A validated authorization request: parsed once by AuthorizeClientGuard, frozen, read by everything after. */
export interface AuthorizeRequest extends AuthorizeTarget {
  readonly client: AuthenticatedClient;
  readonly redirectUriProvided: boolean;
  /** The granted scope: the requested one within the client's, or the client's default. */
  readonly scope: string;
  /** RFC 7636, checked for form here; whether PKCE is required or plain allowed is PkcePolicyGuard's decision. */
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
  readonly forceConsent: boolean;
  /** OpenID Connect prompt=login (and max_age exceeded): authenticate again even with a session. */
  readonly forceLogin: boolean;
  /** OpenID Connect prompt=none: never show a page; errors login_required / consent_required. */
  readonly noPrompt: boolean;
  /** OpenID Connect max_age: the longest time since authentication the client accepts, seconds. */
  readonly maxAge?: number;
  readonly loginHint?: string;
  readonly idTokenHint?: string;
  /** RFC 8707: the resource server the tokens of this grant are for (checked by AuthorizeClientGuard). */
  readonly resource?: string;
  /** OpenID Connect: echoed in the ID Token to bind it to this request. */
  readonly nonce?: string;
  /** RFC 9449 §10: the DPoP key thumbprint the code is bound to; its token request must prove that key. */
  readonly dpopJkt?: string;
  /**
   * OpenID Connect Core §5.5: the claims asked for individually, with `acr_values` folded in as a
   * voluntary request of `acr`; null without openid or without either parameter.
   */
  readonly claims: ClaimsRequest | null;
  /** The scopes the user approves: `scope` and those whose claims `claims` asks for individually. */
  readonly consentScope: string;
  /** The original parameters, carried as hidden fields through the login and consent forms. */
  readonly params: Readonly<AuthorizeParams>;
  /** The client pushed these parameters first (RFC 9126), authenticated, rather than sending them through the browser. */
  readonly pushed: boolean;
  /** The pushed request's row, set exactly when `pushed`: spent when this request is answered (PushedAuthorizationRequests.answer). */
  readonly pushedRequestId?: string;
  /** The parameters came from a request object signed with the client's key (RFC 9101), directly or pushed. */
  readonly signed: boolean;
}

/** What the guards leave on the request for the controller and for the error renderer. */
export type AuthorizeHttpRequest = Request & {
  isAuthorizeRoute?: boolean;
  authorizeTarget?: AuthorizeTarget;
  authorizeRequest?: AuthorizeRequest;
};

/** The route paths of the authorization endpoint: ours, WSO2's and webMethods'. */
export const AUTHORIZE_PATHS = ['oauth2/authorize', 'authorize', 'invoke/pub.apigateway.oauth2/authorize'];

/** GET carries the parameters in the query; the login and consent forms post them back in the body. */
export function rawAuthorizeInput(req: Request): Record<string, unknown> {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  return source && typeof source === 'object' && !Array.isArray(source) ? (source as Record<string, unknown>) : {};
}

/**
 * The exact registered redirect URI (RFC 9700 §4.1.3: no normalisation), `state` and the response
 * mode. Its errors are never redirected: the redirect URI is not trusted yet.
 */
export function authorizeTarget(raw: Record<string, unknown>, client: AuthenticatedClient): AuthorizeTarget {
  const requested = raw.redirect_uri;
  let redirectUri: string;
  if (requested === undefined) {
    // RFC 6749 §3.1.2.3: may be omitted only when exactly one URI is registered.
    if (client.redirectUris.length !== 1) throw new OAuthError('invalid_request', 'redirect_uri is required');
    redirectUri = client.redirectUris[0];
  } else if (typeof requested === 'string' && isRegisteredRedirectUri(requested, client.redirectUris)) {
    redirectUri = requested;
  } else {
    throw new OAuthError('invalid_request', 'redirect_uri does not match a registered redirect URI');
  }
  const state = typeof raw.state === 'string' ? raw.state : undefined;
  // The response mode decides how errors go back too, so it is read before anything can fail.
  const responseMode = RESPONSE_MODES.find((mode) => mode === raw.response_mode);
  return Object.freeze({ redirectUri, state, responseMode });
}

/**
 * Everything else of the request, checked once (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect
 * Core §3.1.2.1); its errors go back to `target`. The result is frozen.
 */
export function parseAuthorizeRequest(
  raw: Record<string, unknown>,
  client: AuthenticatedClient,
  target: AuthorizeTarget,
  origin: { readonly pushed: boolean; readonly signed: boolean; readonly pushedRequestId?: string } = { pushed: false, signed: false },
  /** The acr values a sign-in here can reach (ACR_PASSWORD, ACR_MFA). */
  supportedAcr: readonly string[] = [PASSWORD_ACR],
): AuthorizeRequest {
  if (raw.response_mode !== undefined && !target.responseMode) throw new OAuthError('invalid_request', 'response_mode must be query or form_post');
  // A signed request object is resolved before this point (AuthorizeClientGuard); an unsigned one
  // (alg none) is refused, never silently ignored in favour of the plain parameters beside it.
  if (raw.request !== undefined) throw new OAuthError('request_not_supported', 'unsigned request objects are not supported; sign it with a registered key');
  // A pushed request's request_uri is resolved before this point (AuthorizeClientGuard); OpenID
  // Connect Core §6.2's request_uri, a request object the client hosts, is not supported.
  if (raw.request_uri !== undefined)
    throw new OAuthError('request_uri_not_supported', 'request_uri is supported only as returned by the pushed authorization request endpoint');
  const params: AuthorizeParams = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = raw[name];
    if (value === undefined) continue;
    // RFC 6749 §3.1: parameters must not be included more than once.
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must not be repeated`);
    params[name] = value;
  }

  if (params.response_type === undefined) throw new OAuthError('invalid_request', 'response_type is required');
  if (params.response_type !== 'code') throw new OAuthError('unsupported_response_type', 'only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code')) throw new OAuthError('unauthorized_client', 'client may not use the authorization code grant');
  const scope = resolveScope(params.scope, clientScopes(client));
  if (params.nonce !== undefined && (params.nonce === '' || params.nonce.length > 512))
    throw new OAuthError('invalid_request', 'nonce must be 1 to 512 characters');
  const prompts = (params.prompt ?? '').split(' ').filter(Boolean);
  const unknown = prompts.filter((p) => !PROMPTS.includes(p));
  // The value is not echoed: it is the client's input, and would land in logs and redirects.
  if (unknown.length > 0) throw new OAuthError('invalid_request', `unsupported prompt value; supported: ${PROMPTS.join(', ')}`);
  if (prompts.includes('none') && prompts.length > 1) throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other values');
  if (params.max_age !== undefined && !/^\d{1,9}$/.test(params.max_age)) throw new OAuthError('invalid_request', 'max_age must be a number of seconds');
  if (params.login_hint !== undefined && params.login_hint.length > 320) throw new OAuthError('invalid_request', 'login_hint is too long');
  if (params.id_token_hint !== undefined && params.id_token_hint.length > 8192) throw new OAuthError('invalid_request', 'id_token_hint is too long');
  // RFC 9449 §10: a JWK SHA-256 thumbprint, base64url (RFC 7638).
  if (params.dpop_jkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(params.dpop_jkt))
    throw new OAuthError('invalid_request', 'dpop_jkt must be a JWK SHA-256 thumbprint');
  if (params.display !== undefined && !DISPLAYS.includes(params.display))
    throw new OAuthError('invalid_request', `display must be one of ${DISPLAYS.join(', ')}`);
  // Pages and claims are in one language: the preferences are checked for form and otherwise ignored (Core §5.2: best effort).
  for (const name of ['ui_locales', 'claims_locales'] as const) {
    const value = params[name];
    if (value !== undefined && (value.length > 256 || !LANGUAGE_TAGS.test(value.trim())))
      throw new OAuthError('invalid_request', `${name} must be space-separated language tags (BCP 47)`);
  }
  const pkce = pkceChallenge(params);
  const claims = scopeTokens(scope).includes('openid') ? claimsRequest(params, supportedAcr, clientScopes(client)) : null;

  return Object.freeze({
    ...target,
    client,
    redirectUriProvided: params.redirect_uri !== undefined,
    scope,
    ...pkce,
    forceConsent: prompts.includes('consent'),
    forceLogin: prompts.includes('login'),
    noPrompt: prompts.includes('none'),
    maxAge: params.max_age !== undefined ? Number(params.max_age) : undefined,
    loginHint: params.login_hint,
    idTokenHint: params.id_token_hint,
    resource: params.resource,
    nonce: params.nonce,
    dpopJkt: params.dpop_jkt,
    claims,
    consentScope: formatScope([...new Set([...scopeTokens(scope), ...scopesOfClaimsRequest(claims)])]),
    params: Object.freeze(params),
    pushed: origin.pushed,
    ...(origin.pushedRequestId !== undefined ? { pushedRequestId: origin.pushedRequestId } : {}),
    signed: origin.signed,
  });
}

/**
 * The `claims` parameter (Core §5.5) with `acr_values` (§3.1.2.1) as a voluntary request of `acr`.
 * An essential request of a class no sign-in here reaches cannot be met, which §5.5.1.1 says is a
 * failed authentication.
 */
function claimsRequest(params: AuthorizeParams, supportedAcr: readonly string[], allowedScopes: readonly string[]): ClaimsRequest | null {
  const parsed = params.claims !== undefined ? parseClaimsRequest(params.claims, allowedScopes) : null;
  const acrValues = scopeTokens(params.acr_values ?? '');
  if (!parsed && acrValues.length === 0) return null;
  const idToken = { ...(parsed?.id_token ?? {}) };
  if (acrValues.length > 0 && !('acr' in idToken)) idToken.acr = { values: acrValues };
  const acr = idToken.acr;
  if (
    acr?.essential &&
    ((acr.value !== undefined && !supportedAcr.includes(String(acr.value))) ||
      (acr.values !== undefined && !acr.values.some((v) => supportedAcr.includes(String(v)))))
  )
    throw new OAuthError('access_denied', `the requested authentication context class cannot be met; supported: ${supportedAcr.join(' ')}`);
  return { ...(parsed?.userinfo ? { userinfo: parsed.userinfo } : {}), ...(Object.keys(idToken).length > 0 || parsed?.id_token ? { id_token: idToken } : {}) };
}

/** The PKCE challenge as sent, well-formed (RFC 7636 §4.2, §4.3); the policy is decided elsewhere. */
function pkceChallenge(params: AuthorizeParams): Pick<AuthorizeRequest, 'codeChallenge' | 'codeChallengeMethod'> {
  const challenge = params.code_challenge;
  if (challenge === undefined) {
    if (params.code_challenge_method !== undefined) throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
    return { codeChallenge: null, codeChallengeMethod: null };
  }
  // RFC 7636 §4.3: the method defaults to plain when omitted.
  const method = params.code_challenge_method ?? 'plain';
  if (method !== 'S256' && method !== 'plain') throw new OAuthError('invalid_request', 'code_challenge_method must be S256 or plain');
  if (!isWellFormedPkceValue(challenge) || (method === 'S256' && challenge.length !== 43))
    throw new OAuthError('invalid_request', 'code_challenge is malformed');
  return { codeChallenge: challenge, codeChallengeMethod: method };
}
