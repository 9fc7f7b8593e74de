import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class AuthorizationCodeRequest {
  @IsString() @IsNotEmpty() @MaxLength(512)
  code: string;

  @IsOptional() @IsString() @MaxLength(2048)
  redirect_uri?: string;

  @IsOptional() @IsString() @MaxLength(512)
  code_verifier?: string;
}
