import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { EpochSeconds, Nested, OptionalFlag, OptionalPattern, OptionalText } from '../../admin/dto/fields';
import { IsOptionalNotNull } from '../../common/http/optional';
import { RejectUnknownFields } from '../../common/http/validation';
import { GroupMappingDto, GroupMappings } from './directory.dto';
import { CreateIdentityProviderDto } from './identity-provider.dto';
import type { UpstreamProviderEntity } from '../upstream-provider.entity';

const ATTRIBUTE_NAME = /^[\x21-\x7e]{1,255}$/;
const HTTPS_URL = /^https?:\/\/[^\s#]+$/;

export const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

export class SamlAttributeMappingDto {
  @OptionalPattern(ATTRIBUTE_NAME, {
    default: 'NameID',
    example: 'NameID',
    description: '`NameID`, or the attribute holding a stable, never reassigned identifier (ADFS: a claim issued from objectGUID)',
  })
  subject?: string;

  @OptionalPattern(ATTRIBUTE_NAME, { default: `${CLAIMS}/emailaddress`, description: 'Shibboleth: `urn:oid:0.9.2342.19200300.100.1.3`' })
  email?: string;

  @OptionalPattern(ATTRIBUTE_NAME, { default: `${CLAIMS}/name`, description: 'Shibboleth: `urn:oid:2.16.840.1.113730.3.1.241` (displayName)' })
  name?: string;

  @OptionalPattern(ATTRIBUTE_NAME, {
    type: String,
    nullable: true,
    example: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
    description: 'The attribute listing the groups, for group_mappings (none by default)',
  })
  groups?: string;
}

/** alias, display name and the sign-in policy are the same for every upstream provider. */
@RejectUnknownFields()
export class CreateSamlIdentityProviderDto extends PickType(CreateIdentityProviderDto, [
  'alias',
  'display_name',
  'allowed_email_domains',
  'trust_upstream_amr',
  'jit_provisioning',
  'enabled',
] as const) {
  @ApiPropertyOptional({
    description: "The IdP's metadata XML (EntityDescriptor): entity ID, HTTP-Redirect SingleSignOnService and signing certificates are read from it",
    example: '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://adfs.corp.example/adfs/services/trust">…</EntityDescriptor>',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(60000)
  metadata_xml?: string;

  @OptionalText(1024, { example: 'http://adfs.corp.example/adfs/services/trust', description: "The IdP's entity ID (instead of metadata_xml)" })
  idp_entity_id?: string;

  @ApiPropertyOptional({
    example: 'https://adfs.corp.example/adfs/ls/',
    description: 'SingleSignOnService URL, HTTP-Redirect binding (instead of metadata_xml)',
  })
  @IsOptionalNotNull()
  @MaxLength(1024)
  @Matches(HTTPS_URL, { message: 'sso_url must be an http(s) URL' })
  sso_url?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'PEM (or base64 DER) certificates whose keys sign assertions (instead of metadata_xml); two during a rollover',
    example: ['-----BEGIN CERTIFICATE-----\nMIIC…\n-----END CERTIFICATE-----\n'],
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(8192, { each: true })
  signing_certificates?: string[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    description:
      'The NameID format asked for in the AuthnRequest; by default persistent when attribute_mapping.subject is NameID, none otherwise (the IdP chooses). A transient NameID is never accepted as the subject',
  })
  @IsOptionalNotNull()
  @Matches(/^urn:[\x21-\x7e]{1,250}$/, { message: 'name_id_format must be a URN' })
  name_id_format?: string;

  @Nested(SamlAttributeMappingDto)
  attribute_mapping?: SamlAttributeMappingDto;

  @OptionalFlag({
    default: false,
    description:
      'Vouch for the e-mail attribute as verified (SAML has no email_verified): only then does it link to an existing local user or pass allowed_email_domains',
  })
  email_verified?: boolean;

  @GroupMappings('Groups (attribute_mapping.groups) to roles; when given, the IdP decides the roles at every sign-in')
  group_mappings?: GroupMappingDto[];
}

@RejectUnknownFields()
export class UpdateSamlIdentityProviderDto extends PartialType(CreateSamlIdentityProviderDto) {}

export class SamlIdentityProviderResponse {
  @ApiProperty({ example: '0b5e7c1a-3f2d-4c8e-9a6b-7d1e2f3a4b5c' }) id: string;
  @ApiProperty({ example: 'adfs' }) alias: string;
  @ApiProperty({ example: 'Corp ADFS' }) display_name: string;
  @ApiProperty({ enum: ['saml'] }) protocol: 'saml';
  @ApiProperty({ example: 'http://adfs.corp.example/adfs/services/trust' }) idp_entity_id: string;
  @ApiProperty({ example: 'https://adfs.corp.example/adfs/ls/' }) sso_url: string;
  @ApiProperty({ type: [String], description: 'PEM' }) signing_certificates: string[];
  @ApiProperty({ type: String, nullable: true }) name_id_format: string | null;
  @ApiProperty({ type: SamlAttributeMappingDto }) attribute_mapping: { subject: string; email: string; name: string; groups: string | null };
  @ApiProperty() email_verified: boolean;
  @ApiProperty({ type: [GroupMappingDto] }) group_mappings: GroupMappingDto[];
  @ApiProperty({ type: [String] }) allowed_email_domains: string[];
  @ApiProperty({ description: 'amr and acr from the AuthnContextClassRef in our ID Tokens' }) trust_upstream_amr: boolean;
  @ApiProperty() jit_provisioning: boolean;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ example: 'https://login.example.com/oauth2/upstream/saml/metadata', description: 'Our SP entity ID, also the URL of our SP metadata' })
  sp_entity_id: string;
  @ApiProperty({ example: 'https://login.example.com/oauth2/upstream/saml/acs', description: 'Our Assertion Consumer Service (HTTP-POST)' })
  acs_url: string;
  @EpochSeconds() created_at: number;
  @EpochSeconds() updated_at: number;
}

export function toSamlIdentityProviderResponse(entity: UpstreamProviderEntity, sp: { entityId: string; acsUrl: string }): SamlIdentityProviderResponse {
  const saml = entity.samlSettings!;
  return {
    id: entity.id,
    alias: entity.alias,
    display_name: entity.displayName,
    protocol: 'saml',
    idp_entity_id: entity.issuer,
    sso_url: saml.ssoUrl,
    signing_certificates: [...saml.certificates],
    name_id_format: saml.nameIdFormat,
    attribute_mapping: { ...saml.attributes },
    email_verified: saml.emailVerified,
    group_mappings: saml.groupMappings.map((m) => ({ group: m.group, roles: [...m.roles] })),
    allowed_email_domains: entity.allowedEmailDomains,
    trust_upstream_amr: entity.trustUpstreamAmr,
    jit_provisioning: entity.jitProvisioning,
    enabled: entity.enabled,
    sp_entity_id: sp.entityId,
    acs_url: sp.acsUrl,
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}
