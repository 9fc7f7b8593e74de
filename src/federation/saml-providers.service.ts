import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import {
  CLAIMS,
  CreateSamlIdentityProviderDto,
  SamlIdentityProviderResponse,
  toSamlIdentityProviderResponse,
  UpdateSamlIdentityProviderDto,
} from './dto/saml-identity-provider.dto';
import { IdpMetadata, parseIdpMetadata, SamlMetadataInvalid, toPem } from './saml-metadata';
import { NAME_ID, SamlSettings, samlServiceProvider } from './saml-settings';
import { UpstreamProviderEntity } from './upstream-provider.entity';
import { UpstreamProvidersRepository } from './upstream-providers.repository';
import { definedOnly, invalid } from './upstream-providers.service';

/**
 * The management API of SAML identity providers: rows of upstream_identity_providers with the
 * protocol `saml`, so that links, provisioning, the login page and the login states are shared
 * with OpenID Connect providers (their list, deletion and links are the generic endpoints').
 */
@Injectable()
export class SamlProvidersService {
  constructor(
    private readonly providers: UpstreamProvidersRepository,
    private readonly work: UnitOfWork,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
  ) {}

  async create(dto: CreateSamlIdentityProviderDto): Promise<SamlIdentityProviderResponse> {
    if (await this.providers.aliasTaken(dto.alias)) throw new OAuthError('conflict', 'alias is already taken');
    const idp = await this.idpOf(dto, null);
    const now = nowSeconds();
    const id = randomUUID();
    const attributes = {
      subject: dto.attribute_mapping?.subject ?? NAME_ID,
      email: dto.attribute_mapping?.email ?? `${CLAIMS}/emailaddress`,
      name: dto.attribute_mapping?.name ?? `${CLAIMS}/name`,
      groups: dto.attribute_mapping?.groups ?? null,
    };
    const entity = Object.assign(new UpstreamProviderEntity(), {
      id,
      alias: dto.alias,
      displayName: dto.display_name,
      issuer: idp.entityId,
      // The OpenID Connect client columns mean nothing to a SAML provider: our SP is the same for every IdP.
      clientId: '',
      clientAuthMethod: 'client_secret_basic',
      sealedCredential: '',
      scope: '',
      claimMapping: { subject: attributes.subject, email: attributes.email, name: attributes.name },
      allowedEmailDomains: (dto.allowed_email_domains ?? []).map((d) => d.toLowerCase()),
      trustUpstreamAmr: dto.trust_upstream_amr ?? false,
      jitProvisioning: dto.jit_provisioning ?? true,
      upstreamEndSession: false,
      enabled: dto.enabled ?? true,
      protocol: 'saml',
      samlSettings: {
        ssoUrl: idp.ssoUrl,
        certificates: idp.certificates,
        nameIdFormat: dto.name_id_format ?? null,
        attributes,
        emailVerified: dto.email_verified ?? false,
        groupMappings: (dto.group_mappings ?? []).map((m) => ({ group: m.group, roles: [...m.roles] })),
      } satisfies SamlSettings,
      createdAt: now,
      updatedAt: now,
    });
    await this.work.audited(
      { type: 'admin.identity_provider.created', subject: id, detail: { alias: dto.alias, issuer: idp.entityId, protocol: 'saml' } },
      () => this.providers.insert(entity),
    );
    return this.response(entity);
  }

  async get(id: string): Promise<SamlIdentityProviderResponse> {
    return this.response(await this.find(id));
  }

  async update(id: string, dto: UpdateSamlIdentityProviderDto): Promise<SamlIdentityProviderResponse> {
    const entity = await this.find(id);
    const saml = entity.samlSettings!;
    if (dto.alias !== undefined && dto.alias !== entity.alias && (await this.providers.aliasTaken(dto.alias))) {
      throw new OAuthError('conflict', 'alias is already taken');
    }
    const idp = await this.idpOf(dto, { entityId: entity.issuer, ssoUrl: saml.ssoUrl, certificates: [...saml.certificates] });
    const attributes = { ...saml.attributes, ...definedOnly(dto.attribute_mapping) };
    Object.assign(entity, {
      alias: dto.alias ?? entity.alias,
      displayName: dto.display_name ?? entity.displayName,
      issuer: idp.entityId,
      claimMapping: { subject: attributes.subject, email: attributes.email, name: attributes.name },
      allowedEmailDomains: dto.allowed_email_domains?.map((d) => d.toLowerCase()) ?? entity.allowedEmailDomains,
      trustUpstreamAmr: dto.trust_upstream_amr ?? entity.trustUpstreamAmr,
      jitProvisioning: dto.jit_provisioning ?? entity.jitProvisioning,
      enabled: dto.enabled ?? entity.enabled,
      samlSettings: {
        ssoUrl: idp.ssoUrl,
        certificates: idp.certificates,
        nameIdFormat: dto.name_id_format ?? saml.nameIdFormat,
        attributes,
        emailVerified: dto.email_verified ?? saml.emailVerified,
        groupMappings: dto.group_mappings?.map((m) => ({ group: m.group, roles: [...m.roles] })) ?? saml.groupMappings,
      } satisfies SamlSettings,
      updatedAt: Math.max(nowSeconds(), entity.updatedAt + 1),
    });
    await this.work.audited({ type: 'admin.identity_provider.updated', subject: id, detail: { fields: Object.keys(dto).sort().join(' ') } }, () =>
      this.providers.save(entity),
    );
    return this.response(entity);
  }

  /**
   * The IdP's entity ID, SSO URL and certificates: from its metadata when given, else from the
   * fields given, else (an update) as they were. A creation needs all three.
   */
  private async idpOf(dto: UpdateSamlIdentityProviderDto, current: IdpMetadata | null): Promise<IdpMetadata> {
    try {
      const imported = dto.metadata_xml !== undefined ? await parseIdpMetadata(dto.metadata_xml) : null;
      const entityId = dto.idp_entity_id ?? imported?.entityId ?? current?.entityId;
      const ssoUrl = dto.sso_url ?? imported?.ssoUrl ?? current?.ssoUrl;
      const certificates = dto.signing_certificates?.map(toPem) ?? imported?.certificates ?? current?.certificates;
      if (!entityId) throw invalid('idp_entity_id', 'give metadata_xml, or idp_entity_id, sso_url and signing_certificates');
      if (!ssoUrl) throw invalid('sso_url', 'give metadata_xml, or idp_entity_id, sso_url and signing_certificates');
      if (!certificates) throw invalid('signing_certificates', 'give metadata_xml, or idp_entity_id, sso_url and signing_certificates');
      return { entityId, ssoUrl, certificates };
    } catch (error) {
      if (error instanceof SamlMetadataInvalid) throw invalid(dto.metadata_xml !== undefined ? 'metadata_xml' : 'signing_certificates', error.message);
      throw error;
    }
  }

  private async find(id: string): Promise<UpstreamProviderEntity> {
    const entity = await this.providers.find(id);
    if (!entity || entity.protocol !== 'saml' || !entity.samlSettings) throw new OAuthError('not_found', 'unknown SAML identity provider');
    return entity;
  }

  private response(entity: UpstreamProviderEntity): SamlIdentityProviderResponse {
    return toSamlIdentityProviderResponse(entity, samlServiceProvider(this.issuer));
  }
}
