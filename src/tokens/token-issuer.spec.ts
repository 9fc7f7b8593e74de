import type { AuditService } from '../audit/audit.service';
import { nowSeconds } from '../common/time';
import type { ResourceServersService } from '../resources/resource-servers.service';
import type { SettingsService } from '../settings/settings.service';
import type { UsersService } from '../users/users.service';
import type { AccessTokenFormats } from './access-token-formats';
import type { TokenBindingRegistry } from './binding/token-binding-registry';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';
import { aClient, aRefreshToken, aUser, InMemoryUsers } from './grants/testing/in-memory';
import { type IssueContext, TokenIssuer } from './token-issuer';
import type { TokenStore, TokenWrite } from './token-store';

const ISSUER = 'https://as.example';

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
  return { asked, issuer: new TokenIssuer(store, unused, unused, unused, unused, unused, windowSeconds, unused, unused, unused) };
}

describe('TokenIssuer.unreceived (a retry after a 503 whose COMMIT went through)', () => {
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

interface IssuingOptions {
  /** The token store; by default one that records what is written. */
  readonly store?: object;
  /** Whether access tokens are stored (opaque) rather than self-contained (JWT). */
  readonly stored?: boolean;
  readonly retryWindowSeconds?: number;
}

/** An issuer over fakes that records what it would store; `users` are the users as stored now. */
function issuing(users = new InMemoryUsers(), { store, stored = true, retryWindowSeconds = 0 }: IssuingOptions = {}) {
  const written: TokenWrite[] = [];
  const recording = {
    write: async (job: TokenWrite) => {
      written.push(job);
      return true;
    },
  };
  const formats = { encode: async () => 'token-value', isStored: () => stored } as unknown as AccessTokenFormats;
  const settings = { get: async () => ({ accessTokenTtl: 3600, refreshTokenTtl: 86400 }) } as unknown as SettingsService;
  const audit = { row: (event: object) => event } as unknown as AuditService;
  const bindings = { tokenType: () => 'Bearer' } as unknown as TokenBindingRegistry;
  const tokens = (store ?? recording) as unknown as TokenStore;
  const issuer = new TokenIssuer(
    tokens,
    formats,
    settings,
    audit,
    {} as ResourceServersService,
    ISSUER,
    retryWindowSeconds,
    null,
    users as unknown as UsersService,
    bindings,
  );
  return { issuer, written };
}

describe('TokenIssuer: the scope rule every grant is held to, extension grants included', () => {
  const adminClient = aClient({ scope: 'read admin' });
  const context = (overrides: Partial<IssueContext>): IssueContext => ({
    client: adminClient,
    userId: null,
    scope: 'read',
    withRefreshToken: false,
    ...overrides,
  });

  it('refuses a scope outside the client’s allowed scopes with invalid_scope, and stores nothing', async () => {
    const { issuer, written } = issuing();
    await expect(issuer.issue(context({ scope: 'read write' }))).rejects.toMatchObject({ code: 'invalid_scope' });
    expect(written).toHaveLength(0);
  });

  it('refuses the admin scope to a token without a user (client_credentials, extension grants) with invalid_scope', async () => {
    const { issuer, written } = issuing();
    await expect(issuer.issue(context({ scope: 'admin' }))).rejects.toMatchObject({
      code: 'invalid_scope',
      description: 'the admin scope is only issued to a user with the admin role',
    });
    expect(written).toHaveLength(0);
  });

  it('refuses the admin scope to a user without the admin role, whatever roles the grant believes', async () => {
    const { issuer } = issuing(new InMemoryUsers([aUser({ roles: ['auditor'] })]));
    await expect(issuer.issue(context({ userId: 'user-1', scope: 'read admin' }))).rejects.toMatchObject({ code: 'invalid_scope' });
  });

  it('refuses the admin scope to an administrator who is disabled or no longer exists', async () => {
    const { issuer } = issuing(new InMemoryUsers([aUser({ roles: ['admin'], enabled: false })]));
    await expect(issuer.issue(context({ userId: 'user-1', scope: 'admin' }))).rejects.toMatchObject({ code: 'invalid_scope' });
    await expect(issuer.issue(context({ userId: 'someone-else', scope: 'admin' }))).rejects.toMatchObject({ code: 'invalid_scope' });
  });

  it('refuses a refresh token carrying the admin scope to a user without the role, even with a narrower access token', async () => {
    const { issuer, written } = issuing(new InMemoryUsers([aUser({ roles: [] })]));
    await expect(issuer.issue(context({ userId: 'user-1', scope: 'read', withRefreshToken: true, refreshScope: 'read admin' }))).rejects.toMatchObject({
      code: 'invalid_scope',
    });
    expect(written).toHaveLength(0);
  });

  it('issues the admin scope to a user who holds the admin role now', async () => {
    const { issuer, written } = issuing(new InMemoryUsers([aUser({ roles: ['admin'] })]));
    const response = await issuer.issue(context({ userId: 'user-1', scope: 'read admin', withRefreshToken: true }));
    expect(response).toMatchObject({ scope: 'read admin', refresh_token: expect.any(String) });
    expect(written[0]).toMatchObject({ access: { scope: 'read admin', userId: 'user-1' }, refresh: { scope: 'read admin' } });
  });

  it('issues unreserved scopes without looking the user up (no cost for the common token)', async () => {
    const users = new InMemoryUsers([aUser({ roles: ['admin'] })]);
    const lookups = jest.spyOn(users, 'findEnabled');
    const { issuer } = issuing(users);
    expect(await issuer.issue(context({ userId: 'user-1', scope: 'read' }))).toMatchObject({ scope: 'read' });
    expect(lookups).not.toHaveBeenCalled();
    await issuer.issue(context({ userId: 'user-1', scope: 'admin' }));
    expect(lookups).toHaveBeenCalledWith('user-1');
  });
});

describe('TokenIssuer.reissue (a retry replacing the tokens of a lost answer)', () => {
  it('deny-lists the replaced access token for the longest lifetime any access token can have, not the new token’s', async () => {
    const revoked: [string, string, number | undefined][] = [];
    const store = {
      write: async () => true,
      longestTokenLifetime: async () => 7200,
      revokeAccessToken: async (id: string, reason: string, jwtExpiresAt?: number) => {
        revoked.push([id, reason, jwtExpiresAt]);
      },
    };
    const { issuer: subject } = issuing(new InMemoryUsers(), { store, stored: false, retryWindowSeconds: 60 });
    // The new token lives 300 s; the one it replaces may have been issued for a resource whose tokens live 7200 s.
    const client = aClient({ accessTokenTtl: 300, accessTokenFormat: 'jwt' });
    const before = nowSeconds();
    const response = await subject.reissue(
      { client, userId: null, scope: 'read', withRefreshToken: true },
      { refreshTokenId: 'child', accessTokenId: 'child-access' },
    );
    expect(response).toMatchObject({ expires_in: 300 });
    expect(revoked).toHaveLength(1);
    const [[id, reason, expiresAt]] = revoked;
    expect([id, reason]).toEqual(['child-access', 'replaced']);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7200);
  });
});
