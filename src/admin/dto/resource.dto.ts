import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, ValidateBy } from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/optional';
import { RejectUnknownFields } from '../../common/http/validation';
import { ACCESS_TOKEN_FORMATS, AccessTokenFormat } from '../../common/oauth/access-token-format';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../keys/signing-key.entity';
import { ResourceServerEntity } from '../../resources/resource-server.entity';
import { EpochSeconds, NullableLifetime, RequiredText, ScopeString } from './fields';

/** RFC 8707 §2: an absolute URI without a fragment. */
function isResourceIdentifier(value: unknown): boolean {
  if (typeof value !== 'string' || value.includes('#')) return false;
  try {
    return /^[a-z][a-z0-9+.-]*:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

@RejectUnknownFields()
export class CreateResourceServerDto {
  @ApiProperty({
    example: 'https://api.example.com/orders',
    description: "The resource indicator (absolute URI, no fragment): the `resource` parameter and the tokens' `aud`",
  })
  @IsString()
  @MaxLength(255)
  @ValidateBy({
    name: 'isResourceIdentifier',
    validator: { validate: isResourceIdentifier, defaultMessage: () => 'identifier must be an absolute URI without a fragment (RFC 8707 §2)' },
  })
  identifier: string;

  @RequiredText(255, { example: 'Orders API' })
  name: string;

  @ApiPropertyOptional({ example: 'orders:read orders:write', default: '', description: 'Scopes this API understands; its tokens carry only these' })
  @ScopeString()
  scope?: string;

  @ApiPropertyOptional({
    enum: ACCESS_TOKEN_FORMATS,
    default: 'jwt',
    description: 'jwt: RFC 9068 JWT access tokens the API verifies with the JWKS; opaque: the API introspects',
  })
  @IsOptionalNotNull()
  @IsIn(ACCESS_TOKEN_FORMATS)
  access_token_format?: AccessTokenFormat;

  @ApiPropertyOptional({
    enum: SIGNING_ALGORITHMS,
    default: 'RS256',
    description:
      'The algorithm of its JWT access tokens (RFC 9068 §2.1; keys in the JWKS). RS256, which every RFC 9068 resource server accepts; ES256 or EdDSA cost a tenth of its CPU to sign, if the API accepts them',
  })
  @IsOptionalNotNull()
  @IsIn(SIGNING_ALGORITHMS, { message: `access_token_signing_alg must be one of ${SIGNING_ALGORITHMS.join(', ')}` })
  access_token_signing_alg?: SigningAlgorithm;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 31_536_000,
    description: "Seconds; null: the application's or the global lifetime",
  })
  @NullableLifetime()
  access_token_ttl?: number | null;
}

@RejectUnknownFields()
export class UpdateResourceServerDto extends PartialType(CreateResourceServerDto) {}

export class ResourceServerResponse {
  @ApiProperty({ example: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a' }) id: string;
  @ApiProperty({ example: 'https://api.example.com/orders' }) identifier: string;
  @ApiProperty({ example: 'Orders API' }) name: string;
  @ApiProperty({ example: 'orders:read orders:write' }) scope: string;
  @ApiProperty({ enum: ACCESS_TOKEN_FORMATS, example: 'jwt' }) access_token_format: string;
  @ApiProperty({ enum: SIGNING_ALGORITHMS, example: 'RS256' }) access_token_signing_alg: string;
  @ApiProperty({ type: Number, nullable: true, example: null }) access_token_ttl: number | null;
  @EpochSeconds(1796000000) created_at: number;
  @EpochSeconds(1796000000) updated_at: number;
}

export function toResourceServerResponse(entity: ResourceServerEntity): ResourceServerResponse {
  return {
    id: entity.id,
    identifier: entity.identifier,
    name: entity.name,
    scope: entity.scope,
    access_token_format: entity.accessTokenFormat,
    access_token_signing_alg: entity.accessTokenSigningAlg,
    access_token_ttl: entity.accessTokenTtl,
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}
