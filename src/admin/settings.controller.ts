import { Body, Get, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { SettingsService } from '../settings/settings.service';
import { AdminController } from './admin-controller.decorator';
import { ErrorResponse } from '../common/http/error-response.dto';
import { SettingsResponse, toSettingsResponse, UpdateSettingsDto } from './dto/settings.dto';

@AdminController('admin/settings', 'admin: settings')
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
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
    // The change and its audit event commit together, and not at all after a 503.
    await this.transactions.runForRequest(
      async (manager) => {
        await this.settings.write(
          {
            ...(dto.pkce_required !== undefined ? { pkceRequired: dto.pkce_required } : {}),
            ...(dto.pkce_plain_allowed !== undefined ? { pkcePlainAllowed: dto.pkce_plain_allowed } : {}),
            ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
            ...(dto.refresh_token_ttl !== undefined ? { refreshTokenTtl: dto.refresh_token_ttl } : {}),
            ...(dto.authorization_code_ttl !== undefined ? { authorizationCodeTtl: dto.authorization_code_ttl } : {}),
          },
          manager,
        );
        await this.audit.recordIn(manager, { type: 'admin.settings.updated', detail: { ...dto } });
      },
      () => this.settings.changed(),
    );
    return toSettingsResponse(await this.settings.get());
  }
}
