import { ApiProperty } from '@nestjs/swagger';
import type { TokenSummary } from '../../tokens/token.service';

export class TokenSummaryResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['access_token', 'refresh_token'] }) type: 'access_token' | 'refresh_token';
  @ApiProperty() client_id: string;
  @ApiProperty({ type: String, nullable: true }) user_id: string | null;
  @ApiProperty() scope: string;
  @ApiProperty({ description: 'Epoch seconds' }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds' }) expires_at: number;
}

export function toTokenSummaryResponse(token: TokenSummary): TokenSummaryResponse {
  return {
    id: token.id,
    type: token.type,
    client_id: token.clientId,
    user_id: token.userId,
    scope: token.scope,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
  };
}
