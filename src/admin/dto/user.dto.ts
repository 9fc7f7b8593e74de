import { RejectUnknownFields } from '../../common/http/validation';
import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryBoolean } from '../../common/http/query-boolean';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { ACCEPTED_HASH_FORMATS, importPasswordHash, UnsupportedPasswordHash, Wso2SaltedHash } from '../../common/crypto/imported-password-hash';
import { PaginationQuery } from './pagination.dto';
import type { UserAddress, UserAttributes, UserProfile } from '../../users/users.service';

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

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
/** Core §5.1: YYYY-MM-DD, YYYY alone, or 0000-MM-DD when the year is withheld. */
const BIRTHDATE = /^(\d{4}|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))$/;
/** A BCP 47 language tag (the common subset: language, script, region, variants). */
const LOCALE = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/;
/** An IANA time zone name (Europe/Paris, America/Argentina/Buenos_Aires, UTC). */
const ZONEINFO = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
/** A telephone number, E.164 recommended, with an RFC 3966 extension. */
const PHONE_NUMBER = /^\+?[0-9][0-9 ().-]{1,40}(;ext=[0-9]{1,10})?$/;

/** OpenID Connect Core §5.1.1: the address claim. */
@RejectUnknownFields()
export class AddressDto {
  @ApiPropertyOptional({ example: '1 Main Street\n12345 Springfield\nUS', description: 'The full address for display, lines separated by \\n' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  formatted?: string;

  @ApiPropertyOptional({ example: '1 Main Street' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  street_address?: string;

  @ApiPropertyOptional({ example: 'Springfield', description: 'City' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  locality?: string;

  @ApiPropertyOptional({ example: 'IL', description: 'State, province, prefecture or region' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  region?: string;

  @ApiPropertyOptional({ example: '12345' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  postal_code?: string;

  @ApiPropertyOptional({ example: 'US' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  country?: string;
}

/** The OpenID Connect standard claims an admin sets on a user (scopes profile, email, address and phone; Core §5.1). */
export class UserClaimsDto {
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

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Augusta' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  middle_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  nickname?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://example.com/ada', description: 'URL of the profile page' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  profile?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://example.com/ada.png', description: 'URL of a picture of the user' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  picture?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://ada.example.org' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  website?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'female', description: 'female, male, or another value' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  gender?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1815-12-10', description: 'YYYY-MM-DD, YYYY, or 0000-MM-DD' })
  @IsOptional()
  @IsString()
  @Matches(BIRTHDATE, { message: 'birthdate must be YYYY-MM-DD, YYYY or 0000-MM-DD' })
  birthdate?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/London', description: 'IANA time zone' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(ZONEINFO, { message: 'zoneinfo must be an IANA time zone name such as Europe/Paris' })
  zoneinfo?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en-GB', description: 'BCP 47 language tag' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  @Matches(LOCALE, { message: 'locale must be a BCP 47 language tag such as en-GB' })
  locale?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '+44 20 7946 0000',
    description: 'OpenID Connect claim phone_number (scope phone); E.164 recommended',
  })
  @IsOptional()
  @IsString()
  @Matches(PHONE_NUMBER, { message: 'phone_number must be a telephone number such as +1 604 555 1234;ext=5678' })
  phone_number?: string | null;

  @ApiPropertyOptional({ description: 'OpenID Connect claim phone_number_verified (scope phone)', default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  phone_number_verified?: boolean;

  @ApiPropertyOptional({ type: AddressDto, nullable: true, description: 'OpenID Connect claim address (scope address)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;
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
  @ApiProperty({ type: String, nullable: true, example: null }) middle_name: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) nickname: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) profile: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) picture: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) website: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) gender: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) birthdate: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Europe/Paris' }) zoneinfo: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'fr-FR' }) locale: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+33 1 23 45 67 89' }) phone_number: string | null;
  @ApiProperty({ example: false }) phone_number_verified: boolean;
  @ApiProperty({ type: AddressDto, nullable: true }) address: UserAddress | null;
  @ApiProperty({ type: [String], example: ['auditor'] }) roles: string[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ description: 'The password hash is still the one imported from another system (replaced by argon2id at the next sign-in)', example: false })
  legacy_password_hash: boolean;
  @ApiProperty({ description: 'Where the password is checked: `local`, or `ldap:<directory id>` for a user of a directory (read-only here)', example: 'local' })
  source: string;
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
    ...userSettingsOf(user),
    legacy_password_hash: user.legacyPasswordHash,
    source: user.source,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** What an administrator sets on a user, as the API answers it and the export writes it (never the password). */
export function userSettingsOf(user: UserProfile) {
  return {
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    middle_name: user.middleName,
    nickname: user.nickname,
    profile: user.profile,
    picture: user.picture,
    website: user.website,
    gender: user.gender,
    birthdate: user.birthdate,
    zoneinfo: user.zoneinfo,
    locale: user.locale,
    phone_number: user.phoneNumber,
    phone_number_verified: user.phoneNumberVerified,
    address: user.address ? { ...user.address } : null,
    roles: [...user.roles],
    enabled: user.enabled,
  };
}

/** The profile fields of a user request as user changes (absent: unchanged). */
export function userProfileFrom(dto: UserClaimsDto & { email?: string | null }): Omit<UserAttributes, 'roles' | 'enabled'> {
  const address = dto.address === undefined ? undefined : dto.address === null ? null : addressFrom(dto.address);
  const changes: Omit<UserAttributes, 'roles' | 'enabled'> = {
    email: dto.email,
    emailVerified: dto.email_verified,
    name: dto.name,
    givenName: dto.given_name,
    familyName: dto.family_name,
    middleName: dto.middle_name,
    nickname: dto.nickname,
    profile: dto.profile,
    picture: dto.picture,
    website: dto.website,
    gender: dto.gender,
    birthdate: dto.birthdate,
    zoneinfo: dto.zoneinfo,
    locale: dto.locale,
    phoneNumber: dto.phone_number,
    phoneNumberVerified: dto.phone_number_verified,
    address,
  };
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

/** The members given, as a plain object (what the address column stores). */
function addressFrom(dto: AddressDto): UserAddress {
  const { formatted, street_address, locality, region, postal_code, country } = dto;
  const address: UserAddress = { formatted, street_address, locality, region, postal_code, country };
  return Object.fromEntries(Object.entries(address).filter(([, value]) => value !== undefined));
}
