import type { Authentication } from '../common/oauth/authentication';
import { fapiApplies } from '../clients/fapi-profile';
import { Injectable } from '@nestjs/common';
import type { AuditEventEntity } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { type AuthenticatedClient, clientScopes } from '../clients/clients.service';
import { randomToken, sha256Hex, uuidv7 } from '../common/crypto/tokens';
import { currentRequestContext } from '../common/http/request-context';
import { nowSeconds } from '../common/time';
import { SettingsService } from '../settings/settings.service';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { OAuthError } from '../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { assertMayReceiveScope, isReservedScope } from '../common/oauth/scope-policy';
import { UsersService } from '../users/users.service';
import { ResourceServersService } from '../resources/resource-servers.service';
import { AccessTokenFormats } from './access-token-formats';
import type { AccessTokenEntity } from './entities/access-token.entity';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';
import { currentGrantType, presentedConfirmation } from './grants/issuing-grant';
import { TokenBindingRegistry } from './binding/token-binding-registry';
import { isActive, type SingleUseInput, TokenStore } from './token-store';
import type { TokenResponse } from './token-response';
import type { ClaimsRequest } from '../oidc/standard-claims';

export interface IssueContext {
  readonly client: AuthenticatedClient;
  /** The resource owner, or null for client_credentials. */
  readonly userId: string | null;
  /** Scope of the access token. */
  readonly scope: string;
  /** The grant the tokens descend from (code id or refresh family); new when absent. */
  readonly grantId?: string;
  /** Issue a refresh token too, if the client may use the refresh_token grant. */
  readonly withRefreshToken: boolean;
  /** Scope of the refresh token when it differs from the access token's (RFC 6749 §6). */
  readonly refreshScope?: string;
  /**
   * Extra members of the token.issued audit event (e.g. RFC 8693 delegation: the actor). The grant
   * type is not among them: the registry scopes it around handle() (issuing-grant.ts).
   */
  readonly audit?: Readonly<Record<string, string | null>>;
  /** When the user authenticated (OpenID Connect auth_time), kept with the refresh token. */
  readonly authTime?: number | null;
  /** How the user authenticated (amr, acr), kept with the tokens for introspection and refreshed ID Tokens. */
  readonly authentication?: Authentication | null;
  /** RFC 8707: the resource server named (audience); checked against the client's resources here. */
  readonly resource?: string | null;
  /** The resource the grant itself is bound to, kept with its refresh token (defaults to `resource`). */
  readonly refreshResource?: string | null;
  /** The refresh token presented by this request (its row id), recorded as the new one's parent. */
  readonly presentedRefreshTokenId?: string;
  /** OpenID Connect Core §5.5: the claims request of the grant, for userinfo and refreshed ID Tokens. */
  readonly claims?: ClaimsRequest | null;
}

/** What a retry replaces: the tokens a request issued whose answer never reached its client. */
export interface Replaced {
  /** The unused refresh token issued then: spent now, so that only one retry can replace it. */
  readonly refreshTokenId: string;
  /** The access token issued with it, revoked in the same commit. */
  readonly accessTokenId: string | null;
}

interface Minted {
  readonly accessToken: string;
  readonly access: AccessTokenEntity;
  /** False for a JWT: it stands on its signature, and only its audit event is written. */
  readonly stored: boolean;
  readonly refreshToken?: string;
  readonly refresh?: RefreshTokenEntity;
  readonly expiresIn: number;
  readonly grantId: string;
}

/**
 * What grants call on the token issuer: the narrow interface their in-memory fakes implement
 * (grants/testing/in-memory.ts). TokensModule provides the TokenIssuer under it.
 */
export abstract class GrantIssuer {
  abstract issue(context: IssueContext): Promise<TokenResponse>;
  abstract issueSpending(context: IssueContext, input: SingleUseInput): Promise<TokenResponse | null>;
  abstract reissue(context: IssueContext, replaced: Replaced): Promise<TokenResponse | null>;
  abstract unreceived(client: AuthenticatedClient, grantId: string, parentId: string, spentAt: number): Promise<Replaced | null>;
}

/**
 * Mints tokens for grants: their values and rows (hashes only), the access-token format, the
 * token.issued audit event and the token response. Grants call it; they never build token strings
 * or rows themselves. The store (token-store.ts) writes what it mints.
 */
@Injectable()
export class TokenIssuer implements GrantIssuer {
  constructor(
    private readonly store: TokenStore,
    private readonly formats: AccessTokenFormats,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly resources: ResourceServersService,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    @InjectConfig('tokenRetryWindowSeconds') private readonly tokenRetryWindowSeconds: AppConfig['tokenRetryWindowSeconds'],
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
    private readonly users: UsersService,
    private readonly bindings: TokenBindingRegistry,
  ) {}

