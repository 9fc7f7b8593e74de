import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1). */
export class TokenRequestDto {
  @ApiProperty({ description: 'The access or refresh token', example: 'Zk9u4pXr2cV7…' })
  // JWT access tokens (RFC 9068) are far longer than our opaque 43-character ones.
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  token: string;

  /** A hint only: unknown values are ignored (RFC 7009 §2.1). */
  @ApiPropertyOptional({ enum: ['access_token', 'refresh_token'], example: 'access_token' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  token_type_hint?: string;
}
