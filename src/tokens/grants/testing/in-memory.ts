import { CLIENT_REQUIREMENT_DEFAULTS, CLIENT_SETTING_DEFAULTS } from '../../../clients/client-defaults';
import type { AuthenticatedClient } from '../../../clients/clients.service';
import { NO_KEY_MATERIAL } from '../../../clients/client.entity';
import { nowSeconds } from '../../../common/time';
import type { UserProfile, UsersService } from '../../../users/users.service';
import type { AccessTokenEntity } from '../../entities/access-token.entity';
import type { AuthorizationCodeEntity } from '../../entities/authorization-code.entity';
import type { RefreshTokenEntity } from '../../entities/refresh-token.entity';
import type { TokenResponse } from '../../token-response';
import type { GrantIssuer, IssueContext, Replaced } from '../../token-issuer';
import { type GrantTokenLookup, isActive, type SingleUseInput } from '../../token-store';

export type { GrantIssuer } from '../../token-issuer';
export type { GrantTokenLookup } from '../../token-store';

/**
 * In-memory stand-ins for what the grants call, for their unit specs (and extension authors'):
 * no Nest app, no database. One object plays the issuer and the store, checked against both
 * by `implements`; it records what the grant asked of it, so a spec reads as "the grant issued /
 * spent / replaced / revoked".
 */
export class InMemoryTokens implements GrantIssuer, GrantTokenLookup {
  readonly issued: IssueContext[] = [];
  readonly spent = new Set<string>();
  readonly replaced: Replaced[] = [];
  readonly revokedGrants: { grantId: string; reason: string }[] = [];
  readonly refreshTokens = new Map<string, RefreshTokenEntity>();
  readonly accessTokens = new Map<string, AccessTokenEntity>();
  /** Set to make the next spend lose its race with a concurrent request. */
  loseNextRace = false;
  /** What unreceived() answers: the tokens a retry may replace (null: a replay). */
  unreceivedTokens: Replaced | null = null;
  /**
   * Set to have a compensation (TokenCompensator, on any instance) commit at the next call of
   * unreceived() or reissue(), before it reads: the tokens unreceived() answers are revoked, so
   * nothing is left to replace, and the refresh token `spentId` is spendable again.
   */
  compensateAt: { readonly call: 'unreceived' | 'reissue'; readonly spentId: string } | null = null;
  private readonly revokedIds = new Set<string>();
  private counter = 0;

  async issue(context: IssueContext): Promise<TokenResponse> {
    this.issued.push(context);
    const response: TokenResponse = { access_token: `access-${++this.counter}`, token_type: 'Bearer', expires_in: 3600, scope: context.scope };
    if (context.withRefreshToken && context.client.grantTypes.includes('refresh_token')) response.refresh_token = `refresh-${this.counter}`;
    return response;
  }

  async issueSpending(context: IssueContext, input: SingleUseInput): Promise<TokenResponse | null> {
    if (!this.spend(input.id)) return null;
    return this.issue(context);
  }

  async reissue(context: IssueContext, replaced: Replaced): Promise<TokenResponse | null> {
    this.compensateIfDue('reissue');
    if (!this.spend(replaced.refreshTokenId)) return null;
    this.replaced.push(replaced);
    return this.issue(context);
  }

  async unreceived(): Promise<Replaced | null> {
    this.compensateIfDue('unreceived');
    return this.unreceivedTokens;
  }

  private compensateIfDue(call: 'unreceived' | 'reissue'): void {
    const due = this.compensateAt;
    if (due?.call !== call) return;
    this.compensateAt = null;
    if (this.unreceivedTokens) this.revokedIds.add(this.unreceivedTokens.refreshTokenId);
    this.unreceivedTokens = null;
    for (const row of this.refreshTokens.values()) if (row.id === due.spentId) row.rotatedAt = null;
  }

  private spend(id: string): boolean {
    if (this.revokedIds.has(id)) return false;
    if (this.loseNextRace || this.spent.has(id)) {
      this.loseNextRace = false;
      return false;
    }
    this.spent.add(id);
    return true;
  }

  /** A copy, as a database read is: a later change is seen only by reading again. */
  async findRefreshToken(token: string): Promise<RefreshTokenEntity | null> {
    const row = this.refreshTokens.get(token);
    return row ? { ...row } : null;
  }

