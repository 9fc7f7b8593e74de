import { Authentication, authenticationClaims } from '../common/oauth/authentication';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AuthenticatedClient } from '../clients/clients.service';
import { scopeTokens } from '../common/oauth/scope';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import type { SigningAlgorithm } from '../keys/signing-key.entity';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { UserProfile } from '../users/users.service';
import { ClaimsRequest, claimsOfScope, releaseClaims } from './standard-claims';

export interface IdTokenContext {
  readonly client: AuthenticatedClient;
  readonly user: UserProfile;
  readonly scope: string;
  readonly accessToken: string;
  /** When the user authenticated; absent for tokens from before OpenID Connect was enabled. */
  readonly authTime: number | null;
  /** How the user authenticated; absent or null: a password (sign-ins from before this was recorded). */
  readonly authentication?: Authentication | null;
  readonly nonce?: string | null;
  /** OpenID Connect Core §5.5: the claims the authorization request asked the ID Token for. */
  readonly claims?: ClaimsRequest | null;
}

/**
 * The user's claims an ID Token carries: by default those of its granted scopes (what Keycloak,
 * Entra ID, Okta and Auth0 do, and what relying parties such as express-openid-connect read), or
 * with the client's `minimal` setting none (Core §5.4 lets them come from userinfo alone); and
 * either way those the `claims` parameter asks the ID Token for (§5.5).
 */
export function idTokenUserClaims(context: Pick<IdTokenContext, 'client' | 'user' | 'scope' | 'claims'>): Record<string, unknown> {
  const names = new Set(context.client.idTokenClaims === 'minimal' ? [] : claimsOfScope(context.scope));
  for (const name of Object.keys(context.claims?.id_token ?? {})) names.add(name);
  return releaseClaims(context.user, names);
}

/** OpenID Connect Core §3.1.3.6: the hash that at_hash takes the left half of, per JWS algorithm. */
const AT_HASH: Record<SigningAlgorithm, 'sha256' | 'sha512'> = { RS256: 'sha256', PS256: 'sha256', ES256: 'sha256', EdDSA: 'sha512' };

export function atHash(accessToken: string, alg: SigningAlgorithm): string {
  const digest = createHash(AT_HASH[alg]).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** ID Tokens (OpenID Connect Core §2) for token responses whose scope includes `openid`. */
@Injectable()
export class IdTokenService {
  constructor(
    private readonly keys: SigningKeysService,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    @InjectConfig('idTokenTtl') private readonly idTokenTtl: AppConfig['idTokenTtl'],
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
  ) {}

  /** The signed ID Token, or undefined when the scope does not include openid. */
  async issue(context: IdTokenContext): Promise<string | undefined> {
    if (!scopeTokens(context.scope).includes('openid')) return undefined;
    const alg = context.client.idTokenSignedResponseAlg;
    const now = nowSeconds();
    return this.keys.sign(
      {
        ...idTokenUserClaims(context),
        iss: this.issuer,
        sub: context.user.id,
        aud: context.client.id,
        azp: context.client.id,
        exp: now + this.idTokenTtl,
        iat: now,
        ...(context.authTime !== null ? { auth_time: context.authTime } : {}),
        ...(context.nonce ? { nonce: context.nonce } : {}),
        at_hash: atHash(context.accessToken, alg),
        ...this.authentication(context),
      },
      alg,
    );
  }

  /**
   * How the session signed in, as recorded when it did (RFC 8176 amr, Core §2 acr): a password, a
   * second factor, or an upstream provider's sign-in (its amr and acr when trusted, else no
   * method). Without a record (a sign-in from before they were kept): a password, and its class
   * only when asked for.
   */
  private authentication(context: IdTokenContext): Record<string, unknown> {
    if (context.authentication) return authenticationClaims(context.authentication);
    const acrAsked = context.claims?.id_token && 'acr' in context.claims.id_token;
    return { amr: ['pwd'], ...(acrAsked ? { acr: this.mfa.passwordAcr } : {}) };
  }
}
