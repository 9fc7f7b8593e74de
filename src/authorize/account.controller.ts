import { applyDecorators, Controller, Get, Post, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { ClientsService } from '../clients/clients.service';
import { scopeTokens } from '../common/oauth/scope';
import { LoginService } from '../users/login.service';
import { UserProfile } from '../users/users.service';
import { ClaimValue, releaseClaims, supportedUserClaims } from '../oidc/standard-claims';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import { loginFailure } from './login-failure';
import { ConsentService } from '../consent/consent.service';
import { CsrfTokens } from './csrf';
import { formString } from './form';
import { LoginSessionService } from './login-session.service';
import { readSessionCookie, sendPage, setSessionCookie } from './page-response';
import { Pages } from './views/pages';

const PATH = '/account/consents';

/** How many of the user's latest sign-ins the account page lists. */
const RECENT_SIGN_INS = 10;

/**
 * A page of the account area: GET of an HTML page (the sign-in form first when nobody is signed in),
 * documented with the start of the page whose title is `title`.
 */
export function AccountPage(path: string, summary: string, description: string, title: string): MethodDecorator {
  return applyDecorators(
    Get(path),
    ApiOperation({ summary }),
    ApiOkResponse({
      description,
      content: { 'text/html': { example: `<!DOCTYPE html><html lang="en"><head><title>${title} · Authorization Server</title>…` } },
    }),
  );
}

/** The forms of an account page post back to it: limited as sign-ins are (they take a password), and no API. */
export function AccountForm(path: string): MethodDecorator {
  return applyDecorators(Post(path), RateLimit('login'), UseGuards(RateLimitGuard), ApiExcludeEndpoint());
}

/** A signed-in user sees the applications they approved and withdraws access. */
@ApiTags('account')
@Controller()
export class AccountController {
  constructor(
    private readonly sessions: LoginSessionService,
    private readonly logins: LoginService,
    private readonly consents: ConsentService,
    private readonly clients: ClientsService,
    private readonly pages: Pages,
    private readonly csrf: CsrfTokens,
    private readonly audit: AuditService,
  ) {}

  /** A person who types the server's address lands somewhere useful rather than on a JSON 404. */
  @Get()
  @Redirect(PATH, 302)
  @ApiOperation({ summary: 'Redirects to the account page' })
  @ApiFoundResponse({ description: `Location: ${PATH}` })
  home(): void {}

  /** A short address for people (the account page links and the docs say /account); not an API. */
  @Get('account')
  @Redirect(PATH, 302)
  @ApiExcludeEndpoint()
  account(): void {}

  @AccountPage(
    'account/consents',
    'HTML page: the signed-in user’s approved applications, with Revoke buttons, and their recent sign-ins',
    'An HTML page (login form when not signed in)',
    'Sign in',
  )
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.sessions.currentUser(readSessionCookie(req));
    if (!user) return this.login(req, res);
    return this.list(req, res, user);
  }

  @AccountForm('account/consents')
  async submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.csrf.verify(req)) {
      sendPage(res, 403, this.pages.error('invalid_request', 'The form expired. Reload the page and try again.', req.id));
      return;
    }
    if (formString(req, 'action') === 'login') {
      const username = formString(req, 'username') ?? '';
      const password = formString(req, 'password') ?? '';
      const login = username && password ? await this.logins.attempt(username, password, 'login_page') : null;
      if (!login?.ok) return this.login(req, res, loginFailure(login, username));
      setSessionCookie(req, res, (await this.sessions.start(login.user.id)).cookieValue, this.sessions.ttlSeconds);
      return this.list(req, res, login.user);
    }
    const user = await this.sessions.currentUser(readSessionCookie(req));
    if (!user) return this.login(req, res);
    const consentId = formString(req, 'consent_id');
    const consent = formString(req, 'action') === 'revoke' && consentId ? await this.consents.findForUser(user.id, consentId) : null;
    if (!consent) return this.list(req, res, user, 'Nothing to revoke.');
    await this.consents.revoke(consent);
    return this.list(req, res, user, 'Access revoked.');
  }

  private login(req: Request, res: Response, failure?: { error: string; username: string; status: number }): void {
    sendPage(
      res,
      failure?.status ?? 200,
      this.pages.login({ action: PATH, hidden: { csrf_token: this.csrf.issue(req, res) }, error: failure?.error, username: failure?.username }),
    );
  }

  private async list(req: Request, res: Response, user: UserProfile, notice?: string): Promise<void> {
    const [consents, signIns] = await Promise.all([this.consents.listForUser(user.id), this.audit.recentSignIns(user.id, RECENT_SIGN_INS)]);
    const items = await Promise.all(
      consents.map(async (c) => ({
        id: c.id,
        clientName: (await this.clients.get(c.clientId))?.clientName ?? c.clientId,
        scopes: scopeTokens(c.scope),
      })),
    );
    sendPage(
      res,
      200,
      this.pages.accountConsents({
        action: PATH,
        csrfToken: this.csrf.issue(req, res),
        username: user.username,
        consents: items,
        profile: profileLines(user),
        signIns,
        notice,
      }),
    );
  }
}

/** The user's standard claims with a value, as text for the account page (sub and updated_at are no news to the user). */
function profileLines(user: UserProfile): [string, string][] {
  const { sub: _sub, updated_at: _updatedAt, ...claims } = releaseClaims(user, supportedUserClaims());
  return Object.entries(claims).map(([claim, value]) => [claim, claimText(value)]);
}

function claimText(value: ClaimValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'object') return String(value);
  return value.formatted ?? [value.street_address, value.locality, value.region, value.postal_code, value.country].filter(Boolean).join(', ');
}
