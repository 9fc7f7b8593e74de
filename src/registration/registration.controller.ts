import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { OAuthError } from '../common/oauth/oauth-error';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import { INVALID_CLIENT_METADATA } from './registration-errors';
import { type ClientInformation, RegistrationService } from './registration.service';

/** The bearer token of an Authorization header (RFC 6750 §2.1), or null when there is none. */
function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (!match) throw new OAuthError('invalid_token', 'the Authorization header must be a Bearer token', { challenge: { scheme: 'Bearer' } });
  return match[1];
}

/** RFC 7591 §3.1: the request is a JSON object of client metadata. */
function metadataObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError(INVALID_CLIENT_METADATA, 'the request body must be a JSON object of client metadata');
  }
  return body as Record<string, unknown>;
}

const METADATA_BODY = {
  schema: {
    type: 'object',
    description: 'RFC 7591 §2 client metadata (unknown members are ignored); software_statement: a JWT whose claims win',
    example: { client_name: 'Portal app', redirect_uris: ['https://app.example.com/callback'], grant_types: ['authorization_code'], scope: 'read' },
  },
} as const;

@ApiTags('registration')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Initial access token or registration access token missing or not valid' })
@Controller('register')
export class RegistrationController {
  constructor(private readonly registrations: RegistrationService) {}

  @Post()
  // RFC 7591 §5: open registration is a way to create clients without limit; the token
  // endpoint's per-IP rate limit bounds it.
  @UseGuards(RateLimitGuard)
  @RateLimit('token')
  @ApiOperation({ summary: 'RFC 7591: register a client; with REGISTRATION=protected, an initial access token is the bearer token' })
  @ApiBody(METADATA_BODY)
  @ApiCreatedResponse({ description: 'RFC 7591 §3.2.1 client information, with client_secret and registration_access_token (shown once)' })
  register(@Body() body: unknown, @Headers('authorization') authorization?: string): Promise<ClientInformation> {
    return this.registrations.register(metadataObject(body), bearerToken(authorization));
  }

  @Get(':client_id')
  @ApiOperation({ summary: 'RFC 7592: read the registration (bearer: the registration access token)' })
  @ApiOkResponse({ description: 'RFC 7592 §3 client information' })
  read(@Param('client_id') clientId: string, @Headers('authorization') authorization?: string): Promise<ClientInformation> {
    return this.registrations.read(clientId, bearerToken(authorization));
  }

  @Put(':client_id')
  @ApiOperation({
    summary: 'RFC 7592: replace the registration; the registration access token is replaced, the secret kept unless rotate_client_secret is true',
  })
  @ApiBody(METADATA_BODY)
  @ApiOkResponse({ description: 'RFC 7592 §3 client information with a new registration_access_token' })
  update(@Param('client_id') clientId: string, @Body() body: unknown, @Headers('authorization') authorization?: string): Promise<ClientInformation> {
    return this.registrations.update(clientId, metadataObject(body), bearerToken(authorization));
  }

  @Delete(':client_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'RFC 7592: delete the client; its tokens are revoked' })
  @ApiNoContentResponse()
  delete(@Param('client_id') clientId: string, @Headers('authorization') authorization?: string): Promise<void> {
    return this.registrations.delete(clientId, bearerToken(authorization));
  }
}
