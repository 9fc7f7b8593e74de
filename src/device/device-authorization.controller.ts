import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { ClientAuthGuard, CurrentClient, IsOptionalNotNull, type AuthenticatedClient } from '../tokens/grants/public-api';
import { RateLimit, RateLimitGuard } from '../authorize/public-api';
import { DEVICE_AUTHORIZATION_PATH, DeviceAuthorizationService, type DeviceAuthorization } from './device-authorization.service';

/** RFC 8628 §3.1: the device authorization request (besides the client's authentication). */
export class DeviceAuthorizationRequest {
  @ApiPropertyOptional({ example: 'openid read', description: 'Space-separated scopes; the application’s registered scope when absent' })
  @IsOptionalNotNull()
  @IsString()
  scope?: string;
}

/** RFC 8628 §3.2: the device authorization response. */
export class DeviceAuthorizationResponse implements DeviceAuthorization {
  @ApiProperty({ description: 'The device’s secret for polling the token endpoint' })
  device_code: string;
  @ApiProperty({ example: 'WDJB-MJHT', description: 'What the user types on the verification page (case and dash do not matter)' })
  user_code: string;
  @ApiProperty({ example: 'https://as.example/device' })
  verification_uri: string;
  @ApiProperty({ example: 'https://as.example/device?user_code=WDJB-MJHT' })
  verification_uri_complete: string;
  @ApiProperty({ example: 600 })
  expires_in: number;
  @ApiProperty({ example: 5, description: 'Seconds to wait between polls of the token endpoint' })
  interval: number;
}

@ApiTags('oauth2')
@Controller()
export class DeviceAuthorizationController {
  constructor(private readonly devices: DeviceAuthorizationService) {}

  /** The client authenticates as at the token endpoint, with its application's method; public clients too. */
  @Post(DEVICE_AUTHORIZATION_PATH)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RateLimit('token')
  @UseGuards(RateLimitGuard, ClientAuthGuard)
  @ApiOperation({ summary: 'Device authorization endpoint (RFC 8628 §3.1)', description: 'Client authentication as at the token endpoint.' })
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: DeviceAuthorizationRequest })
  @ApiOkResponse({ type: DeviceAuthorizationResponse, description: 'RFC 8628 §3.2; Cache-Control: no-store' })
  @ApiBadRequestResponse({ description: 'invalid_request, unauthorized_client (the application does not list the grant type) or invalid_scope' })
  @ApiUnauthorizedResponse({ description: 'invalid_client, as at the token endpoint' })
  authorize(@Body() params: DeviceAuthorizationRequest, @CurrentClient() client: AuthenticatedClient): Promise<DeviceAuthorization> {
    return this.devices.start(client, params.scope);
  }
}
