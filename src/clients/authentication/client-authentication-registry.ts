import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { randomToken, sha256Hex } from '../../common/crypto/tokens';
import { OAuthError } from '../../common/oauth/oauth-error';
import { discoverUnique } from '../../common/registry/discover-unique';
import { clientRow } from '../client-defaults';
import { type AuthenticatedClient, ClientsService, type StoredClient, toAuthenticatedClient } from '../clients.service';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';

/** The method a request used and the client it presented, before anything is looked up. */
export interface PresentedAuthentication {
  readonly method: ClientAuthenticationMethod;
  readonly presented: PresentedClient;
  /**
   * Other methods of the same presentation that read the request too (mutual TLS and `none`):
   * the application's registered method is chosen among them once the client is looked up.
   */
  readonly alternatives?: readonly { readonly method: ClientAuthenticationMethod; readonly presented: PresentedClient }[];
}

/** What the registry needs of the clients: the stored client by id (an in-memory one in tests). */
export type ClientsFinder = Pick<ClientsService, 'findStored'>;

const FAILED = 'client authentication failed';

/**
 * Verified in place of an unknown or unacceptable client, so that every failure costs the same
 * work as a wrong secret (RFC 6749 §2.3 gives them all one answer; their timing must agree).
 */
const DECOY: StoredClient = {
  client: toAuthenticatedClient(
    clientRow({
      id: '',
      clientName: '',
      secretHash: null,
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: [],
      grantTypes: [],
      scope: '',
      enabled: false,
      createdAt: 0,
      updatedAt: 0,
    }),
  ),
  secretHash: sha256Hex(randomToken()),
  secretEncrypted: null,
};

/** Whether `authorization` uses the HTTP authentication scheme `method` reads (RFC 9110 §11.1: case-insensitive). */
function claimsScheme(method: ClientAuthenticationMethod, authorization: string | string[]): boolean {
  const scheme = method.authorizationScheme?.toLowerCase();
  if (scheme === undefined || typeof authorization !== 'string') return false;
  return authorization.slice(0, scheme.length + 1).toLowerCase() === `${scheme} `;
}

/** Among methods of one presentation, the one the application is registered for (else the first). */
function chosen(authentication: PresentedAuthentication, registered: string | undefined): PresentedAuthentication {
  const all = [authentication, ...(authentication.alternatives ?? [])];
  return all.find((a) => a.method.name === registered) ?? authentication;
}

/**
 * Finds every @ClientAuthenticationMethodProvider at start (a duplicate name stops the boot) and
 * authenticates clients with them: the token, revocation and introspection endpoints, whatever
 * the body's format, go through authenticate() (via ClientAuthGuard).
 */
@Injectable()
export class ClientAuthenticationRegistry implements OnModuleInit {
  private methods: ReadonlyMap<string, ClientAuthenticationMethod> = new Map();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(ClientsService) private readonly clients: ClientsFinder,
  ) {}

  onModuleInit(): void {
    const methods = discoverUnique<ClientAuthenticationMethod>(
      this.discovery,
      ClientAuthenticationMethodProvider,
      'client authentication methods',
      (m) => m.name,
    );
    for (const method of methods.values()) {
      if (typeof method.credential !== 'string' || method.credential === '' || typeof method.present !== 'function' || typeof method.verify !== 'function') {
        throw new Error(`Client authentication method ${method.name} must define credential, present() and verify()`);
      }
    }
    this.methods = methods;
  }

  /** The `token_endpoint_auth_method` values an application may be registered with (discovery, admin API). */
  supportedMethods(): string[] {
    return [...this.methods.keys()];
  }

  /** The JWS algorithms client assertions may use with any registered method (discovery). */
  supportedSigningAlgorithms(): string[] {
    return [...new Set([...this.methods.values()].flatMap((method) => method.signingAlgorithms ?? []))];
  }

  isSupported(name: string): boolean {
    return this.methods.has(name);
  }

  /**
   * Which method the request used, and the client it names (RFC 6749 §2.3): exactly one method
   * must read the request. `none` gives way to any other (a request that carries a credential is
   * not one without); two others at once are invalid_request, none at all invalid_client.
   */
  present(request: ClientAuthenticationRequest): PresentedAuthentication {
    let used: PresentedAuthentication[] = [];
    for (const method of this.methods.values()) {
      const presented = method.present(request);
      if (presented) used.push({ method, presented });
    }
    const presentation = used[0]?.method.presentation;
    const alike = used.length > 1 && presentation !== undefined && used.every((u) => u.method.presentation === presentation);
    if (alike && used.some((u) => u.presented.clientId !== used[0].presented.clientId)) {
      throw new OAuthError('invalid_request', 'client authenticated with more than one method');
    }
    if (used.length > 1 && !alike) used = used.filter((u) => u.method.credential !== 'none');
    if (used.length > 1 && !alike) throw new OAuthError('invalid_request', 'client authenticated with more than one method');
    const [only] = used;
    const authorization = request.headers.authorization;
    // An Authorization header is a credential: one that the method used does not read (a Bearer
    // token, a bare `Basic`, an empty header) is another method this server does not offer, and
    // two methods in one request are refused (RFC 6749 §2.3), so the body's secret does not count.
    if (authorization !== undefined && !(only && claimsScheme(only.method, authorization))) {
      throw new OAuthError('invalid_client', 'unsupported client authentication scheme');
    }
    if (!only) throw new OAuthError('invalid_client', 'client authentication required');
    if (typeof only.presented.clientId !== 'string' || only.presented.clientId === '') {
      throw new OAuthError('invalid_client', 'client authentication required');
    }
    return alike ? { ...only, alternatives: used.slice(1) } : only;
  }

  /**
   * The client, once the method it used proves it. The application's own
   * `token_endpoint_auth_method` decides what it may use: that method, or one proving the same
   * credential. An unknown or disabled client, a method of another credential, or one this
   * deployment no longer offers are all the same invalid_client, after the same work.
   */
  async authenticate(authentication: PresentedAuthentication): Promise<AuthenticatedClient> {
    const stored = await this.clients.findStored(authentication.presented.clientId);
    const { method, presented } = chosen(authentication, stored?.client.tokenEndpointAuthMethod);
    const registered = stored ? this.methods.get(stored.client.tokenEndpointAuthMethod) : undefined;
    const acceptable = stored !== null && registered !== undefined && registered.credential === method.credential;
    const proven = await method.verify(presented, acceptable ? stored : DECOY);
    if (!acceptable || !proven) throw new OAuthError('invalid_client', FAILED);
    return stored.client;
  }
}
