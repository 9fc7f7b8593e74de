import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '../common/crypto/tokens';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { scopeTokens } from '../common/oauth/scope';
import { nowSeconds } from '../common/time';
import { hashPassword } from '../common/crypto/password-hasher';
import { afterUnitOfWork } from '../database/unit-of-work/unit-of-work';
import { AccessTokenLifetimes, AccessTokenLifetimesProvider } from '../keys/access-token-lifetimes';
import { ClientSecretSealer } from './client-secret-sealer';
import { ClientRepository } from './client.repository';

/** The one method whose secret is kept readable (encrypted), see ClientSecretSealer. */
export const CLIENT_SECRET_JWT = 'client_secret_jwt';
import { ClientEntity, TokenEndpointAuthMethod } from './client.entity';

/** A client that passed authentication; never carries its secret hash. */
export type AuthenticatedClient = Readonly<Omit<ClientEntity, 'secretHash' | 'secretEncrypted' | 'postLogoutRedirectUris' | 'resources'>> & {
  readonly postLogoutRedirectUris: readonly string[];
  readonly resources: readonly string[];
  readonly isPublic: boolean;
  /** Its secret was imported with fewer than 32 characters (stored with argon2id until rotated). */
  readonly weakSecret: boolean;
};

/** A registered, enabled client as a client authentication method verifies it (authentication/). */
export interface StoredClient {
  readonly client: AuthenticatedClient;
  /** Null for a public client. */
  readonly secretHash: string | null;
  /** client_secret_jwt: the secret, encrypted at rest (KeyEncryption); null for every other method. */
  readonly secretEncrypted: string | null;
}

/** What a new client may leave out, each then taking its default (client-defaults.ts, the entity's). */
type ClientOptions = Pick<
  ClientEntity,
  | 'pkce'
  | 'pkcePlainAllowed'
  | 'accessTokenTtl'
  | 'refreshTokenTtl'
  | 'refreshTokenRotation'
  | 'idTokenSignedResponseAlg'
  | 'idTokenClaims'
  | 'accessTokenFormat'
  | 'dpopBoundAccessTokens'
  | 'tlsClientCertificateBoundAccessTokens'
  | 'jwks'
  | 'jwksUri'
  | 'tokenEndpointAuthSigningAlg'
  | 'requirePushedAuthorizationRequests'
  | 'requireSignedRequestObject'
  | 'fapiProfile'
  | 'mfa'
  | 'enabled'
  | 'registration'
>;

export interface NewClient extends TlsClientAuthFields, Readonly<Partial<ClientOptions>> {
  readonly clientName: string;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly scope: string;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly postLogoutRedirectUris?: readonly string[];
  readonly resources?: readonly string[];
  /** An id kept from the system the client migrates from, or a built-in client's; otherwise a UUID is generated. */
  readonly clientId?: string;
  /** A secret kept from the system the client migrates from (confidential clients); otherwise one is generated. */
  readonly clientSecret?: string;
}

/** RFC 8705 §2.1.2: what the client certificate of a tls_client_auth client must show (one of them at most). */
export interface TlsClientAuthFields {
  readonly tlsClientAuthSubjectDn?: string | null;
  readonly tlsClientAuthSanDns?: string | null;
  readonly tlsClientAuthSanUri?: string | null;
  readonly tlsClientAuthSanIp?: string | null;
  readonly tlsClientAuthSanEmail?: string | null;
}

export interface Page {
  readonly page: number;
  readonly perPage: number;
}

export interface CreatedClient {
  readonly client: AuthenticatedClient;
  /** A generated secret, shown once; only its SHA-256 is stored. Absent for public clients and imported secrets. */
  readonly clientSecret?: string;
}

/**
 * Imported secrets of at least this length are stored as SHA-256 like generated ones; shorter ones
 * are guessable offline from a SHA-256, so they are stored with argon2id (as a password is).
 */
export const STRONG_SECRET_LENGTH = 32;

export const isArgon2 = (secretHash: string | null): secretHash is string => secretHash?.startsWith('$argon2') === true;

/** How a client secret is stored: SHA-256 hex when it has enough entropy, argon2id otherwise. */
export async function storedSecretHash(secret: string): Promise<string> {
  return secret.length >= STRONG_SECRET_LENGTH ? sha256Hex(secret) : hashPassword(secret);
}

/** One view per cached row: every token request authenticates its client, so this runs hot. */
const views = new WeakMap<ClientEntity, AuthenticatedClient>();

export function toAuthenticatedClient(entity: ClientEntity): AuthenticatedClient {
  let view = views.get(entity);
  if (!view) {
    const { secretHash: _secretHash, secretEncrypted: _secretEncrypted, ...client } = entity;
    view = Object.freeze({
      ...client,
      postLogoutRedirectUris: entity.postLogoutRedirectUris ?? [],
      resources: entity.resources ?? [],
      isPublic: entity.tokenEndpointAuthMethod === 'none',
      weakSecret: isArgon2(entity.secretHash),
    });
    views.set(entity, view);
  }
  return view;
}

