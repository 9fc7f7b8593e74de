import { RejectUnknownFields } from '../../common/http/validation';
import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryBoolean } from '../../common/http/query-boolean';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { ACCEPTED_HASH_FORMATS, importPasswordHash, UnsupportedPasswordHash, Wso2SaltedHash } from '../../common/crypto/imported-password-hash';
import { PaginationQuery } from './pagination.dto';
import type { UserProfile } from '../../users/users.service';

const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Why an imported password hash is refused, or undefined when it is accepted. */
function passwordHashProblem(value: unknown): string | undefined {
  const wso2 = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  if (wso2 && Object.keys(wso2).sort().join() !== 'algorithm,salt,value')
    return `password_hash as an object must be {"algorithm","salt","value"}; accepted formats: ${ACCEPTED_HASH_FORMATS}`;
  if (wso2 && !['algorithm', 'salt', 'value'].every((k) => typeof wso2[k] === 'string' && (wso2[k] as string).length <= 255))
    return 'password_hash algorithm, salt and value must be strings';
  if (!wso2 && typeof value !== 'string') return `password_hash must be a string or a WSO2 object; accepted formats: ${ACCEPTED_HASH_FORMATS}`;
  try {
    importPasswordHash(value as string | Wso2SaltedHash);
    return undefined;
  } catch (error) {
    if (!(error instanceof UnsupportedPasswordHash)) throw error;
    return `password_hash: ${error.message}; accepted formats: ${ACCEPTED_HASH_FORMATS}`;
  }
}

/** The OpenID Connect standard claims an admin sets on a user (scopes profile and email). */
class UserClaimsDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ada Lovelace', description: 'OpenID Connect claim name (scope profile)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  given_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  family_name?: string | null;

  @ApiPropertyOptional({ description: 'OpenID Connect claim email_verified (scope email)', default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  email_verified?: boolean;
}

@RejectUnknownFields()
export class CreateUserDto extends UserClaimsDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^\S+$/, { message: 'username must not contain spaces' })
  username: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'alice@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ writeOnly: true, minLength: 8, example: 'correct horse battery staple', description: 'Give password or password_hash' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({
    writeOnly: true,
    oneOf: [
      { type: 'string', example: '{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG' },
      {
        type: 'object',
        required: ['algorithm', 'salt', 'value'],
        properties: { algorithm: { type: 'string', example: 'SHA-256' }, salt: { type: 'string' }, value: { type: 'string' } },
      },
    ],
    description: `A password hash kept from the system the user migrates from, verified at the next sign-in and then replaced by argon2id. Accepted: ${ACCEPTED_HASH_FORMATS}`,
  })
  @IsOptionalNotNull()
  @ValidateBy({
    name: 'isPasswordHash',
    validator: { validate: (value) => passwordHashProblem(value) === undefined, defaultMessage: (args) => passwordHashProblem(args?.value) ?? '' },
  })
  password_hash?: string | Wso2SaltedHash;

  @ApiPropertyOptional({ type: [String], example: ['admin'], description: '"admin" makes an administrator' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(ROLE, { each: true, message: 'each role must be 1-64 letters, digits or _.:-' })
  roles?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

@RejectUnknownFields()
export class UpdateUserDto extends UserClaimsDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'alice@example.org' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ writeOnly: true, minLength: 8, description: 'Password reset; ends the user’s browser sessions' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(ROLE, { each: true, message: 'each role must be 1-64 letters, digits or _.:-' })
  roles?: string[];

  @ApiPropertyOptional({ description: 'Disabling revokes the user’s tokens' })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class UserResponse {
  @ApiProperty({ example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) id: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ type: String, nullable: true, example: 'alice@example.com' }) email: string | null;
  @ApiProperty({ example: false }) email_verified: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'Alice Martin' }) name: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Alice' }) given_name: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Martin' }) family_name: string | null;
  @ApiProperty({ type: [String], example: ['auditor'] }) roles: string[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ description: 'The password hash is still the one imported from another system (replaced by argon2id at the next sign-in)', example: false })
  legacy_password_hash: boolean;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) updated_at: number;
}

export class UserListQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Only users whose username or email contains this text' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: only users still on a password hash imported from another system' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  legacy_hash?: boolean;
}

export class UserPage {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) per_page: number;
  @ApiProperty({ example: 1 }) total: number;
}

export class ConsentResponse {
  @ApiProperty({ example: '0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f' }) id: string;
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ example: 'read write' }) scope: string;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) updated_at: number;
}

export function toUserResponse(user: UserProfile): UserResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    roles: [...user.roles],
    enabled: user.enabled,
    legacy_password_hash: user.legacyPasswordHash,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** The profile fields of a user request as user changes (absent: unchanged). */
export function userProfileFrom(dto: Pick<CreateUserDto, 'email' | 'email_verified' | 'name' | 'given_name' | 'family_name'>): {
  email?: string | null;
  emailVerified?: boolean;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
} {
  return {
    ...(dto.email !== undefined ? { email: dto.email } : {}),
    ...(dto.email_verified !== undefined ? { emailVerified: dto.email_verified } : {}),
    ...(dto.name !== undefined ? { name: dto.name } : {}),
    ...(dto.given_name !== undefined ? { givenName: dto.given_name } : {}),
    ...(dto.family_name !== undefined ? { familyName: dto.family_name } : {}),
  };
}