  async issue(context: IssueContext): Promise<TokenResponse> {
    const minted = await this.mint(context);
    await this.store.write({
      access: minted.stored ? minted.access : undefined,
      jwt: minted.stored ? undefined : { jti: minted.access.id, expiresAt: minted.access.expiresAt },
      refresh: minted.refresh,
      audit: this.issuedEvent(context, minted),
      abandoned: currentRequestContext()?.abandoned,
    });
    return this.response(minted);
  }

  /**
   * Spends a single-use input (an authorization code, a refresh token) and stores the new tokens in
   * one commit, so one commit decides both: either the input is spent and the tokens exist, or
   * neither. When another request spent the input first nothing is stored and the answer is null.
   */
  async issueSpending(context: IssueContext, input: SingleUseInput): Promise<TokenResponse | null> {
    const minted = await this.mint(context);
    const stored = await this.store.write({
      spends: input,
      access: minted.stored ? minted.access : undefined,
      jwt: minted.stored ? undefined : { jti: minted.access.id, expiresAt: minted.access.expiresAt },
      refresh: minted.refresh,
      audit: this.issuedEvent(context, minted),
      abandoned: currentRequestContext()?.abandoned,
    });
    return stored ? this.response(minted) : null;
  }

  /**
   * Issues new tokens in place of ones a client never received (it retries a request answered 503
   * whose COMMIT may have gone through): the unused refresh token issued then is spent and its
   * access token revoked, in the commit that stores the new tokens. Null when that refresh token
   * was spent meanwhile (used, or replaced by a concurrent retry).
   */
  async reissue(context: IssueContext, replaced: Replaced): Promise<TokenResponse | null> {
    // Read before the write's transaction opens (TokenRevocations.longestLifetime says why).
    const longest = replaced.accessTokenId ? await this.store.longestTokenLifetime() : 0;
    const minted = await this.mint(context);
    const stored = await this.store.write({
      spends: { kind: 'refresh_token', id: replaced.refreshTokenId },
      revokesAccess: replaced.accessTokenId ? [replaced.accessTokenId] : [],
      access: minted.stored ? minted.access : undefined,
      jwt: minted.stored ? undefined : { jti: minted.access.id, expiresAt: minted.access.expiresAt },
      refresh: minted.refresh,
      audit: this.issuedEvent(context, minted, { replaced_refresh_token: replaced.refreshTokenId }),
      abandoned: currentRequestContext()?.abandoned,
    });
    if (!stored) return null;
    // Had the replaced access token been a JWT, it has no row to revoke: deny-list it until it has
    // surely expired. Its own `exp` is not stored; it was issued moments ago (within the retry
    // window), but maybe for another resource or under another lifetime than the new token, so the
    // entry lasts the longest lifetime any access token can have: one expiring earlier would be
    // deleted by the janitor while the token still verifies (RFC 7009 §2).
    if (replaced.accessTokenId) await this.store.revokeAccessToken(replaced.accessTokenId, 'replaced', nowSeconds() + longest);
    return this.response(minted);
  }

  /**
   * The tokens a refresh issued when it rotated the refresh token `parentId` that can be replaced
   * by a retry: within TOKEN_RETRY_WINDOW_SECONDS of the rotation, and while the refresh token it
   * issued was never used, revoked or expired. A COMMIT whose answer was lost leaves exactly that;
   * a token stolen and replayed in the window replaces the client's, whose next refresh is then
   * reuse and revokes the family (RFC 9700 §4.14.2). Never for authorization codes, which RFC 6749
   * §4.1.2 makes strictly single-use. Null: the presentation is a replay.
   */
  async unreceived(client: AuthenticatedClient, grantId: string, parentId: string, spentAt: number): Promise<Replaced | null> {
    const window = this.tokenRetryWindowSeconds;
    if (window === 0 || nowSeconds() - spentAt > window) return null;
    // A client that keeps its refresh token (`reuse`) never spends it: "never used" cannot be seen.
    if (client.refreshTokenRotation === 'reuse') return null;
    const child = await this.store.unspentChild(grantId, parentId);
    if (!child || !isActive({ kind: 'refresh_token', row: child })) return null;
    return { refreshTokenId: child.id, accessTokenId: child.accessTokenId };
  }

