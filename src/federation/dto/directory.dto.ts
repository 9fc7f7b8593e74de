import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { OptionalFlag, OptionalInteger, OptionalPattern, OptionalText, RequiredText } from '../../admin/dto/fields';
import { IsOptionalNotNull } from '../../common/http/optional';
import { RejectUnknownFields } from '../../common/http/validation';
import type { LdapDirectoryEntity } from '../ldap-directory.entity';

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]*$/;
const LDAP_URL = /^ldaps?:\/\/[^/?#\s]+\/?$/;

export class GroupMappingDto {
  @RequiredText(1024, {
    example: 'cn=admins,ou=groups,dc=example,dc=org',
    description: "A group's DN (RFC 4514, compared regardless of case and spacing), or with base_dn the value of its first RDN (`admins`)",
  })
  group: string;

  @OptionalText(1024, {
    example: 'ou=groups,dc=example,dc=org',
    description: 'With a group name: only groups of that name at or below this DN count (a group of the same name elsewhere gives nothing)',
  })
  base_dn?: string;

  @ApiProperty({ type: [String], example: ['admin'], description: 'The roles its members get (a role reserves scopes, e.g. `admin`)' })
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(50)
  roles: string[];
}

/** An optional list of group-to-role mappings (at most 200), each checked as a GroupMappingDto. */
export const GroupMappings = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: [GroupMappingDto], description }),
    IsOptionalNotNull(),
    IsArray(),
    ArrayMaxSize(200),
    ValidateNested({ each: true }),
    Type(() => GroupMappingDto),
  );

@RejectUnknownFields()
export class CreateDirectoryDto {
  @RequiredText(255, { example: 'Corporate OpenLDAP' })
  name: string;

  @OptionalFlag({ default: true })
  enabled?: boolean;

  @ApiProperty({
    type: [String],
    example: ['ldaps://ldap1.example.org', 'ldaps://ldap2.example.org'],
    description: 'Tried in order: the next when one does not answer',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(LDAP_URL, { each: true, message: 'each URL must be ldap://host[:port] or ldaps://host[:port]' })
  urls: string[];

  @OptionalFlag({ default: false, description: 'StartTLS (RFC 4511 §4.14) on ldap:// URLs before any bind' })
  start_tls?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: "PEM CA certificates the server's certificate must chain to; default: the system's" })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(65536)
  ca_certificates?: string;

  @RequiredText(1024, { example: 'cn=oauth,ou=services,dc=example,dc=org', description: 'The service account that searches for users' })
  bind_dn: string;

  @RequiredText(1024, { description: 'Stored encrypted; never returned' })
  bind_password: string;

  @RequiredText(1024, { example: 'ou=people,dc=example,dc=org' })
  base_dn: string;

  @OptionalText(1024, { default: '(objectClass=inetOrgPerson)', description: 'RFC 4515 filter every user matches' })
  user_filter?: string;

  @OptionalPattern(ATTRIBUTE, { default: 'uid', description: 'AD: sAMAccountName' })
  username_attribute?: string;

  @OptionalPattern(ATTRIBUTE, { default: 'entryUUID', description: 'The stable identifier users are linked by. AD: objectGUID' })
  id_attribute?: string;

  @OptionalPattern(ATTRIBUTE, { default: 'mail' })
  email_attribute?: string;

  @OptionalPattern(ATTRIBUTE, { default: 'cn', description: 'AD: displayName' })
  name_attribute?: string;

  @OptionalPattern(ATTRIBUTE, { default: 'memberOf', description: "The user attribute listing their groups' DNs" })
  group_attribute?: string;

  @GroupMappings('Groups to roles. When given, the directory decides the roles of its users at each sign-in and sync')
  group_mappings?: GroupMappingDto[];

  @OptionalInteger(100, 60000, { default: 5000, description: 'Milliseconds to connect to one URL before trying the next' })
  connect_timeout_ms?: number;

  @OptionalInteger(100, 60000, { default: 5000, description: 'Milliseconds for one search or bind' })
  operation_timeout_ms?: number;

  @OptionalInteger(0, 604800, { default: 3600, description: 'Seconds between scheduled syncs (0: none)' })
  sync_interval_seconds?: number;
}

@RejectUnknownFields()
export class UpdateDirectoryDto extends PartialType(CreateDirectoryDto) {}

export class DirectoryResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: [String] }) urls: string[];
  @ApiProperty() start_tls: boolean;
  @ApiProperty({ type: String, nullable: true }) ca_certificates: string | null;
  @ApiProperty() bind_dn: string;
  @ApiProperty() base_dn: string;
  @ApiProperty() user_filter: string;
  @ApiProperty() username_attribute: string;
  @ApiProperty() id_attribute: string;
  @ApiProperty({ type: String, nullable: true }) email_attribute: string | null;
  @ApiProperty({ type: String, nullable: true }) name_attribute: string | null;
  @ApiProperty({ type: String, nullable: true }) group_attribute: string | null;
  @ApiProperty({ type: [GroupMappingDto] }) group_mappings: GroupMappingDto[];
  @ApiProperty() connect_timeout_ms: number;
  @ApiProperty() operation_timeout_ms: number;
  @ApiProperty() sync_interval_seconds: number;
  @ApiProperty({ description: 'Epoch seconds of the last scheduled sync (0: never)' }) last_sync_at: number;
  @ApiProperty({ description: 'Where its users come from, as the users API shows it' }) source: string;
  @ApiProperty() created_at: number;
  @ApiProperty() updated_at: number;
}

export class SyncResponse {
  @ApiProperty({ example: '0b5e7c1a-3f2d-4c8e-9a6b-7d1e2f3a4b5c' }) directory_id: string;
  @ApiProperty({ description: 'Users the directory listed', example: 1200 }) entries: number;
  @ApiProperty({ description: 'Linked users whose name, e-mail or roles changed', example: 3 }) updated: number;
  @ApiProperty({ description: 'Linked users disabled: gone from the directory or disabled there', example: 1 }) disabled: number;
}

/** Never the service account's password. */
export function toDirectoryResponse(d: LdapDirectoryEntity): DirectoryResponse {
  return {
    id: d.id,
    name: d.name,
    enabled: d.enabled,
    urls: [...d.urls],
    start_tls: d.startTls,
    ca_certificates: d.caCertificates,
    bind_dn: d.bindDn,
    base_dn: d.baseDn,
    user_filter: d.userFilter,
    username_attribute: d.usernameAttribute,
    id_attribute: d.idAttribute,
    email_attribute: d.emailAttribute,
    name_attribute: d.nameAttribute,
    group_attribute: d.groupAttribute,
    group_mappings: d.groupMappings.map((m) => ({ group: m.group, roles: [...m.roles], ...(m.baseDn ? { base_dn: m.baseDn } : {}) })),
    connect_timeout_ms: d.connectTimeoutMs,
    operation_timeout_ms: d.operationTimeoutMs,
    sync_interval_seconds: d.syncIntervalSeconds,
    last_sync_at: d.lastSyncAt,
    source: `ldap:${d.id}`,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}
