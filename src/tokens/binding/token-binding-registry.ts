import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FastifyRequest as Request } from 'fastify';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { type AuthenticationChallenge, OAuthError } from '../../common/oauth/oauth-error';
import { discoverUnique } from '../../common/registry/discover-unique';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { addressedBaseUrl } from '../../common/http/addressed-base-url';
import { ClientCertificates } from '../../clients/authentication/client-certificate';
import { type Confirmation, confirmation, confirmationMember } from './confirmation';
import type { BindingRequest, TokenBinding } from './token-binding';
import { TokenBindingProvider } from './token-binding.decorator';

/** The Authorization schemes a bearer-protected route reads (RFC 6750 §2.1, RFC 9449 §7.1), lower case. */
export type PresentationScheme = 'bearer' | 'dpop';

/**
 * Finds every @TokenBindingProvider at start (two for one confirmation method stop the boot) and
 * runs them: at the token endpoint (confirm), where at most one may bind a request's tokens, and at
 * every bearer-protected route (verify), where a bound token needs its binding's proof.
 */
@Injectable()
export class TokenBindingRegistry implements OnModuleInit {
  private bindings: ReadonlyMap<string, TokenBinding> = new Map();
  private all: readonly TokenBinding[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    @InjectConfig('mtlsEndpointBaseUrl') private readonly mtlsEndpointBaseUrl: AppConfig['mtlsEndpointBaseUrl'],
    private readonly certificates: ClientCertificates,
  ) {}

  onModuleInit(): void {
    const bindings = discoverUnique<TokenBinding>(this.discovery, TokenBindingProvider, 'token bindings', (b) => b.confirmationMethod);
    for (const binding of bindings.values()) {
      if (typeof binding.confirm !== 'function' || typeof binding.verify !== 'function' || !binding.challenge) {
        throw new Error(`Token binding ${binding.confirmationMethod} must define challenge, confirm() and verify()`);
      }
    }
    this.bindings = bindings;
    this.all = [...bindings.values()];
  }

  /** The confirmation methods this server binds tokens with (`jkt`, `x5t#S256`). */
  confirmationMethods(): string[] {
    return [...this.bindings.keys()];
  }

  /** What bindings read of a request; the URL as the client addressed it: the issuer (or the mTLS alias base) and the path (RFC 9449 §4.3). */
  request(req: Request): BindingRequest {
    const query = req.url.indexOf('?');
    const path = query < 0 ? req.url : req.url.slice(0, query);
    return {
      method: req.method,
      url: addressedBaseUrl(req.host, { issuer: this.issuer, mtlsEndpointBaseUrl: this.mtlsEndpointBaseUrl }) + path,
      headers: req.headers,
      clientCertificate: () => this.certificates.certificate(req)?.raw ?? null,
    };
  }

  /** The challenge of a protected route's error for a request that used `scheme` (RFC 9449 §7.1); Bearer's is the default. */
  challenge(scheme: PresentationScheme): AuthenticationChallenge | undefined {
    return scheme === 'bearer' ? undefined : this.all.find((b) => b.challenge.scheme.toLowerCase() === scheme)?.challenge;
  }

  /** Token endpoint: the confirmation the request's tokens carry, or null for bearer tokens. */
  async confirm(req: Request, client: AuthenticatedClient): Promise<Confirmation | null> {
    const request = this.request(req);
    let found: Confirmation | null = null;
    for (const binding of this.all) {
      const value = await binding.confirm(request, client);
      if (value === null) continue;
      // RFC 7800 §3.1 allows one confirmation method per token: the client must choose.
      if (found) throw new OAuthError('invalid_request', 'tokens can be bound to one key or certificate only');
      found = confirmation(binding.confirmationMethod, value);
    }
    return found;
  }

  /** The token response's `token_type` (RFC 9449 §5: `DPoP` for a DPoP-bound token). */
  tokenType(cnf: Confirmation | null): string {
    return cnf === null ? 'Bearer' : (this.bindings.get(confirmationMember(cnf)[0])?.challenge.scheme ?? 'Bearer');
  }

  /**
   * Protected resource: the request proves possession of what the token is bound to, presented
   * with its binding's scheme. An unbound token is a bearer token: only the Bearer scheme.
   */
  async verify(req: Request, scheme: PresentationScheme, accessToken: string, cnf: Confirmation | null): Promise<void> {
    if (cnf === null) {
      if (scheme === 'bearer') return;
      throw new OAuthError('invalid_token', 'the token is not sender-constrained; present it with the Bearer scheme', { challenge: this.challenge(scheme) });
    }
    const [method, value] = confirmationMember(cnf);
    const binding = this.bindings.get(method);
    if (!binding) throw new OAuthError('invalid_token', 'the token is bound by a method this server no longer offers');
    // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused (it may be stolen).
    if (binding.challenge.scheme.toLowerCase() !== scheme) {
      throw new OAuthError('invalid_token', `the token must be presented with the ${binding.challenge.scheme} scheme`, { challenge: binding.challenge });
    }
    await binding.verify(this.request(req), value, accessToken);
  }
}
