import { ACCESS_TOKEN_TYPE, TokenExchangeRequest } from './dto/token-exchange.request';
import {
  clientScopes,
  GrantStrategyProvider,
  OAuthError,
  resolveScope,
  scopeTokens,
  GrantIssuer,
  GrantTokenLookup,
  presentedConfirmation,
  sameConfirmation,
  type AuthenticatedClient,
  type GrantStrategy,
  type TokenResponse,
} from './public-api';

/**
 * RFC 8693 token exchange: an access token of this server (the subject) for a new access token of
 * the calling client, with the same resource owner and at most the subject's scope; an actor token
 * makes it delegation (§1.1), recorded in the audit trail of the issued token. Written only against
 * public-api.ts: the worked example of docs/extending.md.
 */
@GrantStrategyProvider()
export class TokenExchangeGrant implements GrantStrategy<TokenExchangeRequest> {
  readonly grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
  readonly requestType = TokenExchangeRequest;

  constructor(
    private readonly issuer: GrantIssuer,
    private readonly store: GrantTokenLookup,
  ) {}

  async handle(params: TokenExchangeRequest, client: AuthenticatedClient): Promise<TokenResponse> {
    // RFC 8693 §2.2.2: a subject or actor token that is invalid for any reason is invalid_request.
    const subject = await this.store.findActiveAccessToken(params.subject_token);
    if (!subject) throw new OAuthError('invalid_request', 'subject_token is not an active access token');
    const actor = params.actor_token === undefined ? null : await this.store.findActiveAccessToken(params.actor_token);
    if (params.actor_token !== undefined && !actor) throw new OAuthError('invalid_request', 'actor_token is not an active access token');
    // A sender-constrained token is usable only with its key or certificate (RFC 9449 §7, RFC 8705
    // §3): exchanging it without the proof would turn a stolen bound token into a bearer one.
    for (const [name, token] of [
      ['subject_token', subject],
      ['actor_token', actor],
    ] as const) {
      if (token?.cnf && !sameConfirmation(token.cnf, presentedConfirmation())) {
        throw new OAuthError('invalid_request', `${name} is sender-constrained: the request must prove possession of its key or certificate`);
      }
    }

    // RFC 8693 §2.1 (scope) with RFC 6749 §3.3: only what the subject holds and this client may ask for.
    const allowed = new Set(clientScopes(client));
    const scope = resolveScope(
      params.scope,
      scopeTokens(subject.scope).filter((s) => allowed.has(s)),
    );
    if (scope === '') throw new OAuthError('invalid_scope', 'the subject token holds no scope this client may request');

    const response = await this.issuer.issue({
      client,
      userId: subject.userId,
      scope,
      withRefreshToken: false,
      resource: params.resource,
      audit: {
        subject_token_id: subject.id,
        subject_client_id: subject.clientId,
        // RFC 8693 §4.1: the acting party; absent for impersonation.
        actor_token_id: actor?.id ?? null,
        actor_client_id: actor?.clientId ?? null,
        actor_user_id: actor?.userId ?? null,
        audience: params.audience ?? null,
      },
    });
    // RFC 8693 §2.2.1: REQUIRED; the issued token is an access token usable as a Bearer token.
    return { ...response, issued_token_type: ACCESS_TOKEN_TYPE };
  }
}
