import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { ResourceServersService } from '../resources/resource-servers.service';
import { AuthenticatedClient, CLIENT_SECRET_JWT, ClientsService, NewClient, TlsClientAuthFields } from '../clients/clients.service';
import { CLIENT_SECRET_JWT_ALGORITHMS, PRIVATE_KEY_JWT_ALGORITHMS } from '../clients/authentication/client-assertion';
import { ClientAuthenticationRegistry } from '../clients/authentication/client-authentication-registry';
import { OAuthError } from '../common/oauth/oauth-error';
import { type FapiRegistration, fapiRegistrationViolation } from '../clients/fapi-profile';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { ConsentService } from '../consent/consent.service';
import { GrantRegistry } from '../tokens/grants/grant-registry';
import { TokenStore, TokenSummary } from '../tokens/token-store';
import { AuthorizationCodeService } from '../tokens/authorization-code.service';
import { ADMIN_CLI_CLIENT_ID } from './admin-bootstrap.service';
import {
  ApplicationResponse,
  ApplicationSecretResponse,
  CreateApplicationDto,
  CreatedApplicationResponse,
  toApplicationResponse,
  UpdateApplicationDto,
} from './dto/application.dto';
import type { ApplicationListQuery, Paginated } from './dto/pagination.dto';
import { found } from '../common/oauth/found';

function invalidField(field: string, message: string): OAuthError {
  return new OAuthError('invalid_request', message, { details: [{ field, messages: [message] }] });
}

