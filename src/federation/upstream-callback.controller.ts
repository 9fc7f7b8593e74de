import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiSeeOtherResponse, ApiTags } from '@nestjs/swagger';
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
}
