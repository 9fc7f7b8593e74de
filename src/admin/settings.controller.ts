import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { SettingsService } from '../settings/settings.service';
import { AdminGuard } from './admin.guard';
import { ErrorResponse } from '../common/http/error-response.dto';
import { SettingsResponse, toSettingsResponse, UpdateSettingsDto } from './dto/settings.dto';

@ApiTags('admin: settings')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@ApiForbiddenResponse({ type: ErrorResponse })
@Controller('admin/settings')
@UseGuards(AdminGuard)
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Global settings: PKCE policy and default lifetimes' })
  @ApiOkResponse({ type: SettingsResponse })
  async get(): Promise<SettingsResponse> {
    return toSettingsResponse(await this.settings.get());
  }

  @Patch()
  @ApiOperation({ summary: 'Change global settings; every instance applies them on its next request' })
  @ApiOkResponse({ type: SettingsResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async update(@Body() dto: UpdateSettingsDto): Promise<SettingsResponse> {
    const updated = toSettingsResponse(
      await this.settings.update({
        ...(dto.pkce_required !== undefined ? { pkceRequired: dto.pkce_required } : {}),
        ...(dto.pkce_plain_allowed !== undefined ? { pkcePlainAllowed: dto.pkce_plain_allowed } : {}),
        ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
        ...(dto.refresh_token_ttl !== undefined ? { refreshTokenTtl: dto.refresh_token_ttl } : {}),
        ...(dto.authorization_code_ttl !== undefined ? { authorizationCodeTtl: dto.authorization_code_ttl } : {}),
      }),
    );
    await this.audit.record({ type: 'admin.settings.updated', detail: { ...dto } });
    return updated;
  }
}
