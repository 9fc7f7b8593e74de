import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsString, MaxLength } from 'class-validator';

export class ClientCredentialsRequest {
  @IsOptionalNotNull() @IsString() @MaxLength(2048)
  scope?: string;
}
