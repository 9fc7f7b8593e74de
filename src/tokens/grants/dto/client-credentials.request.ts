import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ClientCredentialsRequest {
  @IsOptional() @IsString() @MaxLength(2048)
  scope?: string;
}
