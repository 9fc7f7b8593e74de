import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { OAuthError } from '../common/oauth/oauth-error';
import { UsersService } from '../users/users.service';
import { BearerTokenGuard, RequestWithAccessToken } from './guards/bearer-token.guard';

export interface UserInfoResponse {
  sub: string;
  id: string;
  username: string;
  email: string | null;
  scope: string;
}

@ApiTags('resource')
@Controller()
export class UserInfoController {
  constructor(private readonly users: UsersService) {}

  @Get(['me', 'oauth2/userinfo'])
  @UseGuards(BearerTokenGuard)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Profile of the resource owner of the bearer token (seed 003 `GET /me`)' })
  @ApiOkResponse({ schema: { example: { sub: 'f3b1…', id: 'f3b1…', username: 'admin@break-out.org', email: 'admin@break-out.org', scope: 'read write' } } })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing, expired or revoked token, with WWW-Authenticate: Bearer (RFC 6750 §3.1)' })
  async me(@Req() req: RequestWithAccessToken): Promise<UserInfoResponse> {
    const token = req.accessToken;
    if (!token?.userId) throw new OAuthError('invalid_token', 'token has no resource owner');
    const user = await this.users.findEnabled(token.userId);
    if (!user) throw new OAuthError('invalid_token', 'resource owner is no longer active');
    return { sub: user.id, id: user.id, username: user.username, email: user.email, scope: token.scope };
  }
}
