import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class PasswordRequest {
  @IsString() @IsNotEmpty() @MaxLength(255)
  username: string;

  @IsString() @IsNotEmpty() @MaxLength(1024)
  password: string;

  @IsOptional() @IsString() @MaxLength(2048)
  scope?: string;
}
