import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { GlobalSettings, SettingsService } from '../settings/settings.service';
import type { UpdateSettingsDto } from './dto/settings.dto';

/** The settings an admin request sets (PATCH semantics: absent means unchanged). */
export function settingsFrom(dto: UpdateSettingsDto): Partial<GlobalSettings> {
  return {
    ...(dto.pkce_required !== undefined ? { pkceRequired: dto.pkce_required } : {}),
    ...(dto.pkce_plain_allowed !== undefined ? { pkcePlainAllowed: dto.pkce_plain_allowed } : {}),
    ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
    ...(dto.refresh_token_ttl !== undefined ? { refreshTokenTtl: dto.refresh_token_ttl } : {}),
    ...(dto.authorization_code_ttl !== undefined ? { authorizationCodeTtl: dto.authorization_code_ttl } : {}),
    ...(dto.require_pushed_authorization_requests !== undefined ? { requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests } : {}),
    ...(dto.client_id_metadata_document_allowed_hosts !== undefined ? { metadataDocumentAllowedHosts: dto.client_id_metadata_document_allowed_hosts } : {}),
    ...(dto.client_id_metadata_document_denied_hosts !== undefined ? { metadataDocumentDeniedHosts: dto.client_id_metadata_document_denied_hosts } : {}),
  };
}

/** The change as the audit trail keeps it: flat values, a host list as one comma-separated string. */
function auditDetail(dto: UpdateSettingsDto): Record<string, string | number | boolean | null> {
  return Object.fromEntries(
    Object.entries(dto).map(([name, value]: [string, unknown]) => [name, Array.isArray(value) ? value.join(',') : (value as string | number | boolean | null)]),
  );
}

/** The admin API's changes to the global settings. */
@Injectable()
export class AdminSettingsService {
  constructor(
    private readonly settings: SettingsService,
    private readonly work: UnitOfWork,
  ) {}

  /** The change and its audit event commit together, and not at all after a 503. */
  async update(dto: UpdateSettingsDto): Promise<GlobalSettings> {
    await this.work.audited({ type: 'admin.settings.updated', detail: auditDetail(dto) }, () => this.settings.write(settingsFrom(dto)));
    return this.settings.get();
  }
}
