import { Controller, Get, Optional, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { scopeTokens } from '../common/oauth/scope';
import { assertMayReceiveScope } from '../common/oauth/scope-policy';
import { nowSeconds } from '../common/time';
import { OAuthError } from '../common/oauth/oauth-error';
import { SigningKeysService } from '../keys/signing-keys.service';
import { ScopesService } from '../scopes/scopes.service';
import { ApiErrorPageResponse, ApiPageResponse } from './api-page-responses';
import { AuthorizationResponder } from './authorization-response';
import { PkcePolicyGuard } from '../pkce/pkce-policy.guard';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import { AuthorizationCodeService } from '../tokens/authorization-code.service';
import { LoginService } from '../users/login.service';
import { loginFailure } from './login-failure';
import { AUTHORIZE_PATHS, AuthorizeHttpRequest, AuthorizeRequest } from './authorize-request';
import { ConsentService } from '../consent/consent.service';
import { CSRF_FIELD, CsrfTokens } from './csrf';
import { AuthorizeClientGuard } from './guards/authorize-client.guard';
import { formString, isFormSubmission, requestPath } from './form';
import { LoginSession, LoginSessionService } from './login-session.service';
import { PendingFactor, SecondFactorStep } from './second-factor';
import { readSessionCookie, sendPage, setSessionCookie } from './page-response';
import { PushedAuthorizationRequests } from './par/pushed-authorization-requests';
import { PUSHED_REQUEST_FIELD, PushedRequestSeal } from './par/pushed-request-seal';
import { clientLogo } from './views/client-logo';
import { PASSKEY_PAGE_CSP, Pages, pageCsp } from './views/pages';
import { ClientsService } from '../clients/clients.service';
import { UpstreamSignIn } from './upstream-sign-in';
import { PasskeySignIn } from './passkey-sign-in';

/** A signed-in user, when they authenticated (OpenID Connect auth_time) and how. */
type Session = LoginSession;

function validated(req: AuthorizeHttpRequest): AuthorizeRequest {
  if (!req.authorizeRequest) throw new Error('authorize route without its guards');
  return req.authorizeRequest;
}

/**
 * The authorization endpoint (RFC 6749 §4.1.1): login page, consent page, then a redirect with
 * the code. The guards have validated the client, redirect URI, scope and PKCE before any of this.
 */
@ApiTags('oauth2')
@Controller()
@UseGuards(RateLimitGuard, AuthorizeClientGuard, PkcePolicyGuard)
export class AuthorizeController {
  constructor(
    private readonly sessions: LoginSessionService,
    private readonly consents: ConsentService,
    private readonly codes: AuthorizationCodeService,
    private readonly logins: LoginService,
    private readonly keys: SigningKeysService,
    private readonly scopes: ScopesService,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    @InjectConfig('clientIdMetadataDocuments') private readonly clientIdMetadataDocuments: AppConfig['clientIdMetadataDocuments'],
    private readonly pages: Pages,
    private readonly csrf: CsrfTokens,
    private readonly responses: AuthorizationResponder,
    private readonly seal: PushedRequestSeal,
    private readonly pushedRequests: PushedAuthorizationRequests,
    private readonly secondFactor: SecondFactorStep,
    private readonly clients: ClientsService,
    private readonly passkeys: PasskeySignIn,
    @Optional() private readonly upstream?: UpstreamSignIn,
  ) {}

  @Get(AUTHORIZE_PATHS)
  @RateLimit('authorize')
  @ApiOperation({
    summary: 'Authorization endpoint (RFC 6749 §4.1.1, RFC 7636): login and consent pages',
    description: 'The same parameters may be POSTed form-encoded (OpenID Connect Core §3.1.2.1).',
  })
  @ApiQuery({ name: 'response_type', enum: ['code'] })
  @ApiQuery({ name: 'client_id' })
  @ApiQuery({ name: 'redirect_uri', required: false })
  @ApiQuery({ name: 'scope', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'code_challenge', required: false })
  @ApiQuery({ name: 'code_challenge_method', required: false, enum: ['S256', 'plain'] })
  @ApiQuery({ name: 'prompt', required: false, enum: ['none', 'login', 'consent', 'select_account'] })
  @ApiQuery({ name: 'nonce', required: false })
  @ApiQuery({ name: 'max_age', required: false })
  @ApiQuery({ name: 'claims', required: false, description: 'OpenID Connect Core §5.5: JSON object with userinfo and id_token members' })
  @ApiQuery({ name: 'acr_values', required: false, description: 'ACR_MFA asks for a second sign-in factor; ACR_PASSWORD (default "0") for a password alone' })
  @ApiFoundResponse({ description: 'Redirect to redirect_uri with code, state and iss; or error and state (RFC 6749 §4.1.2)' })
  @ApiPageResponse('HTML login or consent page', '<!DOCTYPE html><html lang="en"><head><title>Sign in · Authorization Server</title>…')
  @ApiErrorPageResponse('HTML error page: unknown client or unregistered redirect_uri (never redirected)')
  authorize(@Req() req: AuthorizeHttpRequest, @Res() res: Response): Promise<void> {
    return this.answeringErrors(req, () => this.start(req, res));
  }

  private async start(req: AuthorizeHttpRequest, res: Response): Promise<void> {
    const request = validated(req);
    const session = await this.usableSession(req, request);
    if (!session) {
      if (request.noPrompt) throw new OAuthError('login_required', 'the user is not signed in');
      return this.showLogin(req, res, request);
    }
    return this.continueAsUser(req, res, request, session);
  }

  /**
   * The browser's session, unless the request asks for a new authentication (OpenID Connect Core
   * §3.1.2.1): prompt=login, a sign-in older than max_age, or an id_token_hint naming another user.
   */
  private async usableSession(req: AuthorizeHttpRequest, request: AuthorizeRequest): Promise<Session | null> {
    let hintedSubject: unknown;
    if (request.idTokenHint !== undefined) {
      const hint = await this.keys.verifyOwn(request.idTokenHint, this.issuer);
      if (!hint || hint.aud !== request.client.id)
        throw new OAuthError('invalid_request', 'id_token_hint is not an ID Token this server issued to this client');
      hintedSubject = hint.sub;
    }
    const session = await this.sessions.current(readSessionCookie(req));
    if (!session || request.forceLogin) return null;
    if (request.maxAge !== undefined && nowSeconds() - session.authTime > request.maxAge) return null;
    if (hintedSubject !== undefined && hintedSubject !== session.user.id) return null;
    return session;
  }

  /**
   * An authorization request sent by POST (OpenID Connect Core §3.1.2.1), answered as a GET is,
   * or one of our sign-in and consent forms posted back (told apart by isFormSubmission, which
   * also picks the rate limit: password attempts count against the login limit).
   */
  @Post(AUTHORIZE_PATHS)
  @RateLimit((req) => (isFormSubmission(req, CSRF_FIELD) ? 'login' : 'authorize'))
  @ApiExcludeEndpoint()
  submit(@Req() req: AuthorizeHttpRequest, @Res() res: Response): Promise<void> {
    if (!isFormSubmission(req, CSRF_FIELD)) return this.authorize(req, res);
    return this.answeringErrors(req, () => this.submitForm(req, res));
  }

  private async submitForm(req: AuthorizeHttpRequest, res: Response): Promise<void> {
    const request = validated(req);
    if (!this.csrf.verify(req)) {
      sendPage(res, 403, this.pages.error('invalid_request', 'The form expired. Start again from the application.', req.id));
      return;
    }
    const action = formString(req, 'action');
    if (action === 'login') return this.login(req, res, request);
    if (action === 'passkey') return this.passkeyLogin(req, res, request);
    if (action === 'upstream' && this.upstream) return this.startUpstream(req, res, request);

    const session = await this.sessions.current(readSessionCookie(req));
    if (!session) return this.showLogin(req, res, request);
    const pending = await this.secondFactor.pending(request, session);
    if (pending === 'verify' && action === 'second_factor') return this.verifySecondFactor(req, res, request, session);
    if (pending === 'enrol' && action === 'enrol_totp') return this.enrol(req, res, request, session);
    // Nothing is approved for a session that still lacks the factor this request needs.
    if (pending) return this.showSecondFactor(req, res, request, session, pending);
    if (action === 'approve') {
      assertMayReceiveScope(session.user, request.scope);
      const code = await this.answering(req, request, () => this.consents.approve(request, session.user.id, session.authTime, session.authentication));
      return this.redirect(res, request, { code });
    }
    if (action === 'deny') {
      await this.answering(req, request, async () => undefined);
      return this.redirect(res, request, { error: 'access_denied', error_description: 'the resource owner denied the request' });
    }
    return this.continueAsUser(req, res, request, session);
  }

  private async login(req: AuthorizeHttpRequest, res: Response, request: AuthorizeRequest): Promise<void> {
    const username = formString(req, 'username') ?? '';
    const password = formString(req, 'password') ?? '';
    const login = username && password ? await this.logins.attempt(username, password, 'login_page', request.client.id) : null;
    if (!login?.ok) return this.showLogin(req, res, request, loginFailure(login, username));
    const user = login.user;
    // auth_time is the session's stored start, the value every later request of it reads too.
    const authentication = this.sessions.passwordOnly();
    const started = await this.sessions.start(user.id, authentication);
    setSessionCookie(req, res, started.cookieValue, this.sessions.ttlSeconds);
    return this.continueAsUser(req, res, request, { id: started.id, user, authTime: started.authTime, authentication });
  }

  /** "Use a passkey": a discoverable credential's assertion, no username; with user verification it is multi-factor. */
  private async passkeyLogin(req: AuthorizeHttpRequest, res: Response, request: AuthorizeRequest): Promise<void> {
    const result = await this.passkeys.signIn(req, res, request.client.id);
    if (!result.ok) return this.showLogin(req, res, request, { error: result.error, username: '', status: result.status });
    return this.continueAsUser(req, res, request, result.session);
  }

  /** A code for a session that needs a second factor: stepped up, it goes on to consent. */
  private async verifySecondFactor(req: AuthorizeHttpRequest, res: Response, request: AuthorizeRequest, session: Session): Promise<void> {
    const result = await this.secondFactor.verify(session, formString(req, 'code') ?? '', request.client.id);
    if (!result.ok) return this.showSecondFactor(req, res, request, session, 'verify', result);
    return this.continueAsUser(req, res, request, result.session);
  }

  /** A user who must have a second factor and has none confirms a new authenticator app, then sees their recovery codes once. */
  private async enrol(req: AuthorizeHttpRequest, res: Response, request: AuthorizeRequest, session: Session): Promise<void> {
    const sealed = formString(req, 'enrolment') ?? '';
    const result = await this.secondFactor.confirmEnrolment(session, sealed, formString(req, 'code') ?? '', formString(req, 'name') ?? '');
    if (!result.ok)
      return this.showSecondFactor(
        req,
        res,
        request,
        session,
        'enrol',
        { error: 'That code is not valid. Enter the code the app shows now.', status: 401 },
        sealed,
      );
    sendPage(
      res,
      200,
      this.pages.recoveryCodes({
        action: requestPath(req),
        hidden: this.hiddenFields(req, res, request),
        codes: result.recoveryCodes,
        continueLabel: 'Continue',
      }),
    );
  }

  /**
   * The code page, or the enrolment page for a user without a factor (OpenID Connect Core
   * §3.1.2.6: with prompt=none, interaction_required: the user must be there for it).
   */
  private async showSecondFactor(
    req: Request,
    res: Response,
    request: AuthorizeRequest,
    session: Session,
    pending: PendingFactor,
    failure?: { readonly error: string; readonly status: number },
    sealed?: string,
  ): Promise<void> {
    if (request.noPrompt) throw new OAuthError('interaction_required', 'the sign-in needs a second factor');
    const form = {
      action: requestPath(req),
      hidden: this.hiddenFields(req, res, request),
      clientName: request.client.clientName,
      username: session.user.username,
    };
    if (pending === 'verify') {
      const passkey = await this.secondFactor.offersPasskey(session.user.id);
      return sendPage(res, failure?.status ?? 200, this.pages.secondFactor({ ...form, error: failure?.error, passkey }), PASSKEY_PAGE_CSP);
    }
    const enrolment = await this.secondFactor.enrolment(session.user, sealed);
    sendPage(
      res,
      failure?.status ?? 200,
      this.pages.enrolTotp({ ...form, hidden: { ...form.hidden, enrolment: enrolment.sealed }, ...enrolment, error: failure?.error, required: true }),
    );
  }

  /** "Sign in with …": to the upstream provider, which comes back to its callback and then here. */
  private async startUpstream(req: AuthorizeHttpRequest, res: Response, request: AuthorizeRequest): Promise<void> {
    const { [CSRF_FIELD]: _csrf, ...fields } = this.hiddenFields(req, res, request);
    const defined = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
    await this.upstream!.start(req, res, formString(req, 'provider') ?? '', {
      clientId: request.client.id,
      fields: defined,
      sealed: request.pushed || request.signed,
      forceAuthentication: request.forceLogin || request.maxAge === 0,
      ...(request.maxAge !== undefined && request.maxAge > 0 ? { maxAge: request.maxAge } : {}),
    });
  }

  /** Consent page unless a stored consent covers the scopes and the client did not ask for prompt=consent. */
  private async continueAsUser(req: Request, res: Response, request: AuthorizeRequest, session: Session): Promise<void> {
    const { user } = session;
    const pending = await this.secondFactor.pending(request, session);
    if (pending) return this.showSecondFactor(req, res, request, session, pending);
    assertMayReceiveScope(user, request.scope);
    if (!request.forceConsent && (await this.consents.covers(user.id, request.client.id, request.consentScope))) {
      return this.redirectWithCode(req, res, request, session);
    }
    if (request.noPrompt) throw new OAuthError('consent_required', 'the user has not approved this application for these scopes');
    // Only the logo's own origin joins the CSP, for this answer alone; http only in development.
    const logo = clientLogo(await this.clients.logoUri(request.client.id), this.clientIdMetadataDocuments.allowPrivateAddresses);
    sendPage(
      res,
      200,
      this.pages.consent({
        action: requestPath(req),
        hidden: this.hiddenFields(req, res, request),
        clientName: request.client.clientName,
        ...(request.client.registration === 'metadata_document' ? { clientHost: new URL(request.client.id).host } : {}),
        ...(logo ? { logoSrc: logo.src } : {}),
        username: user.username,
        scopes: await this.scopes.describe(scopeTokens(request.consentScope)),
      }),
      pageCsp(logo?.origin),
    );
  }

  private async showLogin(
    req: Request,
    res: Response,
    request: AuthorizeRequest,
    failure?: { error: string; username: string; status: number },
  ): Promise<void> {
    const upstream = (await this.upstream?.buttons()) ?? [];
    sendPage(
      res,
      failure?.status ?? 200,
      this.pages.login({
        action: requestPath(req),
        hidden: this.hiddenFields(req, res, request),
        clientName: request.client.clientName,
        error: failure?.error,
        username: failure?.username ?? request.loginHint,
        upstream,
        passkey: true,
      }),
      PASSKEY_PAGE_CSP,
    );
  }

  /** What the sign-in and consent forms post back: the request (sealed when it was pushed or signed) and the CSRF token. */
  private hiddenFields(req: Request, res: Response, request: AuthorizeRequest): Record<string, string | undefined> {
    const hidden: Record<string, string | undefined> = { ...request.params, [CSRF_FIELD]: this.csrf.issue(req, res) };
    if (request.pushed || request.signed) hidden[PUSHED_REQUEST_FIELD] = this.seal.seal(request.client.id, request, request.params);
    return hidden;
  }

  private async redirectWithCode(req: Request, res: Response, request: AuthorizeRequest, session: Session): Promise<void> {
    const code = await this.answering(req, request, () => this.codes.issue(request, session.user.id, session.authTime, session.authentication));
    this.redirect(res, request, { code });
  }

  /**
   * Produces the authorization response of `request` with `respond`, spending its pushed request in
   * the same unit of work (PushedAuthorizationRequests.answer). One answered already (another tab,
   * another instance): invalid_request_uri on an error page, never a second answer to the client.
   */
  private async answering<T>(req: AuthorizeHttpRequest, request: AuthorizeRequest, respond: () => Promise<T>): Promise<T> {
    try {
      return await this.pushedRequests.answer(request.pushedRequestId, respond);
    } catch (error) {
      if (error instanceof OAuthError && error.code === 'invalid_request_uri') req.authorizeTarget = undefined;
      throw error;
    }
  }

  /**
   * An error redirected to the client (login_required, access_denied, …) answers a pushed request
   * as a code does, so it spends it (FAPI 2.0: one authorization response per request). Server
   * errors and 503s are pages and no answer: they leave it unspent.
   */
  private async answeringErrors(req: AuthorizeHttpRequest, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const request = req.authorizeRequest;
      if (error instanceof OAuthError && error.status < 500 && error.code !== 'invalid_request_uri' && req.authorizeTarget && request?.pushedRequestId)
        await this.answering(req, request, async () => undefined);
      throw error;
    }
  }

  /** To the validated redirect URI in the requested response mode, with `state` and `iss`. */
  private redirect(res: Response, request: AuthorizeRequest, params: Record<string, string>): void {
    this.responses.send(res, request, params);
  }
}
