import { Injectable } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { ClientsService } from '../clients/clients.service';
import type { Authentication } from '../common/oauth/authentication';
import { PendingFactor, SignInFactorsService } from '../users/factors/sign-in-factors.service';
import { LoginService } from '../users/login.service';
import type { UserProfile } from '../users/users.service';
import { scopeTokens } from '../common/oauth/scope';
import { ScopesService } from '../scopes/scopes.service';
import { ThrottleService } from '../security/throttle.service';
import { CSRF_FIELD, CsrfTokens } from './csrf';
import { SecondFactorStep } from './second-factor';
import { formString, requestPath } from './form';
import { loginFailure } from './login-failure';
import { LoginSessionService } from './login-session.service';
import { readSessionCookie, sendPage, setSessionCookie } from './page-response';
import { escapeHtml, PASSKEY_PAGE_CSP, Pages } from './views/pages';

/** The user of a page, and whether this very request signed them in (then show the page, do not act). */
export interface SignedIn {
  /** The login session (stepped up in place when the user gives a second factor). */
  readonly sessionId: string;
  readonly user: UserProfile;
  readonly justSignedIn: boolean;
  /** When the user authenticated (OpenID Connect auth_time), epoch seconds. */
  readonly authTime: number;
  /** How: RFC 8176 methods and the acr of the session. */
  readonly authentication: Authentication;
}

/** What a consent page shows: who asks, for what, and the fields its Approve and Deny buttons post. */
export interface ConsentRequest {
  readonly clientName: string;
  readonly user: UserProfile;
  readonly scope: string;
  /** A code the user compares with what their device shows (RFC 8628 §5.4: the user must know which device they approve). */
  readonly userCode?: string;
  /** Posted back with `action` approve or deny (the CSRF token is added). */
  readonly hidden: Record<string, string>;
}

/**
 * What an endpoint for a signed-in user needs, made of the authorization endpoint's own parts (as
 * the account page uses them): the browser's login session and the sign-in form, CSRF tokens bound
 * to that session, and the page shell (brand, styles, CSP, no framing, no caching). Put the route
 * behind RateLimitGuard with @RateLimit('login'): its posts may carry passwords.
 */
@Injectable()
export class InteractionKit {
  constructor(
    private readonly sessions: LoginSessionService,
    private readonly logins: LoginService,
    private readonly csrf: CsrfTokens,
    private readonly pages: Pages,
    private readonly scopes: ScopesService,
    private readonly throttle: ThrottleService,
    private readonly clients: ClientsService,
    private readonly factors: SignInFactorsService,
    private readonly secondFactor: SecondFactorStep,
  ) {}

  /**
   * What the signed-in user must still give before acting for `clientId` (the application's
   * policy, as at the authorization endpoint): a code ('verify'), an enrolment ('enrol'), or
   * nothing (null). Never go on with a password alone while this is not null.
   */
  async pendingFactor(signedIn: SignedIn, clientId: string): Promise<PendingFactor | null> {
    const client = await this.clients.findEnabled(clientId);
    return this.factors.pendingFactor({ userId: signedIn.user.id, client, authentication: signedIn.authentication });
  }

  /**
   * Asks the signed-in user, on this page, for what pendingFactor said is missing: a code from
   * their authenticator app or a recovery code ('verify'), or enrolling an app first ('enrol',
   * then their recovery codes once). The forms post back to this path with `carry`. Returns the
   * session stepped up in place (go on, e.g. to consent) or null once a page was sent.
   */
  async stepUp(
    req: Request,
    res: Response,
    signedIn: SignedIn,
    pending: PendingFactor,
    ask: { readonly clientId: string; readonly clientName: string; readonly carry: Record<string, string | undefined> },
  ): Promise<SignedIn | null> {
    const session = { id: signedIn.sessionId, user: signedIn.user, authTime: signedIn.authTime, authentication: signedIn.authentication };
    const action = req.method === 'POST' && !signedIn.justSignedIn ? formString(req, 'action') : undefined;
    const form = { action: requestPath(req), hidden: { ...ask.carry, [CSRF_FIELD]: this.csrf.issue(req, res) }, clientName: ask.clientName };
    const enrolPage = async (status: number, sealed?: string, error?: string) => {
      const enrolment = await this.secondFactor.enrolment(signedIn.user, sealed);
      const hidden = { ...form.hidden, enrolment: enrolment.sealed };
      sendPage(res, status, this.pages.enrolTotp({ ...form, hidden, username: signedIn.user.username, ...enrolment, error, required: true }));
    };
    // The code page offers the user's passkey too (its form posts the assertion as `code`), with
    // the CSP that lets its script fetch the options: a passkey may be the user's only factor.
    const codePage = async (status: number, error?: string) => {
      const passkey = await this.secondFactor.offersPasskey(signedIn.user.id);
      sendPage(res, status, this.pages.secondFactor({ ...form, username: signedIn.user.username, error, passkey }), PASSKEY_PAGE_CSP);
    };
    if (pending === 'verify' && action === 'second_factor') {
      const result = await this.secondFactor.verify(session, formString(req, 'code') ?? '', ask.clientId);
      if (result.ok) return { ...signedIn, authTime: result.session.authTime, authentication: result.session.authentication };
      await codePage(result.status, result.error);
      return null;
    }
    if (pending === 'enrol' && action === 'enrol_totp') {
      const sealed = formString(req, 'enrolment') ?? '';
      const result = await this.secondFactor.confirmEnrolment(session, sealed, formString(req, 'code') ?? '', formString(req, 'name') ?? '');
      if (!result.ok) await enrolPage(401, sealed, 'That code is not valid. Enter the code the app shows now.');
      // Shown this once; its Continue posts `carry` back, from a session that has now stepped up.
      else sendPage(res, 200, this.pages.recoveryCodes({ ...form, codes: result.recoveryCodes, continueLabel: 'Continue' }));
      return null;
    }
    if (pending === 'verify') await codePage(200);
    else await enrolPage(200);
    return null;
  }

