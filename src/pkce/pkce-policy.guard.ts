import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { clientScopes } from '../clients/clients.service';
import { OAuthError } from '../common/oauth/oauth-error';
import { resolveScope } from '../common/oauth/scope-policy';
import type { AuthorizeHttpRequest } from '../consent/authorize-request';
import { CodeChallengeMethod, isWellFormedPkceValue } from './pkce';
import { PkcePolicyService } from './pkce-policy.service';

/**
 * Second gate of the authorization endpoint (after AuthorizeClientGuard): enforces the effective
 * PKCE policy of the client and completes the validated AuthorizeRequest.
 */
@Injectable()
export class PkcePolicyGuard implements CanActivate {
  constructor(private readonly policies: PkcePolicyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthorizeHttpRequest>();
    const { authorizeParams: params, authorizeClient: client, authorizeTarget: target } = req;
    if (!params || !client || !target) throw new Error('PkcePolicyGuard must run after AuthorizeClientGuard');

    const policy = await this.policies.resolve(client);
    const challenge = params.code_challenge;
    let method: CodeChallengeMethod | null = null;
    if (challenge === undefined) {
      if (params.code_challenge_method !== undefined) {
        throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
      }
      if (policy.required) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE)');
    } else {
      // RFC 7636 §4.3: the method defaults to plain when omitted.
      const requestedMethod = params.code_challenge_method ?? 'plain';
      if (requestedMethod !== 'S256' && requestedMethod !== 'plain') {
        throw new OAuthError('invalid_request', 'code_challenge_method must be S256 or plain');
      }
      if (requestedMethod === 'plain' && !policy.plainAllowed) {
        throw new OAuthError('invalid_request', 'code_challenge_method plain is not allowed, use S256');
      }
      if (!isWellFormedPkceValue(challenge) || (requestedMethod === 'S256' && challenge.length !== 43)) {
        throw new OAuthError('invalid_request', 'code_challenge is malformed');
      }
      method = requestedMethod;
    }

    const prompts = new Set((params.prompt ?? '').split(' ').filter(Boolean));
    req.authorizeRequest = {
      client,
      redirectUri: target.redirectUri,
      redirectUriProvided: params.redirect_uri !== undefined,
      scope: resolveScope(params.scope, clientScopes(client)),
      state: target.state,
      codeChallenge: challenge ?? null,
      codeChallengeMethod: method,
      forceConsent: prompts.has('consent'),
      forceLogin: prompts.has('login'),
      responseMode: target.responseMode,
      noPrompt: prompts.has('none'),
      maxAge: params.max_age !== undefined ? Number(params.max_age) : undefined,
      loginHint: params.login_hint,
      idTokenHint: params.id_token_hint,
      resource: params.resource,
      nonce: params.nonce,
      params,
    };
    return true;
  }
}
