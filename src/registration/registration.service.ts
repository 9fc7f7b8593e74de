import { Injectable } from '@nestjs/common';
import { ApplicationsService, type ClientChanges } from '../admin/applications.service';
import { clientSecretMatches } from '../clients/authentication/client-secret';
import { type AuthenticatedClient, ClientsService, type NewClient } from '../clients/clients.service';
import { randomToken, sha256Hex, timingSafeEqualString } from '../common/crypto/tokens';
import { OAuthError } from '../common/oauth/oauth-error';
import { scopeTokens } from '../common/oauth/scope';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { type ClientMetadata, parseClientMetadata } from './client-metadata';
import { InitialAccessTokens } from './initial-access-tokens.service';
import { INVALID_CLIENT_METADATA, INVALID_REDIRECT_URI } from './registration-errors';
import type { ClientRegistrationEntity, RegistrationRecord } from './client-registration.entity';
import { ClientRegistrationRepository } from './client-registration.repository';
import type { InitialAccessTokenPolicy } from './initial-access-token.entity';
import { SoftwareStatements } from './software-statement';

/**
 * What a client may register without an initial access token (open registration): the flows a
 * self-registered client needs, never the password grant or token exchange.
 */
const OPEN_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'];

/** RFC 7591 §3.2.1 / RFC 7592 §3: the client information response. */
export type ClientInformation = Record<string, unknown>;

function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, { challenge: { scheme: 'Bearer' } });
}

/** `*` in a pattern stands for any run of characters; everything else is literal. */
function matchesPattern(uri: string, pattern: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(uri);
}

/** The registration policy of an initial access token (RFC 7591 §3: the server decides what it accepts). */
export function checkPolicy(metadata: ClientMetadata, policy: InitialAccessTokenPolicy | null): void {
  const grantTypes = policy?.grantTypes ?? OPEN_GRANT_TYPES;
  const refused = metadata.grantTypes.filter((grant) => !grantTypes.includes(grant));
  if (refused.length > 0) throw new OAuthError(INVALID_CLIENT_METADATA, `grant_types not allowed here: ${refused.join(', ')}`);
  if (!policy) return;
  if (policy.scopes) {
    const scopes = policy.scopes;
    const extra = scopeTokens(metadata.scope ?? '').filter((scope) => !scopes.includes(scope));
    if (extra.length > 0) throw new OAuthError(INVALID_CLIENT_METADATA, `scope not allowed here: ${extra.join(' ')}`);
  }
  if (policy.redirectUriPatterns) {
    const patterns = policy.redirectUriPatterns;
    const outside = metadata.redirectUris.find((uri) => !patterns.some((pattern) => matchesPattern(uri, pattern)));
    if (outside !== undefined) throw new OAuthError(INVALID_REDIRECT_URI, 'a redirect_uri is outside what this initial access token allows');
  }
  if (policy.tokenEndpointAuthMethods && !policy.tokenEndpointAuthMethods.includes(metadata.tokenEndpointAuthMethod)) {
    throw new OAuthError(INVALID_CLIENT_METADATA, `token_endpoint_auth_method must be one of ${policy.tokenEndpointAuthMethods.join(', ')}`);
  }
}

/** The application a registration describes, on the client model the admin API uses. */
function clientFields(metadata: ClientMetadata, policy: InitialAccessTokenPolicy | null) {
  return {
    clientName: metadata.clientName ?? 'Dynamically registered client',
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    // No scope asked: what the initial access token allows, otherwise none (RFC 7591 §2: the server's default).
    scope: metadata.scope ?? (policy?.scopes ? policy.scopes.join(' ') : ''),
    tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
    jwks: metadata.jwks,
    jwksUri: metadata.jwksUri,
  };
}

function registeredFields(metadata: ClientMetadata): RegistrationRecord['registered'] {
  return { response_types: metadata.responseTypes, ...metadata.descriptive };
}

/**
 * RFC 7591 dynamic client registration and RFC 7592 client management. Registered clients are
 * ordinary applications: the admin API's rules check them, its service writes them, the audit
 * trail records them; the registration keeps what the application does not (its access token,
 * descriptive metadata, the policy it registered under).
 */
@Injectable()
export class RegistrationService {
  constructor(
    @InjectConfig('registration') private readonly registration: AppConfig['registration'],
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    private readonly registrations: ClientRegistrationRepository,
    private readonly clients: ClientsService,
    private readonly applications: ApplicationsService,
    private readonly initialAccessTokens: InitialAccessTokens,
    private readonly softwareStatements: SoftwareStatements,
    private readonly work: UnitOfWork,
  ) {}

  /** RFC 7591 §3.1: registers a client; `bearer` is the initial access token, if one was sent. */
  async register(body: Record<string, unknown>, bearer: string | null): Promise<ClientInformation> {
    const mode = this.registration.mode;
    if (mode === 'off') throw new OAuthError('not_found', 'dynamic client registration is not enabled');
    const initial = bearer === null ? null : await this.initialAccessTokens.findUsable(bearer);
    if (bearer !== null && !initial) throw invalidToken('the initial access token is unknown, expired, revoked or used up');
    if (mode === 'protected' && !initial) throw invalidToken('registration needs an initial access token');
    const policy = initial?.policy ?? null;
    const metadata = parseClientMetadata(await this.softwareStatements.apply(body));
    checkPolicy(metadata, policy);
    const input: NewClient = { ...clientFields(metadata, policy), registration: 'dynamic' };
    this.checkConsistency(input);
    const { entity, generatedSecret } = await this.clients.newEntity(input);
    const registrationToken = randomToken();
    const client = await this.work.audited(
      (created: AuthenticatedClient) => ({ type: 'registration.client_registered', clientId: created.id, subject: created.id }),
      async () => {
        if (initial && !(await this.initialAccessTokens.spend(initial))) throw invalidToken('the initial access token is used up');
        const created = await this.clients.insert(entity);
        await this.registrations.insert({
          clientId: created.id,
          registrationTokenHash: sha256Hex(registrationToken),
          metadata: { registered: registeredFields(metadata), policy },
          documentExpiresAt: null,
          createdAt: created.createdAt,
        });
        return created;
      },
    );
    return this.information(client, registeredFields(metadata), registrationToken, generatedSecret);
  }

