import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TokenSuccessResponse {
  @ApiProperty({ example: 'c92b6227a19c46f1a6545bf370bb6ee6e30ff87957ef4b1aaa9577f7e86e4bd7' }) access_token: string;
  @ApiProperty({ enum: ['Bearer', 'DPoP'], example: 'Bearer', description: '`DPoP` for a DPoP-bound access token (RFC 9449 §5)' }) token_type: string;
  @ApiProperty({ example: 3600 }) expires_in: number;
  @ApiPropertyOptional({ example: 'f78dd4fc5b8d4d799cf066427e828e26ce7e3723e4334416a7b9cd8a274e6947' }) refresh_token?: string;
  @ApiProperty({ example: 'TestRefreshtoken' }) scope: string;
  @ApiPropertyOptional({ description: 'OpenID Connect Core §3.1.3.3, when the scope includes openid' }) id_token?: string;
  @ApiPropertyOptional({ description: 'RFC 8693 §2.2.1, token exchange only', example: 'urn:ietf:params:oauth:token-type:access_token' })
  issued_token_type?: string;
}