/** The management API of applications (OAuth clients). */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly clients: ClientsService,
    private readonly grants: GrantRegistry,
    private readonly authenticationMethods: ClientAuthenticationRegistry,
    private readonly tokens: TokenStore,
    private readonly codes: AuthorizationCodeService,
    private readonly consents: ConsentService,
    private readonly work: UnitOfWork,
    private readonly resources: ResourceServersService,
  ) {}

  async create(dto: CreateApplicationDto): Promise<CreatedApplicationResponse> {
    const input = newClientFrom(dto);
    this.checkConsistency(input);
    await this.checkResources(input.resources ?? []);
    if (input.clientId !== undefined && (await this.clients.get(input.clientId))) throw clientIdTaken();
    // Hashed before the transaction, which then holds nothing while argon2 runs.
    const { entity, generatedSecret } = await this.clients.newEntity(input);
    try {
      // The application and its audit event commit together, and not at all after a 503.
      const client = await this.work.audited(
        (created) => ({ type: 'admin.application.created', clientId: created.id, subject: created.id }),
        () => this.clients.insert(entity),
      );
      return { ...toApplicationResponse(client), ...(generatedSecret ? { client_secret: generatedSecret } : {}) };
    } catch (error) {
      // Lost a race with a concurrent create of the same client id (primary key).
      if (input.clientId !== undefined && (await this.clients.get(input.clientId))) throw clientIdTaken();
      throw error;
    }
  }

  async list(query: ApplicationListQuery): Promise<Paginated<ApplicationResponse>> {
    const { items, total } = await this.clients.list({ page: query.page, perPage: query.per_page }, query.name);
    return { items: items.map(toApplicationResponse), page: query.page, per_page: query.per_page, total };
  }

  async get(clientId: string): Promise<ApplicationResponse> {
    return toApplicationResponse(await this.find(clientId));
  }

  async update(clientId: string, dto: UpdateApplicationDto): Promise<ApplicationResponse> {
    const current = await this.find(clientId);
    const method = dto.token_endpoint_auth_method ?? current.tokenEndpointAuthMethod;
    if ((method === 'none') !== current.isPublic) {
      throw invalidField('token_endpoint_auth_method', 'a public client cannot become confidential or the reverse; create a new application');
    }
    const changes = { ...clientChangesFrom(dto), tokenEndpointAuthMethod: method };
    this.checkConsistency({ ...current, ...changes }, current.tokenEndpointAuthMethod);
    if (changes.resources) await this.checkResources(changes.resources);
    // One commit for the change, its audit event and, for a disabled application, the revocation of
    // its tokens (they stop working at once, not when they expire); none of it after a 503.
    await this.work.audited({ type: 'admin.application.updated', clientId, subject: clientId, detail: { fields: Object.keys(dto).join(' ') } }, () =>
      this.change(clientId, changes),
    );
    return this.get(clientId);
  }

  /**
   * Writes an application's changes with what they imply, in the caller's unit of work: the admin
   * API and the import change applications through it alike.
   */
  async change(clientId: string, changes: ClientChanges): Promise<void> {
    await this.clients.update(clientId, changes);
    if (changes.enabled === false) await this.disabled(clientId);
  }

  /**
   * A disabled application's unredeemed codes are voided (deleted) and its tokens revoked: they stop working at
   * once, not when they expire. Another instance may still hold the application as enabled (the
   * client cache) until this commit's invalidation reaches it: the codes that exist at this commit
   * are refused there too (as AdminUsersService.disabled argues for users). What that instance
   * issues meanwhile (a new code, a client_credentials token) is the client cache's known window.
   */
  private async disabled(clientId: string): Promise<void> {
    await this.codes.voidUnredeemed({ clientId });
    await this.tokens.revokeAll({ clientId }, 'application_disabled');
  }

  async delete(clientId: string): Promise<void> {
    await this.find(clientId);
    if (clientId === ADMIN_CLI_CLIENT_ID) throw new OAuthError('conflict', 'the built-in admin-cli application cannot be deleted');
    // All or nothing, and nothing after a 503: tokens revoked, consents and the application deleted.
    await this.work.audited({ type: 'admin.application.deleted', clientId, subject: clientId }, () => this.remove(clientId));
  }

  /** Deletes an application with its unredeemed codes (voided), tokens (revoked) and consents, in the caller's unit of work. */
  async remove(clientId: string): Promise<void> {
    await this.codes.voidUnredeemed({ clientId });
    await this.tokens.revokeAll({ clientId }, 'application_deleted');
    await this.consents.deleteAll({ clientId });
    await this.clients.delete(clientId);
  }

  async rotateSecret(clientId: string): Promise<ApplicationSecretResponse> {
    const client = await this.find(clientId);
    if (client.isPublic) throw new OAuthError('invalid_request', 'a public client has no secret');
    // One commit for the new secret and its audit event, rolled back if the request is answered 503
    // first: a 503 must not leave the old secret dead and the new one unseen.
    const clientSecret = await this.work.audited({ type: 'admin.application.secret_rotated', clientId, subject: clientId }, () =>
      this.clients.rotateSecret(clientId),
    );
    return { client_id: clientId, client_secret: clientSecret };
  }

  /** Active tokens of an application (never their values). */
  async listTokens(clientId: string): Promise<TokenSummary[]> {
    await this.find(clientId);
    return this.tokens.listActive({ clientId });
  }

  async revokeTokens(clientId: string): Promise<void> {
    await this.find(clientId);
    await this.tokens.revokeAll({ clientId }, 'admin');
  }

  private async find(clientId: string): Promise<AuthenticatedClient> {
    return found(await this.clients.get(clientId), 'application not found');
  }

  /** Every resource an application lists must be a registered resource server. */
  async checkResources(resources: readonly string[]): Promise<void> {
    const unknown = [];
    for (const identifier of resources) if (!(await this.resources.find(identifier))) unknown.push(identifier);
    if (unknown.length > 0) throw invalidField('resources', `not registered resource servers: ${unknown.join(', ')}`);
  }

  /**
   * Cross-field rules of an application, as the import checks them too. `storedMethod` is the
   * method the application has now (on a change): it need not be offered any more, so that an
   * application of a method no longer loaded can still be changed or disabled.
   */
  checkConsistency(app: ApplicationShape, storedMethod?: string): void {
    const method = app.tokenEndpointAuthMethod;
    if (method !== storedMethod && !this.authenticationMethods.isSupported(method)) {
      const supported = this.authenticationMethods.supportedMethods().join(', ');
      throw invalidField('token_endpoint_auth_method', `unsupported token_endpoint_auth_method; supported: ${supported}`);
    }
    if (method === 'none' && app.clientSecret !== undefined) {
      throw invalidField('client_secret', 'a public client (token_endpoint_auth_method none) has no secret');
    }
    checkKeyMaterial(app, storedMethod);
    const supported = this.grants.supportedGrantTypes();
    const unknown = app.grantTypes.filter((grant) => !supported.includes(grant));
    if (unknown.length > 0) {
      throw invalidField('grant_types', `unsupported grant types: ${unknown.join(', ')}; supported: ${supported.join(', ')}`);
    }
    if (app.grantTypes.includes('authorization_code') && app.redirectUris.length === 0) {
      throw invalidField('redirect_uris', 'the authorization_code grant needs at least one redirect URI');
    }
    if (app.tokenEndpointAuthMethod === 'none' && app.grantTypes.includes('client_credentials')) {
      throw invalidField('grant_types', 'a public client cannot use client_credentials');
    }
    const fapi = fapiRegistrationViolation(app);
    if (fapi) throw invalidField(fapi.field, fapi.message);
  }
}

export type ClientChanges = Partial<Omit<NewClient, 'clientId' | 'clientSecret'>>;

/** What checkConsistency reads of an application (new, or stored with its changes applied). */
export type ApplicationShape = Pick<NewClient, 'grantTypes' | 'redirectUris' | 'tokenEndpointAuthMethod' | 'clientSecret'> &
  Pick<NewClient, 'jwks' | 'jwksUri' | 'tokenEndpointAuthSigningAlg' | keyof TlsClientAuthFields> &
  FapiRegistration;

