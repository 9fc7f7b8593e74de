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
  @ApiPropertyOptional({ type: String, nullable: true, example: 'alice@example.org' })
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
  @ApiProperty({ example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) id: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ type: String, nullable: true, example: 'alice@example.com' }) email: string | null;
  @ApiProperty({ type: [String], example: ['auditor'] }) roles: string[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) updated_at: number;
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
    roles: [...user.roles],
    enabled: user.enabled,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
