import { Injectable } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import type { IDToken } from 'openid-client';
import { AuditService } from '../audit/audit.service';
import { readCookie, setCookie } from '../authorize/cookies';
import { InteractionKit } from '../authorize/interaction-kit';
import { LoginSessionService } from '../authorize/login-session.service';
import { setSessionCookie } from '../authorize/page-response';
import { PendingAuthorization, UpstreamButton, UpstreamSignIn } from '../authorize/upstream-sign-in';
import { escapeHtml } from '../authorize/views/pages';
import { ClientSecretSealer } from '../clients/client-secret-sealer';
import { randomToken, sha256Hex, timingSafeEqualString } from '../common/crypto/tokens';
import { Authentication, UNVOUCHED_AUTHENTICATION } from '../common/oauth/authentication';
import { nowSeconds } from '../common/time';
import { FederatedAccounts, UpstreamRefused } from './federated-accounts';
import { UpstreamClients } from './upstream-clients';
import { UpstreamLoginStateEntity } from './upstream-login-state.entity';
import { UpstreamProviderEntity } from './upstream-provider.entity';
import { UpstreamProvidersService } from './upstream-providers.service';
import { UpstreamProvidersRepository } from './upstream-providers.repository';
import { UpstreamLoginStatesRepository } from './upstream-login-states.repository';

/** How long the browser has to come back from the upstream provider (seconds). */
export const UPSTREAM_STATE_TTL = 600;
/** How far behind ours the upstream's clock may be when it says when the user authenticated (seconds). */
const AUTHENTICATED_AT_SKEW = 30;
/** Names the browser that started a sign-in: the callback must come back to the same one (login CSRF, RFC 9700 §4.7). */
const BROWSER_COOKIE = 'upstream_login';
const sealContext = (stateId: string) => `upstream-state:${stateId}`;
const SIGNED_OUT_SEAL = 'upstream-signed-out';

/** Where a sign-out goes on once the provider's end session sends the browser back. */
interface SignedOutTarget {
  /** The client's post_logout_redirect_uri, registered and matched when our session ended; null: our page. */
  readonly to: string | null;
  readonly state: string | null;
  /** Epoch seconds after which the state is refused. */
  readonly exp: number;
}

/**
 * "Sign in with …": the authorization code flow with PKCE, `state` and `nonce` (OpenID Connect
 * Core §3.1) at an upstream provider, as the relying party, through openid-client. Everything the
 * callback checks is kept server-side in a single-use row, so a callback is honoured once, by any
 * instance, and only in the browser that started it.
 */
@Injectable()
export class UpstreamSignInService implements UpstreamSignIn {
  constructor(
    private readonly providers: UpstreamProvidersRepository,
    private readonly states: UpstreamLoginStatesRepository,
    private readonly admin: UpstreamProvidersService,
    private readonly clients: UpstreamClients,
    private readonly accounts: FederatedAccounts,
    private readonly sessions: LoginSessionService,
    private readonly kit: InteractionKit,
    private readonly sealer: ClientSecretSealer,
    private readonly audit: AuditService,
  ) {}

  async buttons(): Promise<readonly UpstreamButton[]> {
    const enabled = await this.providers.listEnabled();
    return enabled.map((p) => ({ id: p.id, displayName: p.displayName }));
  }