const TLS_NAME_FIELDS: readonly [keyof TlsClientAuthFields, string][] = [
  ['tlsClientAuthSubjectDn', 'tls_client_auth_subject_dn'],
  ['tlsClientAuthSanDns', 'tls_client_auth_san_dns'],
  ['tlsClientAuthSanUri', 'tls_client_auth_san_uri'],
  ['tlsClientAuthSanIp', 'tls_client_auth_san_ip'],
  ['tlsClientAuthSanEmail', 'tls_client_auth_san_email'],
];

/** The keys and certificate names each method needs (RFC 7591 §2, RFC 8705 §2.1.2, OpenID Connect Registration §2). */
function checkKeyMaterial(app: ApplicationShape, storedMethod: string | undefined): void {
  const method = app.tokenEndpointAuthMethod;
  if (app.jwks && app.jwksUri) throw invalidField('jwks_uri', 'give jwks or jwks_uri, not both (RFC 7591 §2)');
  if (method === 'private_key_jwt' && !app.jwks && !app.jwksUri) throw invalidField('jwks', 'private_key_jwt needs the public keys: jwks or jwks_uri');
  if (method === 'self_signed_tls_client_auth' && !app.jwks && !app.jwksUri) {
    throw invalidField('jwks', 'self_signed_tls_client_auth needs the certificate’s public key: jwks or jwks_uri');
  }
  const names = TLS_NAME_FIELDS.filter(([property]) => app[property]);
  if (names.length > 1) throw invalidField(names[1][1], 'give at most one tls_client_auth_* name (RFC 8705 §2.1.2)');
  if (method === 'tls_client_auth' && names.length === 0) {
    throw invalidField('tls_client_auth_subject_dn', 'tls_client_auth needs one of tls_client_auth_subject_dn, _san_dns, _san_uri, _san_ip, _san_email');
  }
  const alg = app.tokenEndpointAuthSigningAlg;
  if (alg) {
    const allowed = method === 'private_key_jwt' ? PRIVATE_KEY_JWT_ALGORITHMS : method === CLIENT_SECRET_JWT ? CLIENT_SECRET_JWT_ALGORITHMS : [];
    if (!allowed.includes(alg)) {
      throw invalidField(
        'token_endpoint_auth_signing_alg',
        allowed.length === 0
          ? 'token_endpoint_auth_signing_alg applies to private_key_jwt and client_secret_jwt only'
          : `${method} signs with one of ${allowed.join(', ')}`,
      );
    }
  }
  if (method === CLIENT_SECRET_JWT && storedMethod !== undefined && storedMethod !== CLIENT_SECRET_JWT) {
    throw invalidField(
      'token_endpoint_auth_method',
      'client_secret_jwt needs a secret the server can read, and this application’s secret is stored only as a hash: create a new application with client_secret_jwt',
    );
  }
}

/** The fields an application request sets, as client changes (PATCH semantics: absent means unchanged). */
export function clientChangesFrom(dto: UpdateApplicationDto): ClientChanges {
  return {
    ...(dto.client_name !== undefined ? { clientName: dto.client_name } : {}),
    ...(dto.redirect_uris !== undefined ? { redirectUris: dto.redirect_uris } : {}),
    ...(dto.grant_types !== undefined ? { grantTypes: [...new Set(dto.grant_types)] } : {}),
    ...(dto.scope !== undefined ? { scope: normaliseScope(dto.scope) } : {}),
    ...(dto.token_endpoint_auth_method !== undefined ? { tokenEndpointAuthMethod: dto.token_endpoint_auth_method } : {}),
    ...(dto.pkce !== undefined ? { pkce: dto.pkce } : {}),
    ...(dto.pkce_plain_allowed !== undefined ? { pkcePlainAllowed: dto.pkce_plain_allowed } : {}),
    ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
    ...(dto.refresh_token_ttl !== undefined ? { refreshTokenTtl: dto.refresh_token_ttl } : {}),
    ...(dto.refresh_token_rotation !== undefined ? { refreshTokenRotation: dto.refresh_token_rotation } : {}),
    ...(dto.id_token_signed_response_alg !== undefined ? { idTokenSignedResponseAlg: dto.id_token_signed_response_alg } : {}),
    ...(dto.id_token_claims !== undefined ? { idTokenClaims: dto.id_token_claims } : {}),
    ...(dto.post_logout_redirect_uris !== undefined ? { postLogoutRedirectUris: dto.post_logout_redirect_uris } : {}),
    ...(dto.access_token_format !== undefined ? { accessTokenFormat: dto.access_token_format } : {}),
    ...(dto.resources !== undefined ? { resources: [...new Set(dto.resources)] } : {}),
    ...(dto.jwks !== undefined ? { jwks: dto.jwks } : {}),
    ...(dto.jwks_uri !== undefined ? { jwksUri: dto.jwks_uri } : {}),
    ...(dto.token_endpoint_auth_signing_alg !== undefined ? { tokenEndpointAuthSigningAlg: dto.token_endpoint_auth_signing_alg } : {}),
    ...(dto.tls_client_auth_subject_dn !== undefined ? { tlsClientAuthSubjectDn: dto.tls_client_auth_subject_dn } : {}),
    ...(dto.tls_client_auth_san_dns !== undefined ? { tlsClientAuthSanDns: dto.tls_client_auth_san_dns } : {}),
    ...(dto.tls_client_auth_san_uri !== undefined ? { tlsClientAuthSanUri: dto.tls_client_auth_san_uri } : {}),
    ...(dto.tls_client_auth_san_ip !== undefined ? { tlsClientAuthSanIp: dto.tls_client_auth_san_ip } : {}),
    ...(dto.tls_client_auth_san_email !== undefined ? { tlsClientAuthSanEmail: dto.tls_client_auth_san_email } : {}),
    ...(dto.dpop_bound_access_tokens !== undefined ? { dpopBoundAccessTokens: dto.dpop_bound_access_tokens } : {}),
    ...(dto.tls_client_certificate_bound_access_tokens !== undefined
      ? { tlsClientCertificateBoundAccessTokens: dto.tls_client_certificate_bound_access_tokens }
      : {}),
    ...(dto.require_pushed_authorization_requests !== undefined ? { requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests } : {}),
    ...(dto.require_signed_request_object !== undefined ? { requireSignedRequestObject: dto.require_signed_request_object } : {}),
    ...(dto.fapi_profile !== undefined ? { fapiProfile: dto.fapi_profile } : {}),
    ...(dto.mfa !== undefined ? { mfa: dto.mfa } : {}),
    ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
  };
}