  async findActiveAccessToken(token: string): Promise<AccessTokenEntity | null> {
    const row = this.accessTokens.get(token);
    return row && isActive({ kind: 'access_token', row }) ? row : null;
  }

  async revokeGrant(grantId: string, reason: string): Promise<void> {
    this.revokedGrants.push({ grantId, reason });
    for (const row of this.refreshTokens.values()) if (row.grantId === grantId) row.revokedAt ??= nowSeconds();
  }

  async refreshTokenRevoked(id: string): Promise<boolean> {
    const row = [...this.refreshTokens.values()].find((r) => r.id === id);
    return !row || row.revokedAt !== null;
  }

  /** This fake as the issuer grants take. */
  asIssuer(): GrantIssuer {
    return this;
  }

  /** This fake as the token store grants take. */
  asStore(): GrantTokenLookup {
    return this;
  }
}

export function aClient(overrides: Partial<AuthenticatedClient> = {}): AuthenticatedClient {
  return {
    id: 'client-1',
    clientName: 'Test Application',
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: ['https://rp.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
    scope: 'read write',
    ...CLIENT_SETTING_DEFAULTS,
    accessTokenFormat: 'opaque',
    ...CLIENT_REQUIREMENT_DEFAULTS,
    enabled: true,
    createdAt: 0,
    updatedAt: 0,
    postLogoutRedirectUris: [],
    resources: [],
    ...NO_KEY_MATERIAL,
    isPublic: false,
    weakSecret: false,
    ...overrides,
  } as AuthenticatedClient;
}

export function aUser(overrides: Partial<UserProfile> = {}): UserProfile {
  return { id: 'user-1', username: 'alice', email: null, roles: [], enabled: true, legacyPasswordHash: false, source: 'local', ...overrides } as UserProfile;
}

export function anAuthorizationCode(overrides: Partial<AuthorizationCodeEntity> = {}): AuthorizationCodeEntity {
  const now = nowSeconds();
  return {
    id: 'code-1',
    codeHash: 'hash',
    clientId: 'client-1',
    userId: 'user-1',
    redirectUri: 'https://rp.example/cb',
    redirectUriProvided: true,
    scope: 'read',
    codeChallenge: null,
    codeChallengeMethod: null,
    nonce: null,
    authTime: now - 10,
    resource: null,
    claims: null,
    dpopJkt: null,
    authentication: null,
    expiresAt: now + 300,
    spentAt: null,
    createdAt: now,
    ...overrides,
  };
}

/** What an access token and a refresh token of one grant share: user-1's grant-1 for client-1, read write. */
function tokenOfGrant(now: number) {
  return {
    tokenHash: 'hash',
    clientId: 'client-1',
    userId: 'user-1',
    scope: 'read write',
    grantId: 'grant-1',
    resource: null,
    authTime: null,
    authentication: null,
    claims: null,
    cnf: null,
    revokedAt: null,
    createdAt: now,
  };
}

export function anAccessToken(overrides: Partial<AccessTokenEntity> = {}): AccessTokenEntity {
  const now = nowSeconds();
  return { ...tokenOfGrant(now), id: 'access-row-1', expiresAt: now + 600, ...overrides };
}

export function aRefreshToken(overrides: Partial<RefreshTokenEntity> = {}): RefreshTokenEntity {
  const now = nowSeconds();
  return { ...tokenOfGrant(now), id: 'refresh-row-1', expiresAt: now + 3600, rotatedAt: null, parentId: null, accessTokenId: 'access-row-1', ...overrides };
}

/** Users by id; a disabled user is not found, as UsersService.findEnabled answers. */
export class InMemoryUsers implements Pick<UsersService, 'findEnabled'> {
  constructor(private readonly users: UserProfile[] = [aUser()]) {}
  async findEnabled(id: string): Promise<UserProfile | null> {
    return this.users.find((user) => user.id === id && user.enabled) ?? null;
  }
}

/** An IdTokenService that signs nothing: an ID Token only for the openid scope, as the real one. */
export const fakeIdTokens = {
  async issue(context: { scope: string }): Promise<string | undefined> {
    return context.scope.split(' ').includes('openid') ? 'id-token' : undefined;
  },
};
