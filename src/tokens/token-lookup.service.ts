import { Injectable } from '@nestjs/common';
import { nowSeconds } from '../common/time';
import type { AccessTokenEntity } from './entities/access-token.entity';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';
import { TokenService } from './token.service';

export type FoundToken =
  | { readonly kind: 'access_token'; readonly row: AccessTokenEntity }
  | { readonly kind: 'refresh_token'; readonly row: RefreshTokenEntity };

/** Finds a token of either kind, trying the hinted kind first (RFC 7009 §2.1, RFC 7662 §2.1). */
@Injectable()
export class TokenLookupService {
  constructor(private readonly tokens: TokenService) {}

  async find(token: string, hint: string | undefined): Promise<FoundToken | null> {
    const lookups = [
      async (): Promise<FoundToken | null> => {
        const row = await this.tokens.findAccessToken(token);
        return row ? { kind: 'access_token', row } : null;
      },
      async (): Promise<FoundToken | null> => {
        const row = await this.tokens.findRefreshToken(token);
        return row ? { kind: 'refresh_token', row } : null;
      },
    ];
    if (hint === 'refresh_token') lookups.reverse();
    for (const lookup of lookups) {
      const found = await lookup();
      if (found) return found;
    }
    return null;
  }

  static isActive(found: FoundToken): boolean {
    const { row } = found;
    if (row.revokedAt !== null || row.expiresAt <= nowSeconds()) return false;
    return found.kind === 'access_token' || found.row.rotatedAt === null;
  }
}
