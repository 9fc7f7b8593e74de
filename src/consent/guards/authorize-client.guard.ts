import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { clientScopes, ClientsService } from '../../clients/clients.service';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { OAuthError } from '../../common/oauth/oauth-error';
import { ResourceServersService } from '../../resources/resource-servers.service';
import { resolveScope } from '../../common/oauth/scope-policy';
import { RESPONSE_MODES } from '../authorization-response';
import {
  AUTHORIZE_PARAMS,
  AuthorizeHttpRequest,
  AuthorizeParams,
  rawAuthorizeInput,
} from '../authorize-request';

/** The prompt values we act on (select_account: there is one account per browser session). */
const PROMPTS = ['none', 'login', 'consent', 'select_account'];

/**
 * First gate of the authorization endpoint. Until client_id and redirect_uri are proven, every
 * error is an HTML page and never a redirect (RFC 6749 §4.1.2.1, §10.15 open redirectors).
 * After that, errors go back to the client's redirect URI with `state`.
 */
@Injectable()
export class AuthorizeClientGuard implements CanActivate {
  constructor(
    private readonly clients: ClientsService,
    private readonly resources: ResourceServersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthorizeHttpRequest>();
    req.isAuthorizeRoute = true;
    const raw = rawAuthorizeInput(req);

    const clientId = raw.client_id;
    if (typeof clientId !== 'string' || clientId === '') {
      throw new OAuthError('invalid_request', 'client_id is missing or repeated');
    }
    const client = await this.clients.findEnabled(clientId);
    if (!client) throw new OAuthError('invalid_request', 'unknown client');

    const requested = raw.redirect_uri;
    let redirectUri: string;
    if (requested === undefined) {
      // RFC 6749 §3.1.2.3: may be omitted only when exactly one URI is registered.
      if (client.redirectUris.length !== 1) throw new OAuthError('invalid_request', 'redirect_uri is required');
      redirectUri = client.redirectUris[0];
    } else if (typeof requested === 'string' && client.redirectUris.includes(requested)) {
      // Exact string match, no normalisation (RFC 9700 §4.1.3).
      redirectUri = requested;
    } else {
      throw new OAuthError('invalid_request', 'redirect_uri does not match a registered redirect URI');
    }

    const state = typeof raw.state === 'string' ? raw.state : undefined;
    // The response mode decides how errors go back too, so it is read before anything can fail.
    const responseMode = RESPONSE_MODES.find((mode) => mode === raw.response_mode);
    req.authorizeTarget = { redirectUri, state, issuer: this.config.issuer, responseMode };
    if (raw.response_mode !== undefined && !responseMode) throw new OAuthError('invalid_request', 'response_mode must be query or form_post');

    const params: AuthorizeParams = {};
    for (const name of AUTHORIZE_PARAMS) {
      const value = raw[name];
      if (value === undefined) continue;
      // RFC 6749 §3.1: parameters must not be included more than once.
      if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must not be repeated`);
      params[name] = value;
    }

    if (params.response_type === undefined) throw new OAuthError('invalid_request', 'response_type is required');
    if (params.response_type !== 'code') {
      throw new OAuthError('unsupported_response_type', 'only response_type=code is supported');
    }
    if (!client.grantTypes.includes('authorization_code')) {
      throw new OAuthError('unauthorized_client', 'client may not use the authorization code grant');
    }
    // Throws invalid_scope, which the filter turns into a redirect now that the target is set.
    resolveScope(params.scope, clientScopes(client));
    if (params.nonce !== undefined && (params.nonce === '' || params.nonce.length > 512)) {
      throw new OAuthError('invalid_request', 'nonce must be 1 to 512 characters');
    }
    // OpenID Connect Core §3.1.2.1.
    const prompts = (params.prompt ?? '').split(' ').filter(Boolean);
    const unknown = prompts.filter((p) => !PROMPTS.includes(p));
    if (unknown.length > 0) throw new OAuthError('invalid_request', `unsupported prompt value ${unknown[0]}; supported: ${PROMPTS.join(', ')}`);
    if (prompts.includes('none') && prompts.length > 1) throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other values');
    if (params.max_age !== undefined && !/^\d{1,9}$/.test(params.max_age)) throw new OAuthError('invalid_request', 'max_age must be a number of seconds');
    if (params.login_hint !== undefined && params.login_hint.length > 320) throw new OAuthError('invalid_request', 'login_hint is too long');
    if (params.id_token_hint !== undefined && params.id_token_hint.length > 8192) throw new OAuthError('invalid_request', 'id_token_hint is too long');
    if (params.resource !== undefined) await this.resources.forClient(client, params.resource);

    req.authorizeParams = params;
    req.authorizeClient = client;
    return true;
  }
}