const CLIENT_TOPIC = 'client';

/**
 * Brings in clients the table learns of when they first ask (Client ID Metadata Documents: the
 * client_id is the URL of its metadata). Registered by the module that knows how.
 */
export interface ClientIdResolver {
  /** Whether this client id is one the resolver answers for (cheap: no I/O). */
  handles(clientId: string): boolean;
  /** Makes the client's row current (fetched when missing or stale); throws an OAuthError when it cannot. */
  refresh(clientId: string): Promise<void>;
}

/** Where a client's registered logo (`logo_uri`, RFC 7591 §2) is kept; registered by the module that keeps it. */
export interface ClientLogoSource {
  logoUri(clientId: string): Promise<string | null>;
}

@Injectable()
@AccessTokenLifetimesProvider()
export class ClientsService implements AccessTokenLifetimes {
  /** Client authentication runs on every token request: clients are cached, invalidated on change. */
  private readonly cache: InvalidatingCache<ClientEntity>;

  constructor(
    private readonly repository: ClientRepository,
    private readonly bus: CacheBus,
    private readonly sealer: ClientSecretSealer,
  ) {
    this.cache = bus.createCache<ClientEntity>(CLIENT_TOPIC, 60_000, 10_000);
  }

  private resolver: ClientIdResolver | null = null;

  /** The one resolver for client ids the table does not hold yet; a second is a wiring mistake. */
  useResolver(resolver: ClientIdResolver): void {
    if (this.resolver) throw new Error('a ClientIdResolver is registered already');
    this.resolver = resolver;
  }

  private logoSource: ClientLogoSource | null = null;

  useLogoSource(source: ClientLogoSource): void {
    if (this.logoSource) throw new Error('a ClientLogoSource is registered already');
    this.logoSource = source;
  }

  /** The logo the client registered, unchecked (the page that shows it decides whether it may). */
  logoUri(clientId: string): Promise<string | null> {
    return this.logoSource ? this.logoSource.logoUri(clientId) : Promise.resolve(null);
  }

  /** A client as the authorization and token endpoints see it: resolved first when a resolver answers for its id. */
  private async resolved(clientId: string): Promise<ClientEntity | null> {
    if (this.resolver?.handles(clientId)) await this.resolver.refresh(clientId);
    return this.load(clientId);
  }

  private load(clientId: string): Promise<ClientEntity | null> {
    return this.cache.get(clientId, () => this.repository.findById(clientId));
  }

  private changed(clientId: string): Promise<void> {
    return this.bus.invalidate(CLIENT_TOPIC, clientId);
  }

  async create(input: NewClient): Promise<CreatedClient> {
    const { entity, generatedSecret } = await this.newEntity(input);
    await this.insert(entity);
    return { client: toAuthenticatedClient(entity), clientSecret: generatedSecret };
  }

  /**
   * The row for a new client with its secret hashed: an imported one as storedSecretHash says, or a
   * generated one (256 bits of entropy, so SHA-256 is enough), returned to be shown once.
   */
  async newEntity(input: NewClient): Promise<{ entity: ClientEntity; generatedSecret?: string }> {
    const isPublic = input.tokenEndpointAuthMethod === 'none';
    const generatedSecret = isPublic || input.clientSecret !== undefined ? undefined : randomToken();
    const secretHash = isPublic ? null : generatedSecret ? sha256Hex(generatedSecret) : await storedSecretHash(input.clientSecret!);
    const now = nowSeconds();
    const id = input.clientId ?? randomUUID();
    const secret = generatedSecret ?? input.clientSecret;
    const entity = Object.assign(new ClientEntity(), {
      id,
      clientName: input.clientName,
      secretHash,
      tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
      redirectUris: [...input.redirectUris],
      grantTypes: [...input.grantTypes],
      scope: input.scope,
      pkce: input.pkce ?? 'inherit',
      pkcePlainAllowed: input.pkcePlainAllowed ?? null,
      accessTokenTtl: input.accessTokenTtl ?? null,
      refreshTokenTtl: input.refreshTokenTtl ?? null,
      refreshTokenRotation: input.refreshTokenRotation ?? 'rotate',
      idTokenSignedResponseAlg: input.idTokenSignedResponseAlg ?? 'RS256',
      idTokenClaims: input.idTokenClaims ?? 'scope',
      postLogoutRedirectUris: [...(input.postLogoutRedirectUris ?? [])],
      accessTokenFormat: input.accessTokenFormat ?? 'opaque',
      resources: [...(input.resources ?? [])],
      dpopBoundAccessTokens: input.dpopBoundAccessTokens ?? false,
      tlsClientCertificateBoundAccessTokens: input.tlsClientCertificateBoundAccessTokens ?? false,
      jwks: input.jwks ?? null,
      jwksUri: input.jwksUri ?? null,
      tokenEndpointAuthSigningAlg: input.tokenEndpointAuthSigningAlg ?? null,
      tlsClientAuthSubjectDn: input.tlsClientAuthSubjectDn ?? null,
      tlsClientAuthSanDns: input.tlsClientAuthSanDns ?? null,
      tlsClientAuthSanUri: input.tlsClientAuthSanUri ?? null,
      tlsClientAuthSanIp: input.tlsClientAuthSanIp ?? null,
      tlsClientAuthSanEmail: input.tlsClientAuthSanEmail ?? null,
      // client_secret_jwt verifies an HMAC keyed with the secret itself: kept encrypted, for that method only.
      secretEncrypted: input.tokenEndpointAuthMethod === CLIENT_SECRET_JWT && secret !== undefined ? this.sealer.seal(secret, id) : null,
      requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests ?? false,
      requireSignedRequestObject: input.requireSignedRequestObject ?? false,
      fapiProfile: input.fapiProfile ?? null,
      mfa: input.mfa ?? null,
      enabled: input.enabled ?? true,
      registration: input.registration ?? null,
      createdAt: now,
      updatedAt: now,
    });
    return { entity, generatedSecret };
  }

