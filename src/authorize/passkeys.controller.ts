import { Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest as Request } from 'fastify';
import { ErrorResponse } from '../common/http/error-response.dto';
import { OAuthError } from '../common/oauth/oauth-error';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import { PasskeysService } from '../users/factors/passkeys.service';
import { CsrfTokens } from './csrf';
import { formString } from './form';
import { LoginSessionService } from './login-session.service';
import { readSessionCookie } from './page-response';
import { SecondFactorStep } from './second-factor';
import { PASSKEYS_SCRIPT } from './views/passkeys-script';

const OPTIONS_EXAMPLE = {
  challenge: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  timeout: 300000,
  rpId: 'login.example.com',
  allowCredentials: [],
  userVerification: 'required',
};

/**
 * The server side of the passkey pages' script: the options of a ceremony, each with a fresh
 * challenge (WebAuthn §13.4.3), and the script itself. The answers are posted with the page's form.
 */
@ApiTags('account')
@Controller()
export class PasskeysController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly sessions: LoginSessionService,
    private readonly step: SecondFactorStep,
    private readonly csrf: CsrfTokens,
  ) {}

  @Post('passkeys/options')
  @HttpCode(200)
  @RateLimit('login')
  @UseGuards(RateLimitGuard)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['csrf_token', 'ceremony'],
      properties: { csrf_token: { type: 'string' }, ceremony: { type: 'string', enum: ['login', 'second_factor', 'register'] } },
      example: { csrf_token: 'q0bJ7m3YwQ9kVZ1x8s0aD4fG6hJ2kL5nP7rT9vX1zB3', ceremony: 'login' },
    },
  })
  @ApiOperation({
    summary: 'Options for navigator.credentials.create() or get() (W3C WebAuthn Level 3), for the sign-in and account pages',
    description:
      'Form fields `csrf_token` (the page’s) and `ceremony`: `login` (a passkey without a username), `second_factor` (the signed-in user’s passkeys) or `register` (a new passkey for the signed-in user). The challenge is single-use and expires in 5 minutes.',
  })
  @ApiOkResponse({ description: 'PublicKeyCredentialRequestOptionsJSON or PublicKeyCredentialCreationOptionsJSON', schema: { example: OPTIONS_EXAMPLE } })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async options(@Req() req: Request): Promise<unknown> {
    if (!this.csrf.verify(req)) throw new OAuthError('invalid_request', 'the form expired, reload the page');
    const ceremony = formString(req, 'ceremony');
    if (ceremony === 'login') return this.passkeys.authenticationOptions(null);
    const session = await this.sessions.current(readSessionCookie(req));
    if (!session) throw new OAuthError('login_required', 'sign in first');
    if (ceremony === 'second_factor') {
      const options = await this.passkeys.authenticationOptions(session.user.id);
      if (options.allowCredentials?.length === 0) throw new OAuthError('invalid_request', 'you have no passkey');
      return options;
    }
    if (ceremony === 'register') {
      // As every change on the account page: a password alone must not add a factor once there is one.
      if (await this.step.needsCodeForAccount(session)) throw new OAuthError('invalid_request', 'confirm it is you first');
      return this.passkeys.registrationOptions(session.user);
    }
    throw new OAuthError('invalid_request', 'ceremony must be login, second_factor or register');
  }

  @Get('assets/passkeys.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @ApiExcludeEndpoint()
  script(): string {
    return PASSKEYS_SCRIPT;
  }
}
