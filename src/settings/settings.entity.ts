import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochColumn, JsonColumn } from '../common/database/columns';

/** Server-wide settings an admin changes at run time; a single row with id 'global'. */
@Entity('settings')
export class SettingsEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'pkce_required', type: 'boolean' })
  pkceRequired: boolean;

  @Column({ name: 'pkce_plain_allowed', type: 'boolean' })
  pkcePlainAllowed: boolean;

  @Column({ name: 'access_token_ttl', type: 'int' })
  accessTokenTtl: number;

  @Column({ name: 'refresh_token_ttl', type: 'int' })
  refreshTokenTtl: number;

  @Column({ name: 'authorization_code_ttl', type: 'int' })
  authorizationCodeTtl: number;

  /** RFC 9126 §5: every authorization request must be pushed first, whatever the application says. */
  @Column({ name: 'require_pushed_authorization_requests', type: 'boolean' })
  requirePushedAuthorizationRequests: boolean;

  /** Hosts whose Client ID Metadata Documents are accepted (`*.example.com` for subdomains, `*` any); null: the environment's list. */
  @JsonColumn('metadata_document_allowed_hosts', { nullable: true })
  metadataDocumentAllowedHosts: string[] | null;

  /** Hosts whose documents are refused, checked first; null: the environment's list. */
  @JsonColumn('metadata_document_denied_hosts', { nullable: true })
  metadataDocumentDeniedHosts: string[] | null;

  @EpochColumn('updated_at')
  updatedAt: number;
}
