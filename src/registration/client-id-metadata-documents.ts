import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApplicationsService } from '../admin/applications.service';
import { type ClientIdResolver, ClientsService, type NewClient } from '../clients/clients.service';
import { OAuthError } from '../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { ResourceServersService } from '../resources/resource-servers.service';
import { SettingsService } from '../settings/settings.service';
import { parseClientMetadata } from './client-metadata';
import { ClientRegistrationRepository } from './client-registration.repository';
import { fetchMetadataDocument, MetadataDocumentFetchError } from './metadata-document-fetcher';

/** The column that holds client ids. */
const MAX_CLIENT_ID_LENGTH = 255;
/** A document that says nothing about caching is fetched again after an hour, one that asks for longer after a day. */
const DEFAULT_FRESHNESS_SECONDS = 3600;
const MAX_FRESHNESS_SECONDS = 86_400;
/**
 * RFC 5861 §4 (stale-if-error): when the site is down (no answer, or 5xx), the copy we hold serves
 * for up to this long after it went stale, so that tokens already issued keep being introspected and
 * refreshed through a short outage; a client never seen before, or a copy older than that, fails.
 */
export const STALE_IF_ERROR_SECONDS = 86_400;
/**
 * After a failed fetch served the stale copy, the copy serves without another try for this long,
 * doubling at each failure up to the cap: during an outage a hanging site would otherwise cost every
 * request the whole fetch timeout. Kept per process, for at most STALE_BACKOFF_MAX_ENTRIES clients.
 */
export const STALE_BACKOFF_MS = 30_000;
const STALE_BACKOFF_MAX_MS = 5 * 60_000;
const STALE_BACKOFF_MAX_ENTRIES = 1000;
/** The flows of a public client that signs a user in. */
const DOCUMENT_GRANT_TYPES = ['authorization_code', 'refresh_token'];

function refused(clientId: string, reason: string): OAuthError {
  return new OAuthError('invalid_request', `client metadata document ${clientId}: ${reason}`);
}

/** `host`, `*.domain` (any subdomain of it) or `*` (any host). */
function hostMatches(host: string, pattern: string): boolean {
  if (pattern === '*') return true;
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
}

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, as the MCP
 * authorization specification uses them): a client_id that is an https URL is the address of the
 * client's metadata. The document is fetched when the client first asks and again when its HTTP
 * caching says it is stale; the client becomes an ordinary public application (PKCE required,
 * `registration: metadata_document`), so the admin API, consent and audit treat it as any other.
 */
@Injectable()
export class ClientIdMetadataDocuments implements ClientIdResolver, OnModuleInit {
  /** Clients whose site failed: until when the stale copy serves without a fetch, and the last delay. */
  private readonly backoff = new Map<string, { readonly untilMs: number; readonly delayMs: number }>();

  constructor(
    @InjectConfig('clientIdMetadataDocuments') private readonly clientIdMetadataDocuments: AppConfig['clientIdMetadataDocuments'],
    private readonly clients: ClientsService,
    private readonly applications: ApplicationsService,
    private readonly registrations: ClientRegistrationRepository,
    private readonly resources: ResourceServersService,
    private readonly work: UnitOfWork,
    private readonly settings: SettingsService,
  ) {}

  onModuleInit(): void {
    if (this.clientIdMetadataDocuments.enabled) this.clients.useResolver(this);
  }

  handles(clientId: string): boolean {
    return clientId.startsWith('https://') || (this.clientIdMetadataDocuments.allowPrivateAddresses && clientId.startsWith('http://'));
  }

  async refresh(clientId: string): Promise<void> {
    const url = await this.documentUrl(clientId);
    const existing = await this.clients.get(clientId);
    // An application an administrator created with a URL for an id is theirs, not a document's.
    if (existing && existing.registration !== 'metadata_document') return;
    const registration = existing ? await this.registrations.find(clientId) : null;
    if (registration?.documentExpiresAt != null && registration.documentExpiresAt > nowSeconds()) return;

    const staleUntil = (registration?.documentExpiresAt ?? 0) + STALE_IF_ERROR_SECONDS;
    const servesStale = existing !== null && staleUntil > nowSeconds();
    const waiting = this.backoff.get(clientId);
    if (servesStale && waiting && waiting.untilMs > Date.now()) return;

    let document;
    try {
      document = await fetchMetadataDocument(url, this.clientIdMetadataDocuments.allowPrivateAddresses);
    } catch (error) {
      if (servesStale && error instanceof MetadataDocumentFetchError && error.transient) {
        this.backOff(clientId, waiting);
        return;
      }
      throw error instanceof MetadataDocumentFetchError
        ? refused(clientId, error.message)
        : new OAuthError('invalid_request', `client metadata document ${clientId}: could not be fetched`, { cause: error });
    }
    this.backoff.delete(clientId);
    const fields = await this.clientFields(clientId, document.body);
    const now = nowSeconds();
    const freshFor = Math.min(document.freshFor ?? DEFAULT_FRESHNESS_SECONDS, MAX_FRESHNESS_SECONDS);
    const record = {
      clientId,
      registrationTokenHash: null,
      metadata: { registered: fields.registered, policy: null },
      documentExpiresAt: now + freshFor,
      createdAt: registration?.createdAt ?? now,
    };
    if (existing) {
      await this.work.run(async () => {
        await this.applications.change(clientId, fields.client);
        await this.registrations.upsert(record);
      });
      return;
    }
    const { entity } = await this.clients.newEntity({ ...fields.client, clientId, registration: 'metadata_document' });
    try {
      await this.work.audited({ type: 'registration.metadata_document_client_added', clientId, subject: clientId, detail: { host: url.host } }, async () => {
        await this.clients.insert(entity);
        await this.registrations.upsert(record);
      });
    } catch (error) {
      // Another instance brought the same client in first (primary key): its copy serves.
      if (!(await this.clients.get(clientId))) throw error;
    }
  }