  async start(req: Request, res: Response, providerId: string, pending: PendingAuthorization): Promise<void> {
    const provider = providerId ? await this.providers.findEnabled(providerId) : null;
    if (!provider) return this.kit.sendError(req, res, 400, 'invalid_request', 'Unknown sign-in provider.');
    let config: oidc.Configuration;
    try {
      config = await this.clients.configuration(provider);
    } catch {
      return this.kit.sendError(req, res, 503, 'temporarily_unavailable', `${provider.displayName} cannot be reached. Try again later.`);
    }
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    // One value per browser, reused by a second sign-in started in another tab.
    const existing = readCookie(req, BROWSER_COOKIE);
    const browser = existing && /^[\w-]{43}$/.test(existing) ? existing : randomToken();
    const id = randomUUID();
    await this.states.insertPending(
      {
        id,
        stateHash: sha256Hex(state),
        browserHash: sha256Hex(browser),
        providerId: provider.id,
        sealedCodeVerifier: this.sealer.seal(codeVerifier, sealContext(id)),
        nonce,
        expiresAt: nowSeconds() + UPSTREAM_STATE_TTL,
      },
      pending,
    );
    setCookie(req, res, BROWSER_COOKIE, browser, { maxAge: UPSTREAM_STATE_TTL });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.admin.redirectUri,
      scope: provider.scope,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      // Core §5.5: acr and amr are voluntary claims many providers send only when asked for.
      ...(provider.trustUpstreamAmr ? { claims: JSON.stringify({ id_token: { acr: null, amr: null } }) } : {}),
      // Our client asked for a new authentication: so do we (Core §3.1.2.1), or the upstream session would
      // answer; max_age=0 makes the provider send auth_time, which the callback checks.
      ...(pending.forceAuthentication ? { prompt: 'login', max_age: '0' } : {}),
      // Core §3.1.2.1: with max_age the provider authenticates again when its session is older, and
      // must send auth_time, which the callback checks against it.
      ...(!pending.forceAuthentication && pending.maxAge !== undefined ? { max_age: String(pending.maxAge) } : {}),
    });
    res.redirect(url.href, 303);
  }

  /** The callback: every refusal is an error page (400), never a 500 and never a session. */
  async finish(req: Request, res: Response): Promise<void> {
    try {
      const { state, provider, config } = await this.spend(req);
      const tokens = await this.redeem(req, state, provider, config);
      const claims = tokens.claims()!;
      const authenticatedAt = typeof claims.auth_time === 'number' ? claims.auth_time : null;
      assertAuthenticatedSinceRequest(state, provider, authenticatedAt, 'auth_time');
      const user = await this.accounts.resolve(provider, claims);
      setCookie(req, res, BROWSER_COOKIE, '', { maxAge: 0 });
      const authentication = provider.trustUpstreamAmr ? upstreamAuthentication(claims) : UNVOUCHED_AUTHENTICATION;
      await this.signedIn(req, res, state, provider, user.id, authentication, authenticatedAt);
    } catch (error) {
      await this.refused(req, res, error);
    }
  }

  /**
   * The end of every upstream sign-in (OpenID Connect or SAML) once the user is known: a login
   * session that records how the upstream authenticated (its codes and tokens carry that on; an
   * untrusted provider's sign-in is UNVOUCHED_AUTHENTICATION) and when (`authenticatedAt`, the
   * upstream's auth_time or AuthnInstant when it sends one), remembered on the spent state row,
   * audited, then back to the authorization request.
   */
  async signedIn(
    req: Request,
    res: Response,
    state: UpstreamLoginStateEntity,
    provider: UpstreamProviderEntity,
    userId: string,
    authentication: Authentication,
    authenticatedAt: number | null,
  ): Promise<void> {
    const session = await this.sessions.start(userId, authentication, authenticatedAt);
    await this.states.attachSession(state.id, {
      sessionHash: sha256Hex(session.cookieValue),
      userId,
      authTime: session.authTime,
      amr: provider.trustUpstreamAmr && authentication.amr.length > 0 ? JSON.stringify(authentication.amr) : null,
      acr: provider.trustUpstreamAmr ? authentication.acr : null,
      expiresAt: nowSeconds() + this.sessions.ttlSeconds,
    });
    await this.audit.record({
      type: 'login.success',
      actorUserId: userId,
      subject: userId,
      clientId: state.clientId,
      detail: { channel: 'upstream', provider: provider.alias },
    });
    setSessionCookie(req, res, session.cookieValue, this.sessions.ttlSeconds);
    this.resume(req, res, state);
  }

  /** A refused upstream sign-in: audited, and an error page naming the reason (never a 500); anything else is rethrown. */
  async refused(req: Request, res: Response, error: unknown): Promise<void> {
    if (!(error instanceof UpstreamRefused)) throw error;
    await this.audit.record({ type: 'login.failure', outcome: 'failure', detail: { channel: 'upstream', reason: error.message } });
    this.kit.sendError(req, res, error.status, error.code, error.message);
  }

  async endSessionUrl(sessionCookie: string | undefined, postLogoutRedirectUri: string | undefined, state: string | undefined): Promise<string | null> {
    if (!sessionCookie || sessionCookie.length > 128) return null;
    const signIn = await this.states.findBySession(sha256Hex(sessionCookie));
    const provider = signIn && (await this.providers.findEnabled(signIn.providerId));
    if (!provider?.upstreamEndSession) return null;
    try {
      const config = await this.clients.configuration(provider);
      if (!config.serverMetadata().end_session_endpoint) return null;
      // RP-Initiated Logout 1.0 §2: client_id stands for the id_token_hint we do not keep. The
      // provider sends the browser back to us (a URI registered there for our client), never to
      // our client's: the sealed state says where our sign-out goes on from there.
      const back: SignedOutTarget = { to: postLogoutRedirectUri ?? null, state: state ?? null, exp: nowSeconds() + UPSTREAM_STATE_TTL };
      return oidc.buildEndSessionUrl(config, {
        client_id: provider.clientId,
        post_logout_redirect_uri: this.admin.postLogoutRedirectUri,
        state: this.sealer.seal(JSON.stringify(back), SIGNED_OUT_SEAL),
      }).href;
    } catch {
      // Our session ends regardless; the upstream one is left to expire.
      return null;
    }
  }

  /**
   * Back from the provider's end session (RP-Initiated Logout 1.0 §3): on to the post-logout
   * redirect URI our client gave (validated when our session ended, sealed since) with its state,
   * or our signed-out page when there is none or the state does not open.
   */
  signedOut(req: Request, res: Response): void {
    const target = this.signedOutTarget((req.query as Record<string, unknown>).state);
    if (!target?.to) return this.kit.sendPage(res, 200, 'Signed out', '<h1>You are signed out</h1>\n<p>You can close this window.</p>');
    const url = new URL(target.to);
    if (target.state !== null) url.searchParams.set('state', target.state);
    res.redirect(url.href, 302);
  }

  private signedOutTarget(state: unknown): SignedOutTarget | null {
    if (typeof state !== 'string' || state.length > 16384) return null;
    try {
      const target = JSON.parse(this.sealer.open(state, SIGNED_OUT_SEAL)) as SignedOutTarget;
      return target.exp > nowSeconds() ? target : null;
    } catch {
      return null;
    }
  }

  /** The state row of this callback, spent now (a conditional update: one winner across instances). */
  private async spend(req: Request): Promise<{ state: UpstreamLoginStateEntity; provider: UpstreamProviderEntity; config: oidc.Configuration }> {
    const query = req.query as Record<string, unknown>;
    if (typeof query.state !== 'string' || query.state === '' || query.state.length > 512) {
      throw new UpstreamRefused('invalid_request', 'The sign-in answer has no state. Start again from the application.');
    }
    const state = await this.states.findByStateHash(sha256Hex(query.state));
    if (!state || state.spentAt !== null || state.expiresAt <= nowSeconds()) {
      throw new UpstreamRefused('invalid_request', 'This sign-in is unknown, expired or already used. Start again from the application.');
    }
    const browser = readCookie(req, BROWSER_COOKIE);
    if (!browser || !timingSafeEqualString(sha256Hex(browser), state.browserHash)) {
      throw new UpstreamRefused('invalid_request', 'This sign-in was started in another browser. Start again from the application.');
    }
    if (!(await this.states.spend(state.id, nowSeconds())))
      throw new UpstreamRefused('invalid_request', 'This sign-in was already used. Start again from the application.');
    const provider = await this.providers.findEnabled(state.providerId);
    if (!provider) throw new UpstreamRefused('invalid_request', 'This sign-in provider is no longer available.');
    try {
      return { state, provider, config: await this.clients.configuration(provider) };
    } catch {
      throw new UpstreamRefused('temporarily_unavailable', `${provider.displayName} cannot be reached. Try again later.`, 503);
    }
  }

  /** Code for tokens; openid-client checks the response's state and iss, the ID Token's signature, iss, aud, exp and nonce. */
  private async redeem(req: Request, state: UpstreamLoginStateEntity, provider: UpstreamProviderEntity, config: oidc.Configuration) {
    const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const currentUrl = new URL(`${this.admin.redirectUri}${search}`);
    const upstreamError = currentUrl.searchParams.get('error');
    if (upstreamError) throw new UpstreamRefused('access_denied', `${provider.displayName} did not sign you in (${upstreamError}).`);
    try {
      return await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: this.sealer.open(state.sealedCodeVerifier, sealContext(state.id)),
        expectedState: (req.query as Record<string, string>).state,
        expectedNonce: state.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      const reason = error instanceof Error ? failureReason(error) : 'unknown';
      throw new UpstreamRefused('access_denied', `The answer of ${provider.displayName} could not be verified (${reason}).`);
    }
  }

  /** Back to our authorization request, signed in: a GET of its parameters, or (sealed ones) a form the user posts. */
  private resume(req: Request, res: Response, state: UpstreamLoginStateEntity): void {
    const fields = JSON.parse(state.resume) as Record<string, string>;
    if (!state.resumeSealed) {
      res.redirect(`/oauth2/authorize?${new URLSearchParams(withoutReauthentication(fields)).toString()}`, 303);
      return;
    }
    const hidden = Object.entries({ ...fields, action: 'continue' })
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('\n');
    this.kit.sendPage(
      res,
      200,
      'Signed in',
      `<h1>Signed in</h1>
<form method="post" action="/oauth2/authorize">
${hidden}
${this.kit.csrfField(req, res)}
<button type="submit" class="primary">Continue</button>
</form>`,
    );
  }
}

