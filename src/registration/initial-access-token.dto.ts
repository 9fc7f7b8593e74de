import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { EpochSeconds, Nested, NullableLifetime, StringArray } from '../admin/dto/fields';
import { RejectUnknownFields } from '../common/http/validation';
import type { InitialAccessTokenEntity } from './initial-access-token.entity';

/** What clients registered with the token may ask for; a list left out allows anything. */
export class InitialAccessTokenPolicyDto {
  @ApiPropertyOptional({ type: [String], nullable: true, example: ['authorization_code', 'refresh_token'] })
  @IsOptional()
  @StringArray(20, 255)
  grant_types?: string[];

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    example: ['read', 'write'],
    description: 'Scopes a client may list; also its scope when it asks for none',
  })
  @IsOptional()
  @StringArray(100, 255)
  scopes?: string[];

  @ApiPropertyOptional({ type: [String], nullable: true, example: ['https://*.portal.example.com/callback'], description: '`*` matches any run of characters' })
  @IsOptional()
  @StringArray(50, 2048)
  redirect_uri_patterns?: string[];

  @ApiPropertyOptional({ type: [String], nullable: true, example: ['client_secret_basic', 'private_key_jwt'] })
  @IsOptional()
  @StringArray(20, 32)
  token_endpoint_auth_methods?: string[];
}

@RejectUnknownFields()
export class CreateInitialAccessTokenDto {
  @ApiPropertyOptional({ type: String, example: 'WSO2 API Manager key manager', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Seconds until it expires; null: never', example: 86400 })
  @NullableLifetime()
  expires_in?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'How many clients it may register; null: any number', example: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_uses?: number | null;

  @Nested(InitialAccessTokenPolicyDto, { nullable: true })
  policy?: InitialAccessTokenPolicyDto | null;
}

export class InitialAccessTokenResponse {
  @ApiProperty({ example: '0b6f1c52-3f5a-4f38-9d7e-3c4a5e1d2b7a' }) id: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Epoch seconds' }) expires_at: number | null;
  @ApiProperty({ type: Number, nullable: true }) max_uses: number | null;
  @ApiProperty({ example: 0 }) uses: number;
  @ApiProperty({ type: InitialAccessTokenPolicyDto, nullable: true }) policy: InitialAccessTokenPolicyDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Epoch seconds; null: not revoked' }) revoked_at: number | null;
  @EpochSeconds() created_at: number;
}

export class CreatedInitialAccessTokenResponse extends InitialAccessTokenResponse {
  @ApiProperty({ description: 'The bearer token for POST /register; shown once, only its SHA-256 is stored' }) token: string;
}

export function toInitialAccessTokenResponse(row: InitialAccessTokenEntity): InitialAccessTokenResponse {
  const policy = row.policy;
  return {
    id: row.id,
    description: row.description,
    expires_at: row.expiresAt,
    max_uses: row.maxUses,
    uses: row.uses,
    policy: policy
      ? {
          ...(policy.grantTypes ? { grant_types: [...policy.grantTypes] } : {}),
          ...(policy.scopes ? { scopes: [...policy.scopes] } : {}),
          ...(policy.redirectUriPatterns ? { redirect_uri_patterns: [...policy.redirectUriPatterns] } : {}),
          ...(policy.tokenEndpointAuthMethods ? { token_endpoint_auth_methods: [...policy.tokenEndpointAuthMethods] } : {}),
        }
      : null,
    revoked_at: row.revokedAt,
    created_at: row.createdAt,
  };
}
