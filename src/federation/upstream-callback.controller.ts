import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { ApiPageResponse, ApiUpstreamReturnResponses } from '../authorize/api-page-responses';
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
  @ApiUpstreamReturnResponses('unknown, expired, replayed or foreign state; an answer that does not verify')
  callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.signIn.finish(req, res);
  }

  @Get('oauth2/upstream/signed-out')
  @RateLimit('authorize')
  @ApiOperation({ summary: "Post-logout redirect URI for upstream providers' end session (RP-Initiated Logout 1.0 §3)" })
  @ApiFoundResponse({ description: "On to the application's registered post_logout_redirect_uri, with its state" })
  @ApiPageResponse('The signed-out page: no application URI to go on to, or a state that is unknown or expired', '<h1>You are signed out</h1>')
  signedOut(@Req() req: Request, @Res() res: Response): void {
    this.signIn.signedOut(req, res);
  }
}
