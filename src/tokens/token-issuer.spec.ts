import type { AppConfig } from '../config/app-config';
import { nowSeconds } from '../common/time';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';
import { aClient, aRefreshToken } from './grants/testing/in-memory';
import { TokenIssuer } from './token-issuer';
import type { TokenStore } from './token-store';

/** unreceived(): when a rotated refresh token presented again is a client's retry rather than a replay. */
function issuer(child: RefreshTokenEntity | null, windowSeconds = 60) {
  const asked: [string, string][] = [];
  const store = {
    unspentChild: async (grantId: string, parentId: string) => {
      asked.push([grantId, parentId]);
      return child;
    },
  } as unknown as TokenStore;
  const unused = {} as never;
  return { asked, issuer: new TokenIssuer(store, unused, unused, unused, unused, { tokenRetryWindowSeconds: windowSeconds } as AppConfig) };
}

describe('TokenIssuer.unreceived (issue 12 §1: a retry after a 503 whose COMMIT went through)', () => {
  const now = nowSeconds();

  it('names the unused refresh token the first request issued, and its access token', async () => {
    const { issuer: subject, asked } = issuer(aRefreshToken({ id: 'child', accessTokenId: 'child-access' }));
    expect(await subject.unreceived(aClient(), 'grant-1', 'parent', now - 5)).toEqual({ refreshTokenId: 'child', accessTokenId: 'child-access' });
    expect(asked).toEqual([['grant-1', 'parent']]);
  });

  it('is a replay once the child was used, revoked or expired', async () => {
    for (const child of [aRefreshToken({ rotatedAt: now }), aRefreshToken({ revokedAt: now }), aRefreshToken({ expiresAt: now - 1 }), null]) {
      expect(await issuer(child).issuer.unreceived(aClient(), 'grant-1', 'parent', now - 5)).toBeNull();
    }
  });

  it('is a replay for a client that keeps its refresh token (reuse): its use is never recorded', async () => {
    const { issuer: subject, asked } = issuer(aRefreshToken());
    expect(await subject.unreceived(aClient({ refreshTokenRotation: 'reuse' }), 'grant-1', 'parent', now - 5)).toBeNull();
    expect(asked).toHaveLength(0);
  });

  it('is a replay after the window, and always when the window is 0', async () => {
    const { issuer: late, asked } = issuer(aRefreshToken());
    expect(await late.unreceived(aClient(), 'grant-1', 'parent', now - 61)).toBeNull();
    expect(asked).toHaveLength(0);
    expect(await issuer(aRefreshToken(), 0).issuer.unreceived(aClient(), 'grant-1', 'parent', now)).toBeNull();
  });
});