  /** The user signed in on this browser (enabled, session unexpired), or null; answers nothing. */
  currentUser(req: Request): Promise<UserProfile | null> {
    return this.sessions.currentUser(readSessionCookie(req));
  }

  /**
   * The signed-in user, or null once an answer was sent: the sign-in page (posting back to this
   * path) when there is no session or the sign-in failed, 403 when a post lacks this browser's
   * CSRF token. A sign-in posted here starts the session. `carry` are fields the sign-in form posts
   * back with the credentials (what the page was asked for, e.g. a user code).
   */
  async requireUser(req: Request, res: Response, carry: Record<string, string | undefined> = {}): Promise<SignedIn | null> {
    if (req.method === 'POST') {
      if (!this.csrf.verify(req)) {
        this.sendError(req, res, 403, 'invalid_request', 'The form expired. Reload the page and try again.');
        return null;
      }
      if (formString(req, 'action') === 'login') {
        const username = formString(req, 'username') ?? '';
        const password = formString(req, 'password') ?? '';
        const login = username && password ? await this.logins.attempt(username, password, 'login_page') : null;
        if (!login?.ok) {
          const failure = loginFailure(login, username);
          this.sendSignIn(req, res, failure.status, carry, failure);
          return null;
        }
        const session = await this.sessions.start(login.user.id);
        setSessionCookie(req, res, session.cookieValue, this.sessions.ttlSeconds);
        return { sessionId: session.id, user: login.user, justSignedIn: true, authTime: session.authTime, authentication: this.sessions.passwordOnly() };
      }
    }
    const session = await this.sessions.current(readSessionCookie(req));
    if (!session) {
      this.sendSignIn(req, res, 200, carry);
      return null;
    }
    return { sessionId: session.id, user: session.user, justSignedIn: false, authTime: session.authTime, authentication: session.authentication };
  }

  /**
   * The consent page of the authorization endpoint (the application, the user, the scopes as the
   * catalogue describes them, Approve and Deny), posting back to this path with `action`.
   */
  async sendConsent(req: Request, res: Response, consent: ConsentRequest): Promise<void> {
    const page = this.pages.consent({
      action: requestPath(req),
      hidden: { ...consent.hidden, [CSRF_FIELD]: this.csrf.issue(req, res) },
      clientName: consent.clientName,
      username: consent.user.username,
      userCode: consent.userCode,
      scopes: await this.scopes.describe(scopeTokens(consent.scope)),
    });
    sendPage(res, 200, page);
  }

  /**
   * Brute-force limit of a value a user types (a device's user code), with the counters of the
   * login lockout (LOGIN_MAX_FAILURES in LOGIN_LOCKOUT_SECONDS): counts this attempt at `value`,
   * and answers the seconds to wait when that value was tried too often or this IP address made
   * too many wrong guesses (wrongGuess); 0 lets the attempt go on. `kind` names the kind of value.
   */
  async countGuess(req: Request, kind: string, value: string): Promise<number> {
    const [byValue, byIp] = await Promise.all([this.throttle.countAttempt(kind, value), this.throttle.attemptLock(`${kind}:ip`, clientIp(req))]);
    return Math.max(byValue, byIp);
  }

  /** Counts a wrong guess (countGuess) against this request's IP address. */
  async wrongGuess(req: Request, kind: string): Promise<void> {
    await this.throttle.countAttempt(`${kind}:ip`, clientIp(req));
  }

  /** A hidden field with this browser's CSRF token, for every form of the page that posts. */
  csrfField(req: Request, res: Response): string {
    return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(this.csrf.issue(req, res))}">`;
  }

  /** Whether a posted form carries this browser's CSRF token (requireUser checks it already). */
  verifyCsrf(req: Request): boolean {
    return this.csrf.verify(req);
  }

  /** A page in the server's shell. `bodyHtml` is written as given: escape every value in it (escapeHtml). */
  sendPage(res: Response, status: number, title: string, bodyHtml: string): void {
    sendPage(res, status, this.pages.page(title, bodyHtml));
  }

  /** The error page, with the request id a user can quote to support. */
  sendError(req: Request, res: Response, status: number, code: string, description?: string): void {
    sendPage(res, status, this.pages.error(code, description, req.id));
  }

  private sendSignIn(
    req: Request,
    res: Response,
    status: number,
    carry: Record<string, string | undefined>,
    failure?: { error: string; username: string },
  ): void {
    const page = this.pages.login({
      action: requestPath(req),
      hidden: { ...carry, [CSRF_FIELD]: this.csrf.issue(req, res) },
      error: failure?.error,
      username: failure?.username,
    });
    sendPage(res, status, page);
  }
}

const clientIp = (req: Request): string => req.ip ?? 'unknown';