  /** An enabled client by id, or null. */
  async findEnabled(clientId: string): Promise<AuthenticatedClient | null> {
    const entity = await this.resolved(clientId);
    return entity?.enabled ? toAuthenticatedClient(entity) : null;
  }

  /** Any client by id, enabled or not (admin view). */
  async get(clientId: string): Promise<AuthenticatedClient | null> {
    const entity = await this.load(clientId);
    return entity ? toAuthenticatedClient(entity) : null;
  }

  async list(page: Page, nameContains?: string): Promise<{ items: AuthenticatedClient[]; total: number }> {
    const { rows, total } = await this.repository.list((page.page - 1) * page.perPage, page.perPage, nameContains);
    return { items: rows.map(toAuthenticatedClient), total };
  }

  async update(
    clientId: string,
    changes: Partial<Omit<NewClient, 'clientId' | 'tokenEndpointAuthMethod'>> & { tokenEndpointAuthMethod?: TokenEndpointAuthMethod },
  ): Promise<void> {
    const { redirectUris, grantTypes, postLogoutRedirectUris, resources, ...rest } = changes;
    await this.repository.update(clientId, {
      ...rest,
      ...(redirectUris ? { redirectUris: [...redirectUris] } : {}),
      ...(grantTypes ? { grantTypes: [...grantTypes] } : {}),
      ...(postLogoutRedirectUris ? { postLogoutRedirectUris: [...postLogoutRedirectUris] } : {}),
      ...(resources ? { resources: [...resources] } : {}),
      // A secret kept readable for client_secret_jwt is dropped once the client uses another method.
      ...(rest.tokenEndpointAuthMethod !== undefined && rest.tokenEndpointAuthMethod !== CLIENT_SECRET_JWT ? { secretEncrypted: null } : {}),
      updatedAt: nowSeconds(),
    });
    await afterUnitOfWork(() => this.changed(clientId));
  }

  /**
   * Stores a client newEntity() prepared (its secret hashed before any transaction). The writes
   * here run in the caller's unit of work when there is one; every instance drops its cached copy
   * once it is over.
   */
  async insert(entity: ClientEntity): Promise<AuthenticatedClient> {
    await this.repository.insert(entity);
    await afterUnitOfWork(() => this.changed(entity.id));
    return toAuthenticatedClient(entity);
  }

  /** A new secret; the old one stops working once it commits. Returns the secret (shown once). */
  async rotateSecret(clientId: string): Promise<string> {
    const clientSecret = randomToken();
    const client = await this.load(clientId);
    const secretEncrypted = client?.tokenEndpointAuthMethod === CLIENT_SECRET_JWT ? this.sealer.seal(clientSecret, clientId) : null;
    await this.repository.update(clientId, { secretHash: sha256Hex(clientSecret), secretEncrypted, updatedAt: nowSeconds() });
    await afterUnitOfWork(() => this.changed(clientId));
    return clientSecret;
  }

  async delete(clientId: string): Promise<void> {
    await this.repository.delete(clientId);
    await afterUnitOfWork(() => this.changed(clientId));
  }

  longestAccessTokenTtl(): Promise<number> {
    return this.repository.longestAccessTokenTtl();
  }

  /** An enabled client with its stored secret hash, for client authentication; null when unknown or disabled. */
  async findStored(clientId: string): Promise<StoredClient | null> {
    const entity = await this.resolved(clientId);
    return entity?.enabled ? { client: toAuthenticatedClient(entity), secretHash: entity.secretHash, secretEncrypted: entity.secretEncrypted } : null;
  }
}

/** The scopes a client may request, from its space-separated `scope`. */
export function clientScopes(client: Pick<AuthenticatedClient, 'scope'>): string[] {
  return scopeTokens(client.scope);
}
