import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ClientSecretSealer } from '../clients/client-secret-sealer';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { UsersService } from '../users/users.service';
import {
  CreateFederatedLinkDto,
  CreateIdentityProviderDto,
  FederatedLinkResponse,
  IdentityProviderResponse,
  toIdentityProviderResponse,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { UpstreamProviderEntity } from './upstream-provider.entity';
import { UpstreamProvidersRepository } from './upstream-providers.repository';
import { FederatedIdentitiesRepository } from './federated-identities.repository';
import { found } from '../common/oauth/found';

/** Where every upstream provider sends the browser back; registered at each provider. */
export const UPSTREAM_CALLBACK_PATH = '/oauth2/upstream/callback';
/** Where every provider's end session sends the browser back (RP-Initiated Logout 1.0 §3); registered at each provider too. */
export const UPSTREAM_SIGNED_OUT_PATH = '/oauth2/upstream/signed-out';

/** The sealed credential is bound to its provider: a value copied to another row does not open. */
const sealContext = (providerId: string) => `upstream-provider:${providerId}`;

/** The members given (a validated DTO has the others as undefined, which must not erase a value). */
export function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter((entry) => entry[1] !== undefined)) as Partial<T>;
}

export function invalid(field: string, message: string): OAuthError {
  return new OAuthError('invalid_request', message, { details: [{ field, messages: [message] }] });
}

/** The management API of upstream identity providers and of the links of local users to them. */
@Injectable()
export class UpstreamProvidersService {
  constructor(
    private readonly providers: UpstreamProvidersRepository,
    private readonly links: FederatedIdentitiesRepository,
    private readonly sealer: ClientSecretSealer,
    private readonly users: UsersService,
    private readonly work: UnitOfWork,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
  ) {}

  get redirectUri(): string {
    return `${this.issuer}${UPSTREAM_CALLBACK_PATH}`;
  }

  get postLogoutRedirectUri(): string {
    return `${this.issuer}${UPSTREAM_SIGNED_OUT_PATH}`;
  }

