import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { ApiPageResponse, escapeHtml, InteractionKit, RateLimit, RateLimitGuard, type SignedIn } from '../authorize/public-api';
import { DeviceAuthorizationService, VERIFICATION_PATH } from './device-authorization.service';
import { formatUserCode, normalizeUserCode } from './user-code';

/** The brute-force counters' name for user codes (per code, and wrong codes per IP). */
const USER_CODE_GUESSES = 'device_user_code';

/** Every wrong answer reads the same: unknown, mistyped, expired, used or decided (RFC 8628 §5.1). */
const INVALID_CODE = 'That code is not valid. Check the code shown on your device and try again.';

/**
 * RFC 8628 §3.3: the verification page. The user signs in (the sign-in page of the server), types
 * the code their device shows (or arrives with it in verification_uri_complete), sees the
 * application and the scopes, and approves or denies. A sign-in that needs a second factor gives it
 * (or enrols one) on this page first.
 */
@ApiTags('oauth2')
@Controller()
@UseGuards(RateLimitGuard)
export class DeviceVerificationController {
  constructor(
    private readonly kit: InteractionKit,
    private readonly devices: DeviceAuthorizationService,
  ) {}

  @Get(VERIFICATION_PATH)
  @RateLimit('authorize')
  @ApiOperation({ summary: 'Device verification page (RFC 8628 §3.3): sign in, enter the user code, approve or deny' })
  @ApiQuery({ name: 'user_code', required: false, description: 'verification_uri_complete: the code filled in, to confirm' })
  @ApiPageResponse('HTML sign-in, code entry or consent page', '<!DOCTYPE html><html lang="en"><head><title>Connect a device · Authorization Server</title>…')
  show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const query = req.query as Record<string, unknown>;
    return this.handle(req, res, typeof query.user_code === 'string' ? query.user_code : undefined);
  }

  /** The page's forms posted back: sign-in (may carry a password), code entry, approve or deny. */
  @Post(VERIFICATION_PATH)
  @RateLimit('login')
  @ApiExcludeEndpoint()
  submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown> | undefined;
    return this.handle(req, res, typeof body?.user_code === 'string' ? body.user_code : undefined);
  }

  private async handle(req: Request, res: Response, typed: string | undefined): Promise<void> {
    const signedIn = await this.kit.requireUser(req, res, { user_code: typed });
    if (!signedIn) return;
    if (!typed) return this.sendEntry(req, res, 200);

    const userCode = normalizeUserCode(typed);
    const locked = await this.kit.countGuess(req, USER_CODE_GUESSES, userCode ?? typed);
    if (locked > 0) {
      res.header('Retry-After', String(locked));
      return this.kit.sendError(req, res, 429, 'too_many_requests', 'Too many attempts. Wait a few minutes, then try again.');
    }
    const pending = userCode ? await this.devices.pending(userCode) : null;
    if (!pending) {
      await this.kit.wrongGuess(req, USER_CODE_GUESSES);
      return this.sendEntry(req, res, 400, INVALID_CODE);
    }

    // The device cannot ask for a second factor, so this page does (RFC 8628 §3.3 leaves the
    // sign-in to the server): a user who needs one gives a code, or enrols an app, here; the
    // device keeps polling authorization_pending meanwhile. Never approved on a password alone.
    const factor = await this.kit.pendingFactor(signedIn, pending.clientId);
    let user = signedIn;
    if (factor) {
      const carry = { user_code: formatUserCode(userCode!) };
      const steppedUp = await this.kit.stepUp(req, res, signedIn, factor, { clientId: pending.clientId, clientName: pending.clientName, carry });
      if (!steppedUp) return;
      // The post that gave the code shows the consent page; it does not decide for the user.
      user = { ...steppedUp, justSignedIn: true };
    }

    // A post that signed the user in shows the consent page; it does not decide for them.
    const body = req.body as Record<string, unknown> | undefined;
    const action = req.method === 'POST' && !user.justSignedIn ? body?.action : undefined;
    if (action === 'approve' || action === 'deny') return this.decide(req, res, pending.id, action, user);
    await this.kit.sendConsent(req, res, {
      clientName: pending.clientName,
      user: user.user,
      scope: pending.scope,
      userCode: formatUserCode(userCode!),
      hidden: { user_code: formatUserCode(userCode!) },
    });
  }

  private async decide(req: Request, res: Response, id: string, action: 'approve' | 'deny', signedIn: SignedIn): Promise<void> {
    const decided = await this.devices.decide(id, action === 'approve' ? 'approved' : 'denied', {
      userId: signedIn.user.id,
      authTime: signedIn.authTime,
      authentication: signedIn.authentication,
    });
    if (!decided) return this.sendEntry(req, res, 400, INVALID_CODE);
    if (action === 'deny') {
      return this.kit.sendPage(res, 200, 'Access denied', '<h1>Access denied</h1>\n<p>The device was not given access. You can close this window.</p>');
    }
    this.kit.sendPage(res, 200, 'Device connected', '<h1>Device connected</h1>\n<p>You can close this window and return to your device.</p>');
  }

  private sendEntry(req: Request, res: Response, status: number, error?: string): void {
    const alert = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : '';
    this.kit.sendPage(
      res,
      status,
      'Connect a device',
      `<h1>Connect a device</h1>
<p>Enter the code shown on your device.</p>
${alert}<form method="post" action="/${VERIFICATION_PATH}">
${this.kit.csrfField(req, res)}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" spellcheck="false" required placeholder="XXXX-XXXX">
<button type="submit" class="primary">Continue</button>
</form>`,
    );
  }
}