  /** The next wait after a failure: STALE_BACKOFF_MS, then twice the last one, up to the cap. */
  private backOff(clientId: string, last: { readonly delayMs: number } | undefined): void {
    const delayMs = last ? Math.min(last.delayMs * 2, STALE_BACKOFF_MAX_MS) : STALE_BACKOFF_MS;
    this.backoff.delete(clientId);
    if (this.backoff.size >= STALE_BACKOFF_MAX_ENTRIES) this.backoff.delete(this.backoff.keys().next().value!);
    this.backoff.set(clientId, { untilMs: Date.now() + delayMs, delayMs });
  }

  /** Draft §3: an https URL with a path, no fragment, no credentials, no dot segments; then the host lists. */
  private async documentUrl(clientId: string): Promise<URL> {
    if (clientId.length > MAX_CLIENT_ID_LENGTH) throw refused(clientId.slice(0, 80), `the URL is longer than ${MAX_CLIENT_ID_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      throw refused(clientId, 'not a URL');
    }
    if (url.hash !== '' || clientId.includes('#')) throw refused(clientId, 'the URL must not have a fragment');
    if (url.username !== '' || url.password !== '') throw refused(clientId, 'the URL must not carry credentials');
    if (url.pathname === '/' || /\/\.\.?(\/|$)/.test(clientId.slice(url.origin.length))) throw refused(clientId, 'the URL needs a path without dot segments');
    if (url.href !== clientId) throw refused(clientId, 'the URL is not in its normal form');
    const host = url.hostname.toLowerCase();
    const { allowedHosts, deniedHosts } = await this.hostLists();
    if (deniedHosts.some((pattern) => hostMatches(host, pattern))) throw refused(clientId, 'this host is not accepted here');
    if (allowedHosts && !allowedHosts.some((pattern) => hostMatches(host, pattern))) throw refused(clientId, 'this host is not accepted here');
    return url;
  }

  /** The admin's lists (settings, changed at run time), else the environment's. */
  private async hostLists(): Promise<{ allowedHosts: readonly string[] | null; deniedHosts: readonly string[] }> {
    const settings = await this.settings.get();
    const fromEnvironment = this.clientIdMetadataDocuments;
    return {
      allowedHosts: settings.metadataDocumentAllowedHosts ?? fromEnvironment.allowedHosts,
      deniedHosts: settings.metadataDocumentDeniedHosts ?? fromEnvironment.deniedHosts,
    };
  }

  /** The public application a document describes; it may request every registered resource server. */
  private async clientFields(
    clientId: string,
    body: unknown,
  ): Promise<{ client: Omit<NewClient, 'clientId'>; registered: Record<string, string | readonly string[]> }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refused(clientId, 'the document is not a JSON object');
    const document = body as Record<string, unknown>;
    // Draft §4.1: the document's client_id is its own URL, exactly.
    if (document.client_id !== clientId) throw refused(clientId, 'its client_id differs from the URL it was fetched from');
    if (document.client_secret !== undefined || document.client_secret_expires_at !== undefined)
      throw refused(clientId, 'a metadata document must not carry a client secret');
    let metadata;
    try {
      metadata = parseClientMetadata({ token_endpoint_auth_method: 'none', ...document });
    } catch (error) {
      throw error instanceof OAuthError ? refused(clientId, error.description ?? error.code) : error;
    }
    if (metadata.tokenEndpointAuthMethod !== 'none') throw refused(clientId, 'only public clients (token_endpoint_auth_method none) are accepted');
    if (metadata.redirectUris.length === 0) throw refused(clientId, 'redirect_uris is missing');
    const grantTypes = metadata.grantTypes.filter((grant) => DOCUMENT_GRANT_TYPES.includes(grant));
    if (grantTypes.length !== metadata.grantTypes.length) throw refused(clientId, `grant_types may be ${DOCUMENT_GRANT_TYPES.join(' and ')} only`);
    const resourceServers = await this.resources.list();
    const scope = metadata.scope ?? formatScope([...new Set(resourceServers.flatMap((server) => scopeTokens(server.scope)))]);
    return {
      client: {
        clientName: metadata.clientName ?? new URL(clientId).host,
        redirectUris: metadata.redirectUris,
        grantTypes,
        scope,
        tokenEndpointAuthMethod: 'none',
        pkce: 'required',
        resources: resourceServers.map((server) => server.identifier),
      },
      registered: { response_types: metadata.responseTypes, ...metadata.descriptive },
    };
  }
}