  async create(dto: CreateIdentityProviderDto): Promise<IdentityProviderResponse> {
    if (await this.providers.aliasTaken(dto.alias)) throw new OAuthError('conflict', 'alias is already taken');
    const now = nowSeconds();
    const id = randomUUID();
    const method = dto.client_auth_method ?? 'client_secret_basic';
    const entity = Object.assign(new UpstreamProviderEntity(), {
      id,
      alias: dto.alias,
      displayName: dto.display_name,
      issuer: dto.issuer,
      clientId: dto.client_id,
      clientAuthMethod: method,
      sealedCredential: this.sealedCredential(id, method, dto),
      scope: dto.scope ?? 'openid email profile',
      claimMapping: { subject: 'sub', email: 'email', name: 'name', ...definedOnly(dto.claim_mapping) },
      allowedEmailDomains: (dto.allowed_email_domains ?? []).map((d) => d.toLowerCase()),
      trustUpstreamAmr: dto.trust_upstream_amr ?? false,
      jitProvisioning: dto.jit_provisioning ?? true,
      upstreamEndSession: dto.upstream_end_session ?? false,
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
    await this.work.audited({ type: 'admin.identity_provider.created', subject: id, detail: { alias: dto.alias, issuer: dto.issuer } }, () =>
      this.providers.insert(entity),
    );
    return toIdentityProviderResponse(entity, this.redirectUri, this.postLogoutRedirectUri);
  }

  async list(): Promise<IdentityProviderResponse[]> {
    return (await this.providers.list()).map((p) => toIdentityProviderResponse(p, this.redirectUri, this.postLogoutRedirectUri));
  }

  async get(id: string): Promise<IdentityProviderResponse> {
    return toIdentityProviderResponse(await this.find(id), this.redirectUri, this.postLogoutRedirectUri);
  }

  async update(id: string, dto: UpdateIdentityProviderDto): Promise<IdentityProviderResponse> {
    const entity = await this.find(id);
    if (entity.protocol === 'saml') throw invalid('id', 'a SAML identity provider is changed at PATCH /admin/saml-identity-providers/{id}');
    if (dto.alias !== undefined && dto.alias !== entity.alias && (await this.providers.aliasTaken(dto.alias))) {
      throw new OAuthError('conflict', 'alias is already taken');
    }
    const method = dto.client_auth_method ?? entity.clientAuthMethod;
    // The stored credential was given for this client at this issuer: another issuer (whose
    // discovered token endpoint would receive the secret) or another client_id needs it again.
    const moved = (dto.issuer !== undefined && dto.issuer !== entity.issuer) || (dto.client_id !== undefined && dto.client_id !== entity.clientId);
    if (moved && dto.client_secret === undefined && dto.private_key_jwk === undefined) {
      const field = method === 'private_key_jwt' ? 'private_key_jwk' : 'client_secret';
      throw invalid(field, `${field} is required when issuer or client_id change: the stored credential is never sent to another provider or client`);
    }
    const credentialChanged = moved || dto.client_secret !== undefined || dto.private_key_jwk !== undefined || method !== entity.clientAuthMethod;
    Object.assign(entity, {
      alias: dto.alias ?? entity.alias,
      displayName: dto.display_name ?? entity.displayName,
      issuer: dto.issuer ?? entity.issuer,
      clientId: dto.client_id ?? entity.clientId,
      clientAuthMethod: method,
      sealedCredential: credentialChanged ? this.sealedCredential(id, method, dto) : entity.sealedCredential,
      scope: dto.scope ?? entity.scope,
      claimMapping: { ...entity.claimMapping, ...definedOnly(dto.claim_mapping) },
      allowedEmailDomains: dto.allowed_email_domains?.map((d) => d.toLowerCase()) ?? entity.allowedEmailDomains,
      trustUpstreamAmr: dto.trust_upstream_amr ?? entity.trustUpstreamAmr,
      jitProvisioning: dto.jit_provisioning ?? entity.jitProvisioning,
      upstreamEndSession: dto.upstream_end_session ?? entity.upstreamEndSession,
      enabled: dto.enabled ?? entity.enabled,
      updatedAt: Math.max(nowSeconds(), entity.updatedAt + 1),
    });
    await this.work.audited({ type: 'admin.identity_provider.updated', subject: id, detail: { fields: Object.keys(dto).sort().join(' ') } }, () =>
      this.providers.save(entity),
    );
    return toIdentityProviderResponse(entity, this.redirectUri, this.postLogoutRedirectUri);
  }

  async delete(id: string): Promise<void> {
    await this.find(id);
    await this.work.audited({ type: 'admin.identity_provider.deleted', subject: id }, () => this.providers.delete(id));
  }

  /** An administrator vouches that this upstream account is this local user. */
  async link(providerId: string, dto: CreateFederatedLinkDto): Promise<FederatedLinkResponse> {
    await this.find(providerId);
    if (!(await this.users.get(dto.user_id))) throw new OAuthError('not_found', 'unknown user');
    if (await this.links.findBySubject(providerId, dto.subject)) throw new OAuthError('conflict', 'this upstream account is already linked');
    const link = Object.assign(new FederatedIdentityEntity(), {
      id: randomUUID(),
      providerId,
      subject: dto.subject,
      userId: dto.user_id,
      linkedBy: 'admin',
      createdAt: nowSeconds(),
    });
    await this.work.audited({ type: 'admin.federated_identity.linked', subject: dto.user_id, detail: { provider: providerId } }, () => this.links.insert(link));
    return toLinkResponse(link);
  }

  async listLinks(providerId: string): Promise<FederatedLinkResponse[]> {
    await this.find(providerId);
    return (await this.links.listForProvider(providerId)).map(toLinkResponse);
  }

  async unlink(providerId: string, linkId: string): Promise<void> {
    const link = found(await this.links.find(providerId, linkId), 'unknown link');
    await this.work.audited({ type: 'admin.federated_identity.unlinked', subject: link.userId, detail: { provider: providerId } }, () =>
      this.links.delete(linkId),
    );
  }

  /** The client secret, or the private JWK for private_key_jwt, of a provider. */
  openCredential(provider: UpstreamProviderEntity): string {
    return this.sealer.open(provider.sealedCredential, sealContext(provider.id));
  }

  private sealedCredential(id: string, method: string, dto: UpdateIdentityProviderDto): string {
    if (method === 'private_key_jwt') {
      const jwk = dto.private_key_jwk;
      if (!jwk || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
        throw invalid('private_key_jwk', 'private_key_jwt needs private_key_jwk: a private JWK with kid');
      }
      return this.sealer.seal(JSON.stringify(jwk), sealContext(id));
    }
    if (!dto.client_secret) throw invalid('client_secret', `${method} needs client_secret`);
    return this.sealer.seal(dto.client_secret, sealContext(id));
  }

  private async find(id: string): Promise<UpstreamProviderEntity> {
    return found(await this.providers.find(id), 'unknown identity provider');
  }
}

function toLinkResponse(link: FederatedIdentityEntity): FederatedLinkResponse {
  return {
    id: link.id,
    provider_id: link.providerId,
    subject: link.subject,
    user_id: link.userId,
    linked_by: link.linkedBy,
    created_at: link.createdAt,
  };
}
