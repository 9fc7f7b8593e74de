import { Controller, Get, Optional, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { AuthenticatedClient, ClientsService } from '../clients/clients.service';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { SigningKeysService } from '../keys/signing-keys.service';
import { ApiErrorPageResponse, ApiPageResponse } from './api-page-responses';
import { rawAuthorizeInput } from './authorize-request';
import { CSRF_FIELD, CsrfTokens } from './csrf';
import { requestPath } from './form';
import { LoginSessionService } from './login-session.service';
import { clearSessionCookie, readSessionCookie, sendPage } from './page-response';
import { Pages } from './views/pages';
import { UpstreamSignIn } from './upstream-sign-in';

const PARAMS = ['id_token_hint', 'post_logout_redirect_uri', 'client_id', 'state'] as const;
type LogoutParams = Partial<Record<(typeof PARAMS)[number], string>>;

class LogoutRefused extends Error {}

interface LogoutTarget {
  readonly client?: AuthenticatedClient;
  readonly redirectUri?: string;
  /** The `sub` of a verified id_token_hint. */
  readonly hintedSubject?: unknown;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0 (end_session_endpoint), and the account page's sign-out.
 * A post_logout_redirect_uri is followed only when registered for the client (exact match), so an
 * unknown one is an error page and never a redirect. Without a valid id_token_hint the user
 * confirms first, so that another site cannot sign them out with a link.
 */
@ApiTags('oauth2')
@Controller()
export class LogoutController {
  constructor(
    private readonly sessions: LoginSessionService,
    private readonly clients: ClientsService,
    private readonly keys: SigningKeysService,
    private readonly pages: Pages,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    private readonly csrf: CsrfTokens,
    @Optional() private readonly upstream?: UpstreamSignIn,
  ) {}

  @Get(['oauth2/logout', 'logout'])
  @ApiOperation({ summary: 'End session endpoint (OpenID Connect RP-Initiated Logout 1.0)' })
  @ApiQuery({ name: 'id_token_hint', required: false })
  @ApiQuery({ name: 'post_logout_redirect_uri', required: false })
  @ApiQuery({ name: 'client_id', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiFoundResponse({ description: 'Signed out; redirect to the registered post_logout_redirect_uri with state' })
  @ApiPageResponse(
    'HTML: confirmation (no valid id_token_hint) or the signed-out page',
    '<!DOCTYPE html><html lang="en"><head><title>Signed out · Authorization Server</title>…',
  )
  @ApiErrorPageResponse('HTML error page: a tampered id_token_hint, an unknown client or an unregistered post_logout_redirect_uri (never redirected)')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.handle(req, res, false);
  }

  @Post(['oauth2/logout', 'logout'])
  @ApiExcludeEndpoint()
  async confirm(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.csrf.verify(req)) {
      sendPage(res, 403, this.pages.error('invalid_request', 'The form expired. Start again from the application.', req.id));
      return;
    }
    return this.handle(req, res, true);
  }

  private async handle(req: Request, res: Response, confirmed: boolean): Promise<void> {
    let target: LogoutTarget;
    let params: LogoutParams;
    try {
      params = this.params(req);
      target = await this.target(params);
    } catch (error) {
      if (!(error instanceof LogoutRefused)) throw error;
      sendPage(res, 400, this.pages.error('invalid_request', error.message, req.id));
      return;
    }
    const session = await this.sessions.current(readSessionCookie(req));
    // The hint proves which application asks, and for whom: without confirmation only when it names
    // the user signed in here (else anyone's ID Token in a link would sign anyone out).
    const proven = session !== null && target.hintedSubject === session.user.id;
    if (session && !proven && !confirmed) {
      sendPage(
        res,
        200,
        this.pages.logoutConfirm({
          action: requestPath(req),
          hidden: { ...params, [CSRF_FIELD]: this.csrf.issue(req, res) },
          clientName: target.client?.clientName,
        }),
      );
      return;
    }
    // A session started through an upstream provider may end there too (read before ours ends).
    const upstreamEnd = session ? await this.upstream?.endSessionUrl(readSessionCookie(req), target.redirectUri, params.state) : null;
    await this.sessions.signOut(readSessionCookie(req), session && { userId: session.user.id, clientId: target.client?.id ?? null });
    clearSessionCookie(req, res);
    if (upstreamEnd) {
      res.redirect(upstreamEnd, 302);
      return;
    }
    if (!target.redirectUri) {
      sendPage(res, 200, this.pages.signedOut());
      return;
    }
    const url = new URL(target.redirectUri);
    if (params.state !== undefined) url.searchParams.set('state', params.state);
    res.redirect(url.toString(), 302);
  }

  private params(req: Request): LogoutParams {
    const raw = rawAuthorizeInput(req);
    const params: LogoutParams = {};
    for (const name of PARAMS) {
      const value = raw[name];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value.length > 8192) throw new LogoutRefusedParam(name);
      params[name] = value;
    }
    return params;
  }

  private async target(params: LogoutParams): Promise<LogoutTarget> {
    let clientId = params.client_id;
    let hintedSubject: unknown;
    if (params.id_token_hint !== undefined) {
      const hint = await this.keys.verifyOwn(params.id_token_hint, this.issuer);
      if (!hint || typeof hint.aud !== 'string') throw new LogoutRefused('id_token_hint is not an ID Token this server issued');
      if (clientId !== undefined && clientId !== hint.aud) throw new LogoutRefused('client_id does not match the id_token_hint');
      clientId = hint.aud;
      hintedSubject = hint.sub;
    }
    const client = clientId !== undefined ? ((await this.clients.findEnabled(clientId)) ?? undefined) : undefined;
    if (clientId !== undefined && !client) throw new LogoutRefused('unknown client');
    if (params.post_logout_redirect_uri === undefined) return { client, hintedSubject };
    if (!client) throw new LogoutRefused('post_logout_redirect_uri needs id_token_hint or client_id');
    // Exact string match, as for redirect URIs (RFC 9700 §4.1.3).
    if (!client.postLogoutRedirectUris.includes(params.post_logout_redirect_uri)) {
      throw new LogoutRefused('post_logout_redirect_uri is not registered for this client');
    }
    return { client, redirectUri: params.post_logout_redirect_uri, hintedSubject };
  }
}

class LogoutRefusedParam extends LogoutRefused {
  constructor(name: string) {
    super(`${name} must be given once`);
  }
}
