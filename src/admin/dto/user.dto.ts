import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { UserProfile } from '../../users/users.service';

const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;

export class CreateUserDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsString() @MinLength(1) @MaxLength(255) @Matches(/^\S+$/, { message: 'username must not contain spaces' })
  username: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'alice@example.com' })
  @IsOptional() @IsEmail() @MaxLength(320)
  email?: string | null;

  @ApiProperty({ writeOnly: true, minLength: 8, example: 'correct horse battery staple' })
  @IsString() @MinLength(8) @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ type: [String], example: ['admin'], description: '"admin" makes an administrator' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(50) @Matches(ROLE, { each: true, message: 'each role must be 1-64 letters, digits or _.:-' })
  roles?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull() @IsBoolean()
  enabled?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional() @IsEmail() @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ writeOnly: true, minLength: 8, description: 'Password reset; ends the user’s browser sessions' })
  @IsOptionalNotNull() @IsString() @MinLength(8) @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(50) @Matches(ROLE, { each: true, message: 'each role must be 1-64 letters, digits or _.:-' })
  roles?: string[];

  @ApiPropertyOptional({ description: 'Disabling revokes the user’s tokens' })
  @IsOptionalNotNull() @IsBoolean()
  enabled?: boolean;
}

export class UserResponse {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'Epoch seconds' }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds' }) updated_at: number;
}

export class UserPage {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
  @ApiProperty() page: number;
  @ApiProperty() per_page: number;
  @ApiProperty() total: number;
}

export class ConsentResponse {
  @ApiProperty() id: string;
  @ApiProperty() client_id: string;
  @ApiProperty({ example: 'read write' }) scope: string;
  @ApiProperty({ description: 'Epoch seconds' }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds' }) updated_at: number;
}

export function toUserResponse(user: UserProfile): UserResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    roles: [...user.roles],
    enabled: user.enabled,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
