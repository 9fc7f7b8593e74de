import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class RefreshTokenRequest {
  @IsString() @IsNotEmpty() @MaxLength(512)
  refresh_token: string;

  @IsOptional() @IsString() @MaxLength(2048)
  scope?: string;
}
