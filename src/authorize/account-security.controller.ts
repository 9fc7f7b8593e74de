import { Controller, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { AccountForm, AccountPage } from './account.controller';
import { LoginService } from '../users/login.service';
import { SignInFactorsService } from '../users/factors/sign-in-factors.service';
import { CSRF_FIELD, CsrfTokens } from './csrf';
import { formString } from './form';
import { loginFailure } from './login-failure';
import { LoginSession, LoginSessionService } from './login-session.service';
import { readSessionCookie, sendPage, setSessionCookie } from './page-response';
import { SecondFactorStep } from './second-factor';
import { PASSKEY_PAGE_CSP, Pages } from './views/pages';
import { passkeyFailureMessage, PasskeySignIn } from './passkey-sign-in';
import { PASSKEY_FACTOR, PasskeysService } from '../users/factors/passkeys.service';

const PATH = '/account/security';

/**
 * A signed-in user manages their sign-in factors: adds an authenticator app, removes one, makes new
 * recovery codes (shown once). A user who has a factor gives a code first: a password alone must
 * not be enough to remove the second factor. Plain forms: no JavaScript needed.
 */
@ApiTags('account')
@Controller()
export class AccountSecurityController {
  constructor(
    private readonly sessions: LoginSessionService,
    private readonly logins: LoginService,
    private readonly factors: SignInFactorsService,
    private readonly step: SecondFactorStep,
    private readonly pages: Pages,
    private readonly csrf: CsrfTokens,
    private readonly passkeys: PasskeysService,
    private readonly passkeySignIn: PasskeySignIn,
  ) {}

  @AccountPage(
    'account/security',
    'HTML page: the signed-in user’s authenticator apps and recovery codes',
    'An HTML page (the sign-in form, then the code form, first)',
    'Sign-in security',
  )
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessions.current(readSessionCookie(req));
    if (!session) return this.login(req, res);
    return this.page(req, res, session);
  }

  @AccountForm('account/security')
  async submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.csrf.verify(req)) {
      sendPage(res, 403, this.pages.error('invalid_request', 'The form expired. Reload the page and try again.', req.id));
      return;
    }
    const action = formString(req, 'action');
    if (action === 'login') return this.signIn(req, res);
    if (action === 'passkey') {
      const result = await this.passkeySignIn.signIn(req, res);
      return result.ok ? this.page(req, res, result.session) : this.login(req, res, { error: result.error, username: '', status: result.status });
    }
    const session = await this.sessions.current(readSessionCookie(req));
    if (!session) return this.login(req, res);
    if (action === 'second_factor' && (await this.step.needsCodeForAccount(session))) {
      const result = await this.step.verify(session, formString(req, 'code') ?? '');
      if (!result.ok) return this.codePage(req, res, session, result);
      return this.page(req, res, result.session);
    }
    if (await this.step.needsCodeForAccount(session)) return this.codePage(req, res, session);
    const actor = { actorUserId: session.user.id, via: 'account' } as const;
    switch (action) {
      case 'start_totp':
        return this.enrolPage(req, res, session);
      case 'enrol_totp': {
        const sealed = formString(req, 'enrolment') ?? '';
        const result = await this.step.confirmEnrolment(session, sealed, formString(req, 'code') ?? '', formString(req, 'name') ?? '');
        if (!result.ok) return this.enrolPage(req, res, session, sealed, 'That code is not valid. Enter the code the app shows now.');
        if (result.recoveryCodes.length === 0) return this.page(req, res, result.session, 'Authenticator app added.');
        return this.recoveryCodes(req, res, result.recoveryCodes);
      }
      case 'remove': {
        const { factors } = await this.factors.list(session.user.id);
        // While a policy requires a factor of this user the last one stays (docs/sign-in-factors.md).
        if (factors.length <= 1 && (await this.step.mustKeepAFactor(session.user.id)))
          return this.page(req, res, session, 'Your last sign-in factor cannot be removed: a second factor is required.', 409);
        const kind = factors.find((f) => f.id === formString(req, 'factor_id'))?.type === PASSKEY_FACTOR ? 'Passkey' : 'Authenticator app';
        const removed = await this.factors.remove(session.user.id, formString(req, 'factor_id') ?? '', actor);
        return this.page(req, res, session, removed ? `${kind} removed.` : 'Nothing to remove.');
      }
      case 'add_passkey': {
        const added = await this.step.confirmPasskey(session, formString(req, 'name') ?? '', formString(req, 'credential') ?? '');
        if (!added.ok) return this.page(req, res, session, passkeyFailureMessage(added.reason).error, passkeyFailureMessage(added.reason).status);
        return this.page(req, res, added.session, `Passkey “${added.name}” added.`);
      }
      case 'rename_passkey': {
        const renamed = await this.passkeys.rename(session.user.id, formString(req, 'factor_id') ?? '', formString(req, 'name') ?? '', actor);
        return this.page(req, res, session, renamed ? 'Passkey renamed.' : 'Nothing to rename.', renamed ? 200 : 400);
      }
      case 'regenerate':
        if (!(await this.factors.hasSecondFactor(session.user.id))) return this.page(req, res, session);
        return this.recoveryCodes(req, res, await this.factors.regenerateRecoveryCodes(session.user.id, actor));
      default:
        return this.page(req, res, session);
    }
  }

  private async signIn(req: Request, res: Response): Promise<void> {
    const username = formString(req, 'username') ?? '';
    const password = formString(req, 'password') ?? '';
    const login = username && password ? await this.logins.attempt(username, password, 'login_page') : null;
    if (!login?.ok) return this.login(req, res, loginFailure(login, username));
    const authentication = this.sessions.passwordOnly();
    const started = await this.sessions.start(login.user.id, authentication);
    setSessionCookie(req, res, started.cookieValue, this.sessions.ttlSeconds);
    return this.page(req, res, { id: started.id, user: login.user, authTime: started.authTime, authentication });
  }

  private login(req: Request, res: Response, failure?: { error: string; username: string; status: number }): void {
    const page = this.pages.login({
      action: PATH,
      hidden: { [CSRF_FIELD]: this.csrf.issue(req, res) },
      error: failure?.error,
      username: failure?.username,
      passkey: true,
    });
    sendPage(res, failure?.status ?? 200, page, PASSKEY_PAGE_CSP);
  }

  private async codePage(req: Request, res: Response, session: LoginSession, failure?: { error: string; status: number }): Promise<void> {
    const page = this.pages.secondFactor({
      action: PATH,
      hidden: { [CSRF_FIELD]: this.csrf.issue(req, res) },
      username: session.user.username,
      error: failure?.error,
      passkey: await this.step.offersPasskey(session.user.id),
    });
    sendPage(res, failure?.status ?? 200, page, PASSKEY_PAGE_CSP);
  }

  private async enrolPage(req: Request, res: Response, session: LoginSession, sealed?: string, error?: string): Promise<void> {
    const enrolment = await this.step.enrolment(session.user, sealed);
    const hidden = { [CSRF_FIELD]: this.csrf.issue(req, res), enrolment: enrolment.sealed };
    sendPage(res, error ? 401 : 200, this.pages.enrolTotp({ action: PATH, hidden, username: session.user.username, ...enrolment, error }));
  }

  /** Shown this once: only their hashes are kept. */
  private recoveryCodes(req: Request, res: Response, codes: readonly string[]): void {
    sendPage(
      res,
      200,
      this.pages.recoveryCodes({ action: PATH, hidden: { [CSRF_FIELD]: this.csrf.issue(req, res), action: 'show' }, codes, continueLabel: 'Done' }),
    );
  }

  private async page(req: Request, res: Response, session: LoginSession, notice?: string, status = 200): Promise<void> {
    if (await this.step.needsCodeForAccount(session)) return this.codePage(req, res, session);
    const { factors, recoveryCodesRemaining } = await this.factors.list(session.user.id);
    const passkeys = await this.passkeys.list(session.user.id, factors);
    sendPage(
      res,
      status,
      this.pages.accountSecurity({
        action: PATH,
        csrfToken: this.csrf.issue(req, res),
        username: session.user.username,
        factors: factors.filter((f) => f.type !== PASSKEY_FACTOR),
        recoveryCodesRemaining,
        notice,
        passkeys,
      }),
      PASSKEY_PAGE_CSP,
    );
  }
}
