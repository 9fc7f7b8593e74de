import { Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { OAuthError } from '../common/oauth/oauth-error';
import { scopeTokens } from '../common/oauth/scope';
import { UserProfile, UsersService } from '../users/users.service';
import { ClaimsRequest, ClaimValue, claimsOfScope, releaseClaims } from '../oidc/standard-claims';
import { RequestWithAccessToken, UserInfoTokenGuard } from './guards/bearer-token.guard';

/** The profile of a token without `openid` (the shape seed 003's Spring clients read at /me). */
export interface LegacyUserInfo {
  sub: string;
  id: string;
  username: string;
  email: string | null;
  scope: string;
}

/** OpenID Connect Core §5.3.2: `sub` and the standard claims the token's scopes grant (§5.4) or its claims request asks for (§5.5). */
export type OpenIdUserInfo = { sub: string } & Record<string, ClaimValue>;

export function userInfoClaims(user: UserProfile, scope: string, claims: ClaimsRequest | null): OpenIdUserInfo {
  return releaseClaims(user, new Set([...claimsOfScope(scope), ...Object.keys(claims?.userinfo ?? {})]));
}

@ApiTags('resource')
@Controller()
export class UserInfoController {
  constructor(private readonly users: UsersService) {}

  @Get(['me', 'oauth2/userinfo'])
  @UseGuards(UserInfoTokenGuard)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Profile of the resource owner of the bearer token',
    description:
      'With an openid token: OpenID Connect UserInfo, `sub` and the standard claims of its scopes (profile, email, address, phone) and of its `claims` request; claims without a value are omitted. Without: the profile seed 003 `GET /me` shows (sub, id, username, email, scope). GET or POST (OpenID Connect Core §5.3.1); with POST the token may also come as the form field `access_token` (RFC 6750 §2.2).',
  })
  @ApiOkResponse({
    schema: {
      example: {
        sub: 'f3b1…',
        name: 'Ada Lovelace',
        given_name: 'Ada',
        family_name: 'Lovelace',
        preferred_username: 'ada',
        updated_at: 1764000000,
        email: 'ada@example.com',
        email_verified: true,
      },
    },
  })
  @ApiHeader({ name: 'DPoP', required: false, description: 'For a DPoP-bound token (`Authorization: DPoP <token>`): a proof with its `ath` (RFC 9449 §7)' })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description:
      'Missing, expired or revoked token, with WWW-Authenticate: Bearer (RFC 6750 §3.1); for a DPoP-bound token a missing or bad proof, with WWW-Authenticate: DPoP error="invalid_dpop_proof" or "use_dpop_nonce" and a DPoP-Nonce (RFC 9449 §7.1, §9)',
  })
  me(@Req() req: RequestWithAccessToken): Promise<LegacyUserInfo | OpenIdUserInfo> {
    return this.profile(req);
  }

  /** OpenID Connect Core §5.3.1: the userinfo endpoint MUST support POST too. */
  @Post(['me', 'oauth2/userinfo'])
  @HttpCode(200)
  @UseGuards(UserInfoTokenGuard)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'The same profile, requested with POST',
    description: 'The access token in the `Authorization: Bearer` header, or as the form-encoded body field `access_token` (RFC 6750 §2.2), not both.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ required: false, schema: { type: 'object', properties: { access_token: { type: 'string', example: 'kq3…' } } } })
  @ApiOkResponse({ description: 'As GET' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'invalid_request: the token in both the header and the body, or a body that is not form-encoded' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing, expired or revoked token, with WWW-Authenticate: Bearer (RFC 6750 §3.1)' })
  mePost(@Req() req: RequestWithAccessToken): Promise<LegacyUserInfo | OpenIdUserInfo> {
    return this.profile(req);
  }

  private async profile(req: RequestWithAccessToken): Promise<LegacyUserInfo | OpenIdUserInfo> {
    const token = req.accessToken;
    if (!token?.userId) throw new OAuthError('invalid_token', 'token has no resource owner');
    const user = await this.users.findEnabled(token.userId);
    if (!user) throw new OAuthError('invalid_token', 'resource owner is no longer active');
    if (scopeTokens(token.scope).includes('openid')) return userInfoClaims(user, token.scope, token.claims);
    return { sub: user.id, id: user.id, username: user.username, email: user.email, scope: token.scope };
  }
}