function clientIdTaken(): OAuthError {
  return new OAuthError('conflict', 'client_id is already taken');
}

/**
 * The client an application request describes, with working defaults: with redirect URIs, the
 * authorization code flow with refresh tokens; without, a confidential client_credentials client.
 */
export function newClientFrom(dto: CreateApplicationDto): NewClient {
  const redirectUris = dto.redirect_uris ?? [];
  return {
    clientId: dto.client_id,
    clientSecret: dto.client_secret,
    clientName: dto.client_name,
    redirectUris,
    grantTypes: [...new Set(dto.grant_types ?? (redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : ['client_credentials']))],
    scope: normaliseScope(dto.scope ?? ''),
    tokenEndpointAuthMethod: dto.token_endpoint_auth_method ?? 'client_secret_basic',
    pkce: dto.pkce ?? 'inherit',
    pkcePlainAllowed: dto.pkce_plain_allowed ?? null,
    accessTokenTtl: dto.access_token_ttl ?? null,
    refreshTokenTtl: dto.refresh_token_ttl ?? null,
    // The FAPI 2.0 profile binds refresh tokens instead of rotating them, and signs without RS256 (fapi/fapi-profile.ts).
    refreshTokenRotation: dto.refresh_token_rotation ?? (dto.fapi_profile ? 'reuse' : 'rotate'),
    idTokenSignedResponseAlg: dto.id_token_signed_response_alg ?? (dto.fapi_profile ? 'PS256' : 'RS256'),
    idTokenClaims: dto.id_token_claims ?? 'scope',
    postLogoutRedirectUris: dto.post_logout_redirect_uris ?? [],
    accessTokenFormat: dto.access_token_format ?? 'opaque',
    resources: [...new Set(dto.resources ?? [])],
    jwks: dto.jwks ?? null,
    jwksUri: dto.jwks_uri ?? null,
    tokenEndpointAuthSigningAlg: dto.token_endpoint_auth_signing_alg ?? null,
    tlsClientAuthSubjectDn: dto.tls_client_auth_subject_dn ?? null,
    tlsClientAuthSanDns: dto.tls_client_auth_san_dns ?? null,
    tlsClientAuthSanUri: dto.tls_client_auth_san_uri ?? null,
    tlsClientAuthSanIp: dto.tls_client_auth_san_ip ?? null,
    tlsClientAuthSanEmail: dto.tls_client_auth_san_email ?? null,
    dpopBoundAccessTokens: dto.dpop_bound_access_tokens ?? false,
    tlsClientCertificateBoundAccessTokens: dto.tls_client_certificate_bound_access_tokens ?? false,
    requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests ?? false,
    requireSignedRequestObject: dto.require_signed_request_object ?? false,
    fapiProfile: dto.fapi_profile ?? null,
    mfa: dto.mfa ?? null,
    enabled: dto.enabled ?? true,
  };
}

function normaliseScope(scope: string): string {
  return formatScope([...new Set(scopeTokens(scope))]);
}
