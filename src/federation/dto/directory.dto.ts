import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/optional';
import { RejectUnknownFields } from '../../common/http/validation';
import type { LdapDirectoryEntity } from '../ldap-directory.entity';

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]*$/;
const LDAP_URL = /^ldaps?:\/\/[^/?#\s]+\/?$/;

export class GroupMappingDto {
  @ApiProperty({
    example: 'cn=admins,ou=groups,dc=example,dc=org',
    description: "A group's DN (RFC 4514, compared regardless of case and spacing), or with base_dn the value of its first RDN (`admins`)",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  group: string;

  @ApiPropertyOptional({
    example: 'ou=groups,dc=example,dc=org',
    description: 'With a group name: only groups of that name at or below this DN count (a group of the same name elsewhere gives nothing)',
  })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
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
  @ApiProperty({ example: 'Corporate OpenLDAP' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
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

  @ApiPropertyOptional({ default: false, description: 'StartTLS (RFC 4511 §4.14) on ldap:// URLs before any bind' })
  @IsOptionalNotNull()
  @IsBoolean()
  start_tls?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: "PEM CA certificates the server's certificate must chain to; default: the system's" })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(65536)
  ca_certificates?: string;

  @ApiProperty({ example: 'cn=oauth,ou=services,dc=example,dc=org', description: 'The service account that searches for users' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  bind_dn: string;

  @ApiProperty({ description: 'Stored encrypted; never returned' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  bind_password: string;

  @ApiProperty({ example: 'ou=people,dc=example,dc=org' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  base_dn: string;

  @ApiPropertyOptional({ default: '(objectClass=inetOrgPerson)', description: 'RFC 4515 filter every user matches' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  user_filter?: string;

  @ApiPropertyOptional({ default: 'uid', description: 'AD: sAMAccountName' })
  @IsOptionalNotNull()
  @Matches(ATTRIBUTE)
  username_attribute?: string;

  @ApiPropertyOptional({ default: 'entryUUID', description: 'The stable identifier users are linked by. AD: objectGUID' })
  @IsOptionalNotNull()
  @Matches(ATTRIBUTE)
  id_attribute?: string;

  @ApiPropertyOptional({ default: 'mail' })
  @IsOptionalNotNull()
  @Matches(ATTRIBUTE)
  email_attribute?: string;

  @ApiPropertyOptional({ default: 'cn', description: 'AD: displayName' })
  @IsOptionalNotNull()
  @Matches(ATTRIBUTE)
  name_attribute?: string;

  @ApiPropertyOptional({ default: 'memberOf', description: "The user attribute listing their groups' DNs" })
  @IsOptionalNotNull()
  @Matches(ATTRIBUTE)
  group_attribute?: string;

  @GroupMappings('Groups to roles. When given, the directory decides the roles of its users at each sign-in and sync')
  group_mappings?: GroupMappingDto[];

  @ApiPropertyOptional({ default: 5000, description: 'Milliseconds to connect to one URL before trying the next' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(100)
  @Max(60000)
  connect_timeout_ms?: number;

  @ApiPropertyOptional({ default: 5000, description: 'Milliseconds for one search or bind' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(100)
  @Max(60000)
  operation_timeout_ms?: number;

  @ApiPropertyOptional({ default: 3600, description: 'Seconds between scheduled syncs (0: none)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(604800)
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