  /** RFC 7592 §2.1: the client's current registration. */
  async read(clientId: string, bearer: string | null): Promise<ClientInformation> {
    const { client, registration, token } = await this.authorized(clientId, bearer);
    // RFC 7592 §3: the response names the registration access token; the current one is the one presented.
    return this.information(client, registration.metadata.registered, token);
  }

  /**
   * RFC 7592 §2.2: replaces the registration (fields left out take their defaults). The client
   * secret stays unless `rotate_client_secret` is true; the registration access token is replaced
   * on every update, so a leaked one stops working as soon as the client uses its own.
   */
  async update(clientId: string, body: Record<string, unknown>, bearer: string | null): Promise<ClientInformation> {
    const { client, registration } = await this.authorized(clientId, bearer);
    if (body.client_id !== clientId) throw new OAuthError('invalid_request', 'client_id must be the one being updated (RFC 7592 §2.2)');
    const stored = await this.clients.findStored(clientId);
    if (
      body.client_secret !== undefined &&
      !(typeof body.client_secret === 'string' && (await clientSecretMatches(stored?.secretHash ?? null, body.client_secret)))
    ) {
      throw new OAuthError('invalid_request', 'client_secret must be the current one (RFC 7592 §2.2)');
    }
    const rotateSecret = body.rotate_client_secret === true;
    const metadata = parseClientMetadata(await this.softwareStatements.apply(body));
    const policy = registration.metadata.policy;
    checkPolicy(metadata, policy);
    const changes: ClientChanges = clientFields(metadata, policy);
    if ((changes.tokenEndpointAuthMethod === 'none') !== client.isPublic) {
      throw new OAuthError(INVALID_CLIENT_METADATA, 'a public client cannot become confidential or the reverse; register a new client');
    }
    if (rotateSecret && client.isPublic) throw new OAuthError(INVALID_CLIENT_METADATA, 'a public client has no secret to rotate');
    this.checkConsistency({ ...client, ...changes }, client.tokenEndpointAuthMethod);
    const registrationToken = randomToken();
    const clientSecret = await this.work.audited(
      { type: 'registration.client_updated', clientId, subject: clientId, detail: { secret_rotated: rotateSecret } },
      async () => {
        await this.applications.change(clientId, changes);
        await this.registrations.update(clientId, {
          registrationTokenHash: sha256Hex(registrationToken),
          metadata: { registered: registeredFields(metadata), policy },
        });
        return rotateSecret ? this.clients.rotateSecret(clientId) : undefined;
      },
    );
    const updated = (await this.clients.get(clientId))!;
    return this.information(updated, registeredFields(metadata), registrationToken, clientSecret);
  }

  /** RFC 7592 §2.3: deletes the client; its tokens are revoked and its credentials stop working. */
  async delete(clientId: string, bearer: string | null): Promise<void> {
    await this.authorized(clientId, bearer);
    await this.work.audited({ type: 'registration.client_deleted', clientId, subject: clientId }, async () => {
      await this.applications.remove(clientId);
      await this.registrations.delete(clientId);
    });
  }

  /**
   * RFC 7592 §3: the registration access token must be the client's current one. An unknown
   * client and a wrong token are the same 401, after the same work (§2.1: do not reveal which).
   */
  private async authorized(
    clientId: string,
    bearer: string | null,
  ): Promise<{ client: AuthenticatedClient; registration: ClientRegistrationEntity; token: string }> {
    if (bearer === null) throw invalidToken('the registration access token is missing');
    const registration = await this.registrations.find(clientId);
    const client = registration ? await this.clients.get(clientId) : null;
    const matches = timingSafeEqualString(sha256Hex(bearer), registration?.registrationTokenHash ?? '');
    if (!registration || !client || !matches) throw invalidToken('the registration access token is not valid for this client');
    return { client, registration, token: bearer };
  }

  /** The admin API's rules, answered with RFC 7591 §3.2.2's codes. */
  private checkConsistency(...args: Parameters<ApplicationsService['checkConsistency']>): void {
    try {
      this.applications.checkConsistency(...args);
    } catch (error) {
      if (!(error instanceof OAuthError) || error.code !== 'invalid_request') throw error;
      const field = error.details?.[0]?.field;
      throw new OAuthError(field === 'redirect_uris' ? INVALID_REDIRECT_URI : INVALID_CLIENT_METADATA, error.description);
    }
  }

  private information(client: AuthenticatedClient, registered: RegistrationRecord['registered'], registrationToken?: string, clientSecret?: string) {
    return {
      client_id: client.id,
      ...(clientSecret ? { client_secret: clientSecret } : {}),
      client_id_issued_at: client.createdAt,
      // RFC 7591 §3.2.1: 0, the secret does not expire.
      ...(client.isPublic ? {} : { client_secret_expires_at: 0 }),
      ...(registrationToken ? { registration_access_token: registrationToken } : {}),
      registration_client_uri: `${this.issuer}/register/${encodeURIComponent(client.id)}`,
      client_name: client.clientName,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      scope: client.scope,
      ...(client.jwks ? { jwks: client.jwks } : {}),
      ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
      ...registered,
    };
  }
}
