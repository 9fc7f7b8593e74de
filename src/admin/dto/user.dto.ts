import { RejectUnknownFields } from '../../common/http/validation';
import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { ACCEPTED_HASH_FORMATS, importPasswordHash, UnsupportedPasswordHash, Wso2SaltedHash } from '../../common/crypto/imported-password-hash';
import { EpochSeconds, Nested, NullableString, OptionalFlag, QueryFlag, QueryString, RequiredText, Stacked } from './fields';
import { PageOf, PaginationQuery } from './pagination.dto';
import { storedProfileClaims } from '../../oidc/standard-claims';
import type { UserAddress, UserAttributes, UserProfile } from '../../users/users.service';

const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The fields a user is created and changed with alike; each DTO documents them in its own words. */
const EmailField = (doc: ApiPropertyOptions): PropertyDecorator =>
  Stacked(ApiPropertyOptional({ type: String, nullable: true, ...doc }), IsOptional(), IsEmail(), MaxLength(320));
const PasswordField = (doc: ApiPropertyOptions): PropertyDecorator =>
  Stacked(ApiPropertyOptional({ writeOnly: true, minLength: 8, ...doc }), IsOptionalNotNull(), IsString(), MinLength(8), MaxLength(1024));
const RolesField = (doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(
    ApiPropertyOptional({ type: [String], ...doc }),
    IsOptionalNotNull(),
    IsArray(),
    ArrayMaxSize(50),
    Matches(ROLE, { each: true, message: 'each role must be 1-64 letters, digits or _.:-' }),
  );

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

/** An http(s) URL claim (profile, picture, website); null clears it. */
const NullableUrl = (doc: ApiPropertyOptions): PropertyDecorator =>
  Stacked(ApiPropertyOptional({ type: String, nullable: true, ...doc }), IsOptional(), IsUrl(URL_OPTIONS), MaxLength(2048));

/** Core §5.1: YYYY-MM-DD, YYYY alone, or 0000-MM-DD when the year is withheld. */
const BIRTHDATE = /^(\d{4}|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))$/;
/** A BCP 47 language tag (the common subset: language, script, region, variants). */
const LOCALE = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/;
/** An IANA time zone name (Europe/Paris, America/Argentina/Buenos_Aires, UTC). */
const ZONEINFO = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
/** A telephone number, E.164 recommended, with an RFC 3966 extension. */
const PHONE_NUMBER = /^\+?[0-9][0-9 ().-]{1,40}(;ext=[0-9]{1,10})?$/;

/** A member of the address claim: optional text, never null. */
const AddressMember = (maxLength: number, doc: ApiPropertyOptions): PropertyDecorator =>
  Stacked(ApiPropertyOptional(doc), IsOptionalNotNull(), IsString(), MaxLength(maxLength));

/** OpenID Connect Core §5.1.1: the address claim. */
@RejectUnknownFields()
export class AddressDto {
  @AddressMember(1024, { example: '1 Main Street\n12345 Springfield\nUS', description: 'The full address for display, lines separated by \\n' })
  formatted?: string;

  @AddressMember(512, { example: '1 Main Street' })
  street_address?: string;

  @AddressMember(255, { example: 'Springfield', description: 'City' })
  locality?: string;

  @AddressMember(255, { example: 'IL', description: 'State, province, prefecture or region' })
  region?: string;

  @AddressMember(64, { example: '12345' })
  postal_code?: string;

  @AddressMember(255, { example: 'US' })
  country?: string;
}

/** The OpenID Connect standard claims an admin sets on a user (scopes profile, email, address and phone; Core §5.1). */
export class UserClaimsDto {
  @NullableString(255, { example: 'Ada Lovelace', description: 'OpenID Connect claim name (scope profile)' })
  name?: string | null;

  @NullableString(255, { example: 'Ada' })
  given_name?: string | null;

  @NullableString(255, { example: 'Lovelace' })
  family_name?: string | null;

  @OptionalFlag({ description: 'OpenID Connect claim email_verified (scope email)', default: false })
  email_verified?: boolean;

  @NullableString(255, { example: 'Augusta' })
  middle_name?: string | null;

  @NullableString(255, { example: 'Ada' })
  nickname?: string | null;

  @NullableUrl({ example: 'https://example.com/ada', description: 'URL of the profile page' })
  profile?: string | null;

  @NullableUrl({ example: 'https://example.com/ada.png', description: 'URL of a picture of the user' })
  picture?: string | null;

  @NullableUrl({ example: 'https://ada.example.org' })
  website?: string | null;

  @NullableString(64, { example: 'female', description: 'female, male, or another value' })
  gender?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1815-12-10', description: 'YYYY-MM-DD, YYYY, or 0000-MM-DD' })
  @IsOptional()
  @IsString()
  @Matches(BIRTHDATE, { message: 'birthdate must be YYYY-MM-DD, YYYY or 0000-MM-DD' })
  birthdate?: string | null;

  @NullableString(64, { example: 'Europe/London', description: 'IANA time zone' })
  @Matches(ZONEINFO, { message: 'zoneinfo must be an IANA time zone name such as Europe/Paris' })
  zoneinfo?: string | null;

  @NullableString(35, { example: 'en-GB', description: 'BCP 47 language tag' })
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

  @OptionalFlag({ description: 'OpenID Connect claim phone_number_verified (scope phone)', default: false })
  phone_number_verified?: boolean;

  @Nested(AddressDto, { nullable: true, description: 'OpenID Connect claim address (scope address)' })
  address?: AddressDto | null;
}

@RejectUnknownFields()
export class CreateUserDto extends UserClaimsDto {
  @RequiredText(255, { example: 'alice@example.com' })
  @Matches(/^\S+$/, { message: 'username must not contain spaces' })
  username: string;

  @EmailField({ example: 'alice@example.com' })
  email?: string | null;

  @PasswordField({ example: 'correct horse battery staple', description: 'Give password or password_hash' })
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

  @RolesField({ example: ['admin'], description: '"admin" makes an administrator' })
  roles?: string[];

  @OptionalFlag({ default: true })
  enabled?: boolean;
}

@RejectUnknownFields()
export class UpdateUserDto extends UserClaimsDto {
  @EmailField({ example: 'alice@example.org' })
  email?: string | null;

  @PasswordField({ description: 'Password reset; ends the user’s browser sessions' })
  password?: string;

  @RolesField()
  roles?: string[];

  @OptionalFlag({ description: 'Disabling revokes the user’s tokens' })
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
  @EpochSeconds(1796000000) created_at: number;
  @EpochSeconds(1796000000) updated_at: number;
}

export class UserListQuery extends PaginationQuery {
  @QueryString(255, { description: 'Only users whose username or email contains this text' })
  search?: string;

  @QueryFlag({ description: 'true: only users still on a password hash imported from another system' })
  legacy_hash?: boolean;
}

export class UserPage extends PageOf(UserResponse) {}

export class ConsentResponse {
  @ApiProperty({ example: '0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f' }) id: string;
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ example: 'read write' }) scope: string;
  @EpochSeconds(1796000000) created_at: number;
  @EpochSeconds(1796000000) updated_at: number;
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
    ...storedProfileClaims(user),
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