/**
 * The request's parameters once its user has just signed in for it: prompt=login and max_age=0 (its
 * equivalent) asked for that reauthentication (OpenID Connect Core §3.1.2.1), which the upstream
 * sign-in has just given; kept, they would send the user back to the login page for ever. A form
 * post of sealed parameters (`action=continue`) goes on as the signed-in user without them.
 */
export function withoutReauthentication(fields: Readonly<Record<string, string>>): Record<string, string> {
  const { prompt, max_age: maxAge, ...rest } = fields;
  const prompts = (prompt ?? '').split(' ').filter((p) => p !== '' && p !== 'login');
  return {
    ...rest,
    ...(prompts.length > 0 ? { prompt: prompts.join(' ') } : {}),
    ...(maxAge !== undefined && Number(maxAge) !== 0 ? { max_age: maxAge } : {}),
  };
}

/** When this sign-in was sent to its provider (epoch seconds). */
export function requestedAt(state: UpstreamLoginStateEntity): number {
  return state.expiresAt - UPSTREAM_STATE_TTL;
}

/**
 * A sign-in sent for a new authentication is taken only with proof of one since it was sent, and
 * one sent with max_age (above 0) only with proof of one at most that old then: the ID Token's
 * auth_time (OpenID Connect Core §3.1.2.1, required when max_age is sent) or the assertion's
 * AuthnInstant (SAML Core §2.7.2). prompt=login, max_age and ForceAuthn are requests a provider may
 * ignore, answering from its own session; the resumed request no longer needs a new authentication
 * (our session starts now), so this is the only check.
 */
