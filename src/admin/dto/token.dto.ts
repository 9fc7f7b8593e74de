import { ApiProperty } from '@nestjs/swagger';
import type { TokenSummary } from '../../tokens/token-store';
import { EpochSeconds } from './fields';

/** What a list of a user's or an application's tokens holds, and what it cannot hold. */
export const STORED_TOKENS_ONLY =
  'Stored tokens only: opaque access tokens and refresh tokens. JWT access tokens are not stored and not listed: each issuance is in the audit trail (`token.issued`, subject = the JWT’s `jti`), and revoking every token here (or disabling) refuses them too.';

export class TokenSummaryResponse {
  @ApiProperty({ example: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b' }) id: string;
  @ApiProperty({ enum: ['access_token', 'refresh_token'], example: 'access_token' }) type: 'access_token' | 'refresh_token';
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ type: String, nullable: true, example: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b' }) user_id: string | null;
  @ApiProperty({ example: 'read' }) scope: string;
  @EpochSeconds(1796000000) created_at: number;
  @EpochSeconds(1796003600) expires_at: number;
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
