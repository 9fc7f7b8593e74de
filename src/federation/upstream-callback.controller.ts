import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiSeeOtherResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import { UpstreamSignInService } from './upstream-sign-in.service';

/** Where upstream identity providers send the browser back (their redirect_uri for us). */
@ApiTags('oauth2')
@Controller()
@UseGuards(RateLimitGuard)
export class UpstreamCallbackController {
  constructor(private readonly signIn: UpstreamSignInService) {}

  @Get('oauth2/upstream/callback')
  @RateLimit('login')
  @ApiOperation({ summary: 'Redirection endpoint for upstream OpenID Connect providers (code, state)' })
  @ApiSeeOtherResponse({ description: 'Signed in: back to the authorization request' })
  @ApiOkResponse({
    description: 'Signed in, for a pushed or signed request: a page whose Continue form posts its sealed parameters back',
    content: { 'text/html': { example: '<form method="post" action="/oauth2/authorize">…</form>' } },
  })
  @ApiBadRequestResponse({
    description: 'HTML error page: unknown, expired, replayed or foreign state; an answer that does not verify',
    content: { 'text/html': {} },
  })
  callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.signIn.finish(req, res);
  }

  @Get('oauth2/upstream/signed-out')
  @RateLimit('authorize')
  @ApiOperation({ summary: "Post-logout redirect URI for upstream providers' end session (RP-Initiated Logout 1.0 §3)" })
  @ApiFoundResponse({ description: "On to the application's registered post_logout_redirect_uri, with its state" })
  @ApiOkResponse({
    description: 'The signed-out page: no application URI to go on to, or a state that is unknown or expired',
    content: { 'text/html': { example: '<h1>You are signed out</h1>' } },
  })
  signedOut(@Req() req: Request, @Res() res: Response): void {
    this.signIn.signedOut(req, res);
  }
}