export function assertAuthenticatedSinceRequest(
  state: UpstreamLoginStateEntity,
  provider: UpstreamProviderEntity,
  authenticatedAt: number | null,
  evidence: 'auth_time' | 'AuthnInstant',
): void {
  if (!state.forceAuthentication && state.maxAge === null) return;
  const earliest = requestedAt(state) - (state.forceAuthentication ? 0 : state.maxAge!) - AUTHENTICATED_AT_SKEW;
  if (authenticatedAt !== null && authenticatedAt >= earliest) return;
  const why =
    authenticatedAt === null
      ? `no ${evidence}`
      : state.forceAuthentication
        ? `${evidence} before the request`
        : `${evidence} older than the max_age it asked for`;
  throw new UpstreamRefused(
    'access_denied',
    `${provider.displayName} did not sign you in again as the application asked (${why}). Start again from the application.`,
  );
}

/** openid-client's message, and the underlying check's when it wraps one (it names the claim, e.g. nonce). */
function failureReason(error: Error): string {
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/**
 * The sign-in as a trusted upstream ID Token describes it: its amr (RFC 8176; well-formed values
 * only, as many as fit the 255 characters the sign-in record keeps) and acr (Core §2; "0" when it
 * sends none, as we cannot name a class for it).
 */
export function upstreamAuthentication(claims: IDToken): Authentication {
  const methods = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string' && /^[\x21-\x7e]{1,32}$/.test(m)) : [];
  while (JSON.stringify(methods).length > 255) methods.pop();
  const acr = typeof claims.acr === 'string' && claims.acr.length > 0 && claims.acr.length <= 255 ? claims.acr : UNVOUCHED_AUTHENTICATION.acr;
  return { amr: methods, acr };
}
