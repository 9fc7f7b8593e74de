import { Body, Get, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { SettingsService } from '../settings/settings.service';
import { AdminController } from './admin-controller.decorator';
import { AdminSettingsService } from './admin-settings.service';
import { ErrorResponse } from '../common/http/error-response.dto';
import { SettingsResponse, toSettingsResponse, UpdateSettingsDto } from './dto/settings.dto';

@AdminController('admin/settings', 'admin: settings')
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly changes: AdminSettingsService,
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
    return toSettingsResponse(await this.changes.update(dto));
  }
}