  /** New token values and their rows (hashes only), not yet stored. */
  private async mint(context: IssueContext): Promise<Minted> {
    const { client } = context;
    await this.assertScopesIssuable(context);
    const settings = await this.settings.get();
    const now = nowSeconds();
    const grantId = context.grantId ?? uuidv7();
    const resource = context.resource ? await this.resources.forClient(client, context.resource) : null;
    // RFC 8707 §2: a token for a resource server carries only the scopes that server understands.
    const scope = resource ? formatScope(scopeTokens(context.scope).filter((s) => scopeTokens(resource.scope).includes(s))) : context.scope;
    const expiresIn = resource?.accessTokenTtl ?? client.accessTokenTtl ?? settings.accessTokenTtl;
    const id = uuidv7();
    // RFC 9449 §6, RFC 8705 §3.1: bound to what the token request proved possession of.
    const cnf = presentedConfirmation();
    // RFC 9068 §3: without a resource the audience is this server itself (userinfo, /me).
    const format = resource?.accessTokenFormat ?? client.accessTokenFormat;
    const accessToken = await this.formats.encode(format, {
      id,
      clientId: client.id,
      userId: context.userId,
      scope,
      audience: resource?.identifier ?? this.issuer,
      issuedAt: now,
      expiresAt: now + expiresIn,
      alg: resource?.accessTokenSigningAlg ?? 'RS256',
      cnf,
      grantId,
      claims: context.claims ?? null,
      authentication: context.authentication ?? null,
      authTime: context.authTime ?? null,
    });
    const access: AccessTokenEntity = {
      id,
      tokenHash: sha256Hex(accessToken),
      clientId: client.id,
      userId: context.userId,
      scope,
      grantId,
      resource: resource?.identifier ?? null,
      claims: context.claims ?? null,
      cnf,
      authentication: context.authentication ?? null,
      authTime: context.authTime ?? null,
      expiresAt: now + expiresIn,
      revokedAt: null,
      createdAt: now,
    };
    const withRefresh = context.withRefreshToken && client.grantTypes.includes('refresh_token');
    const refreshToken = withRefresh ? randomToken() : undefined;
    const refresh: RefreshTokenEntity | undefined = refreshToken
      ? {
          id: uuidv7(),
          tokenHash: sha256Hex(refreshToken),
          clientId: client.id,
          userId: context.userId,
          scope: context.refreshScope ?? context.scope,
          grantId,
          expiresAt: now + (client.refreshTokenTtl ?? settings.refreshTokenTtl),
          rotatedAt: null,
          authTime: context.authTime ?? null,
          authentication: context.authentication ?? null,
          // RFC 8707 §2.2: a refresh token keeps the resources of its grant, whatever one request named.
          resource: context.refreshResource !== undefined ? context.refreshResource : (resource?.identifier ?? null),
          claims: context.claims ?? null,
          parentId: context.presentedRefreshTokenId ?? null,
          // RFC 9449 §5, RFC 8705 §4: a public client's refresh token is bound as its access token
          // is (a confidential client's is bound to its client authentication already). Under the
          // FAPI 2.0 profile every refresh token is bound, since it is not rotated (§5.3.2.1).
          cnf: client.isPublic || fapiApplies(client, this.fapiProfile) ? cnf : null,
          accessTokenId: id,
          revokedAt: null,
          createdAt: now,
        }
      : undefined;
    return { accessToken, access, stored: this.formats.isStored(format), refreshToken, refresh, expiresIn, grantId };
  }

  /**
   * The scope rule of every grant, built in or extension, checked here where each token is minted
   * so that no grant can skip it: what the access token (and a refresh token) carries is within
   * the client's allowed scopes (RFC 6749 §3.3), and a scope reserved for a role goes only to a
   * user who holds that role now, never to a token without a user (scope-policy.ts).
   */
  private async assertScopesIssuable(context: IssueContext): Promise<void> {
    const { client, refreshScope } = context;
    const withRefresh = context.withRefreshToken && client.grantTypes.includes('refresh_token');
    const scopes = [...scopeTokens(context.scope), ...(withRefresh && refreshScope !== undefined ? scopeTokens(refreshScope) : [])];
    const allowed = new Set(clientScopes(client));
    if (!scopes.every((s) => allowed.has(s))) throw new OAuthError('invalid_scope', 'requested scope is not allowed for this client');
    if (!scopes.some(isReservedScope)) return;
    // The user's roles as stored now (a cached read, dropped on every change), never as a grant
    // describes them; a disabled or deleted user holds no role.
    const user = context.userId === null ? null : await this.users.findEnabled(context.userId);
    assertMayReceiveScope(user, formatScope(scopes));
  }

  private issuedEvent(context: IssueContext, minted: Minted, extra: Record<string, string> = {}): AuditEventEntity {
    return this.audit.row({
      type: 'token.issued',
      actorUserId: context.userId,
      clientId: context.client.id,
      subject: minted.access.id,
      detail: {
        ...context.audit,
        ...extra,
        grant_type: currentGrantType(),
        grant_id: minted.grantId,
        scope: context.scope,
        refresh_token: Boolean(minted.refreshToken),
      },
    });
  }

  private response(minted: Minted): TokenResponse {
    const response: TokenResponse = {
      access_token: minted.accessToken,
      token_type: this.bindings.tokenType(minted.access.cnf),
      expires_in: minted.expiresIn,
      scope: minted.access.scope,
    };
    if (minted.refreshToken) response.refresh_token = minted.refreshToken;
    return response;
  }
}
