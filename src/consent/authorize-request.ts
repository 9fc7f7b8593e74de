import type { FastifyRequest as Request } from 'fastify';
import type { AuthenticatedClient } from '../clients/clients.service';
import type { RequestWithAuthorize } from '../common/oauth/oauth-exception.filter';
import type { CodeChallengeMethod } from '../pkce/pkce';
import type { ResponseMode } from './authorization-response';

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
] as const;
export type AuthorizeParamName = (typeof AUTHORIZE_PARAMS)[number];
export type AuthorizeParams = Partial<Record<AuthorizeParamName, string>>;

/** A validated authorization request, built by AuthorizeClientGuard and PkcePolicyGuard. */
export interface AuthorizeRequest {
  readonly client: AuthenticatedClient;
  readonly redirectUri: string;
  readonly redirectUriProvided: boolean;
  readonly scope: string;
  readonly state?: string;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
  readonly forceConsent: boolean;
  /** OpenID Connect prompt=login (and max_age exceeded): authenticate again even with a session. */
  readonly forceLogin: boolean;
  readonly responseMode?: ResponseMode;
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
  /** The original parameters, carried as hidden fields through the login and consent forms. */
  readonly params: AuthorizeParams;
}

export type AuthorizeHttpRequest = RequestWithAuthorize & {
  authorizeParams?: AuthorizeParams;
  authorizeClient?: AuthenticatedClient;
  authorizeRequest?: AuthorizeRequest;
};

/** The route paths of the authorization endpoint: ours, WSO2's and webMethods'. */
export const AUTHORIZE_PATHS = ['oauth2/authorize', 'authorize', 'invoke/pub.apigateway.oauth2/authorize'];

/** GET carries the parameters in the query; the login and consent forms post them back in the body. */
export function rawAuthorizeInput(req: Request): Record<string, unknown> {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  return source && typeof source === 'object' && !Array.isArray(source) ? (source as Record<string, unknown>) : {};
}
