import { Injectable } from '@nestjs/common';
import { importJWK } from 'jose';
import * as oidc from 'openid-client';
import { UpstreamProviderEntity } from './upstream-provider.entity';
import { UpstreamProvidersService } from './upstream-providers.service';

/** Discovered metadata is kept this long (ms): a provider rotating its keys is followed by openid-client's JWKS cache meanwhile. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;

/** Plain-HTTP issuers are accepted on the loopback interface only (a provider on the same host, tests). */
function isLoopback(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

/**
 * openid-client configurations of the upstream providers (OpenID Connect Discovery 1.0): discovered
 * once per provider version, with our client authentication there. A cache only: each instance
 * discovers for itself.
 */
@Injectable()
export class UpstreamClients {
  private readonly cache = new Map<string, { readonly config: Promise<oidc.Configuration>; readonly at: number }>();

  constructor(private readonly providers: UpstreamProvidersService) {}

  configuration(provider: UpstreamProviderEntity): Promise<oidc.Configuration> {
    const key = `${provider.id}:${provider.updatedAt}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    for (const other of this.cache.keys()) if (other.startsWith(`${provider.id}:`)) this.cache.delete(other);
    const config = this.discover(provider);
    this.cache.set(key, { config, at: Date.now() });
    // A failed discovery is not remembered: the next sign-in tries again.
    config.catch(() => this.cache.delete(key));
    return config;
  }

  private async discover(provider: UpstreamProviderEntity): Promise<oidc.Configuration> {
    const issuer = new URL(provider.issuer);
    const credential = this.providers.openCredential(provider);
    const config = await oidc.discovery(issuer, provider.clientId, undefined, await clientAuthentication(provider, credential), {
      execute: isLoopback(issuer) ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    });
    // OpenID Connect Core §3.1.3.7 lets a client trust TLS for an ID Token from the token endpoint;
    // its signature is checked against the provider's JWKS anyway, so a token altered on the way
    // (or by a compromised proxy) is refused rather than believed.
    oidc.enableNonRepudiationChecks(config);
    return config;
  }
}

async function clientAuthentication(provider: UpstreamProviderEntity, credential: string): Promise<oidc.ClientAuth> {
  switch (provider.clientAuthMethod) {
    case 'client_secret_post':
      return oidc.ClientSecretPost(credential);
    case 'private_key_jwt': {
      const jwk = JSON.parse(credential) as { kid: string; alg?: string };
      const alg = jwk.alg ?? 'RS256';
      const key = await importJWK(jwk, alg);
      if (!(key instanceof CryptoKey)) throw new Error('the private key of the upstream provider is not an asymmetric key');
      return oidc.PrivateKeyJwt({ key, kid: jwk.kid });
    }
    default:
      return oidc.ClientSecretBasic(credential);
  }
}
