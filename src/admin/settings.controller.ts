import { Body } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';
import { AdminController, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { AdminSettingsService } from './admin-settings.service';
import { SettingsResponse, toSettingsResponse, UpdateSettingsDto } from './dto/settings.dto';

@AdminController('admin/settings', 'admin: settings')
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly changes: AdminSettingsService,
  ) {}

  @AdminRead(undefined, 'Global settings: PKCE policy and default lifetimes', SettingsResponse)
  async get(): Promise<SettingsResponse> {
    return toSettingsResponse(await this.settings.get());
  }

  @AdminUpdate(undefined, 'Change global settings; every instance applies them on its next request', SettingsResponse)
  async update(@Body() dto: UpdateSettingsDto): Promise<SettingsResponse> {
    return toSettingsResponse(await this.changes.update(dto));
  }
}
