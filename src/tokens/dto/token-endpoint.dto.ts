import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI description of the token request (form or JSON); each grant validates its own DTO. */
export class TokenRequestBody {
  @ApiProperty({ example: 'authorization_code', description: 'authorization_code, password, refresh_token, client_credentials, or a registered extension grant' })
  grant_type: string;
  @ApiPropertyOptional({ description: 'authorization_code' }) code?: string;
  @ApiPropertyOptional({ description: 'authorization_code: required when sent at authorize' }) redirect_uri?: string;
  @ApiPropertyOptional({ description: 'authorization_code with PKCE (RFC 7636)' }) code_verifier?: string;
  @ApiPropertyOptional({ description: 'password' }) username?: string;
  @ApiPropertyOptional({ description: 'password', format: 'password' }) password?: string;
  @ApiPropertyOptional({ description: 'refresh_token' }) refresh_token?: string;
  @ApiPropertyOptional({ description: 'Space-separated; refresh may only narrow it (RFC 6749 §6)' }) scope?: string;
  @ApiPropertyOptional({ description: 'Public clients, client_secret_post, or alongside Basic (webMethods)' }) client_id?: string;
  @ApiPropertyOptional({ description: 'client_secret_post only' }) client_secret?: string;
}

export class TokenSuccessResponse {
  @ApiProperty({ example: 'c92b6227a19c46f1a6545bf370bb6ee6e30ff87957ef4b1aaa9577f7e86e4bd7' }) access_token: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) token_type: 'Bearer';
  @ApiProperty({ example: 3600 }) expires_in: number;
  @ApiPropertyOptional({ example: 'f78dd4fc5b8d4d799cf066427e828e26ce7e3723e4334416a7b9cd8a274e6947' }) refresh_token?: string;
  @ApiProperty({ example: 'TestRefreshtoken' }) scope: string;
}
