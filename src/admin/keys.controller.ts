import { Body } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn } from 'class-validator';
import { nowSeconds } from '../common/time';
import { IsOptionalNotNull } from '../common/http/optional';
import { RejectUnknownFields } from '../common/http/validation';
import { AdminController, AdminCreate, AdminRead } from './admin-controller.decorator';
import { EpochSeconds, OptionalInteger } from './dto/fields';
import { AdminKeysService } from './admin-keys.service';
import { SIGNING_ALGORITHMS, SigningAlgorithm, SigningKeyEntity } from '../keys/signing-key.entity';
import { SigningKeysService } from '../keys/signing-keys.service';

@RejectUnknownFields()
export class RotateKeysDto {
  @OptionalInteger(0, 604_800, {
    default: 0,
    minimum: 0,
    maximum: 604_800,
    example: 3600,
    description: 'Seconds before the new keys sign; set it to the JWKS cache lifetime of your resource servers so they know a key before they see it',
  })
  activate_after?: number;

  @ApiPropertyOptional({ type: [String], enum: SIGNING_ALGORITHMS, description: 'Default: every algorithm' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(3)
  @IsIn(SIGNING_ALGORITHMS, { each: true })
  algorithms?: SigningAlgorithm[];
}

export class SigningKeyResponse {
  @ApiProperty({ example: 'Jx2c8QyH0uE3' }) kid: string;
  @ApiProperty({ enum: SIGNING_ALGORITHMS, example: 'ES256' }) alg: string;
  @ApiProperty({ enum: ['pending', 'active', 'retired'], example: 'active' }) status: 'pending' | 'active' | 'retired';
  @EpochSeconds(1796000000) created_at: number;
  @EpochSeconds(1796000000) activates_at: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Epoch seconds; stops signing', example: null }) retires_at: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Epoch seconds; leaves the JWKS', example: null }) published_until: number | null;
  @ApiProperty({
    description: 'The public key (never the private one)',
    example: { kty: 'EC', crv: 'P-256', x: 'f83O…', y: 'x_FE…', kid: 'Jx2c8QyH0uE3', alg: 'ES256', use: 'sig' },
  })
  public_jwk: Record<string, string>;
}

function toResponse(key: SigningKeyEntity, now: number): SigningKeyResponse {
  const status = key.activatesAt > now ? 'pending' : key.retiresAt !== null && key.retiresAt <= now ? 'retired' : 'active';
  return {
    kid: key.kid,
    alg: key.alg,
    status,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    retires_at: key.retiresAt,
    published_until: key.publishedUntil,
    public_jwk: key.publicJwk,
  };
}

@AdminController('admin/keys', 'admin: signing keys')
export class KeysAdminController {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly changes: AdminKeysService,
  ) {}

  @AdminRead(undefined, 'Signing keys, without private material', [SigningKeyResponse])
  async list(): Promise<SigningKeyResponse[]> {
    const now = nowSeconds();
    return (await this.keys.list()).map((key) => toResponse(key, now));
  }

  @AdminCreate('New signing keys: published at once, signing after activate_after seconds; every instance switches at once', [SigningKeyResponse], {
    path: 'rotate',
  })
  async rotate(@Body() dto: RotateKeysDto): Promise<SigningKeyResponse[]> {
    const created = await this.changes.rotate(dto.activate_after ?? 0, dto.algorithms ?? SIGNING_ALGORITHMS);
    const now = nowSeconds();
    return created.map((key) => toResponse(key, now));
  }
}
