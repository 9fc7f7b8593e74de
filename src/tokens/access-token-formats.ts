import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { randomToken } from '../common/crypto/tokens';
import type { SigningAlgorithm } from '../keys/signing-key.entity';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { Confirmation } from './binding/confirmation';
import type { ClaimsRequest } from '../oidc/standard-claims';
import { Authentication, authenticationClaims } from '../common/oauth/authentication';

/** What an access token stands for, whatever its format. */
export interface AccessTokenClaims {
  /** The token's id: an opaque token's row id, a JWT's `jti` (a UUIDv7: its time is when it was minted). */
  readonly id: string;
  readonly clientId: string;
  /** The resource owner, or null for a client's own token. */
  readonly userId: string | null;
  readonly scope: string;
  /** The resource server the token is for; this server itself when none was named. */
  readonly audience: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The signature algorithm of a JWT (the resource server's; RS256 without one). */
  readonly alg: SigningAlgorithm;
  /** RFC 9449 §6.1, RFC 8705 §3.1: the key or certificate the token is bound to; null: a bearer token. */
  readonly cnf: Confirmation | null;
  /** The grant family the token descends from, so that revoking the family revokes a JWT that is not stored. */
  readonly grantId: string;
  /** OpenID Connect Core §5.5: the claims the grant's request asked userinfo for, which a JWT carries as it is not stored. */
  readonly claims: ClaimsRequest | null;
  /** How the user signed in (RFC 9068 §2.2.1: `amr` and `acr`), which a JWT carries as it is not stored; null without a user. */
  readonly authentication: Authentication | null;
  /** When the user authenticated (RFC 9068 §2.2.1 `auth_time`); null without a user or when unknown. */
  readonly authTime: number | null;
}

export type AccessTokenFormatName = 'opaque' | 'jwt';

/** What a verified JWT access token says (its algorithm was the key's). */
export type DecodedAccessToken = Omit<AccessTokenClaims, 'alg' | 'audience'> & {
  /** RFC 8707: the resource server the token is for; null when it is for this server itself (RFC 9068 §3). */
  readonly resource: string | null;
  /** Minted before JWTs stopped being stored (no `grant_id`): its row, not its claims, says whether it is revoked. */
  readonly stored: boolean;
};

/**
 * How an access token's value is written: opaque (a random string that means nothing without
 * introspection, stored by its SHA-256) or an RFC 9068 JWT (not stored: verified by its signature,
 * revoked through TokenRevocations). A new format is one more entry here.
 */
@Injectable()
export class AccessTokenFormats {
  private readonly formats: Record<AccessTokenFormatName, (claims: AccessTokenClaims) => Promise<string>>;

  constructor(
    private readonly keys: SigningKeysService,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
  ) {
    this.formats = {
      opaque: async () => randomToken(),
      jwt: (claims) => this.jwt(claims),
    };
  }

  encode(format: AccessTokenFormatName, claims: AccessTokenClaims): Promise<string> {
    return this.formats[format](claims);
  }

  /** Whether a token of `format` is stored (and found by its hash), or stands on its signature. */
  isStored(format: AccessTokenFormatName): boolean {
    return format === 'opaque';
  }

  /** Whether `token` has the shape of a JWT (an opaque token is one base64url string, without dots). */
  looksLikeJwt(token: string): boolean {
    return token.startsWith('eyJ') && token.split('.').length === 3;
  }

  /** The claims of a JWT access token this server signed, or null (expiry and revocation unchecked). */
  async decode(token: string): Promise<DecodedAccessToken | null> {
    const jwt = await this.keys.verifyAccessToken(token);
    if (!jwt) return null;
    const { iss, sub, aud, client_id: clientId, iat, exp, jti, scope, cnf, grant_id: grantId, claims, amr, acr, auth_time: authTime } = jwt;
    if (typeof sub !== 'string' || typeof aud !== 'string' || typeof clientId !== 'string' || typeof jti !== 'string' || typeof scope !== 'string') return null;
    if (typeof iat !== 'number' || typeof exp !== 'number') return null;
    return {
      id: jti,
      clientId,
      // RFC 9068 §2.2: `sub` is the client itself when no resource owner is involved.
      userId: sub === clientId ? null : sub,
      scope,
      // RFC 9068 §3: a token for this server itself names its issuer as the audience.
      resource: aud === iss ? null : aud,
      issuedAt: iat,
      expiresAt: exp,
      cnf: typeof cnf === 'object' && cnf !== null ? (cnf as Confirmation) : null,
      grantId: typeof grantId === 'string' ? grantId : jti,
      stored: typeof grantId !== 'string',
      claims: typeof claims === 'object' && claims !== null ? (claims as ClaimsRequest) : null,
      authentication: typeof acr === 'string' ? readAmr(amr, acr) : null,
      authTime: typeof authTime === 'number' ? authTime : null,
    };
  }

  /** RFC 9068 §2.2: `typ: at+jwt`, signed with the current key of the claims' algorithm. */
  private jwt(claims: AccessTokenClaims): Promise<string> {
    return this.keys.sign(
      {
        iss: this.issuer,
        sub: claims.userId ?? claims.clientId,
        aud: claims.audience,
        client_id: claims.clientId,
        iat: claims.issuedAt,
        exp: claims.expiresAt,
        jti: claims.id,
        scope: claims.scope,
        ...(claims.cnf ? { cnf: claims.cnf } : {}),
        grant_id: claims.grantId,
        ...(claims.claims?.userinfo ? { claims: { userinfo: claims.claims.userinfo } } : {}),
        ...(claims.authentication ? authenticationClaims(claims.authentication) : {}),
        ...(claims.authTime !== null ? { auth_time: claims.authTime } : {}),
      },
      claims.alg,
      'at+jwt',
    );
  }
}

/** A JWT's amr and acr as the sign-in they describe: no amr is a sign-in with no method vouched for. */
function readAmr(amr: unknown, acr: string): Authentication | null {
  if (amr === undefined) return { amr: [], acr };
  return Array.isArray(amr) && amr.every((value) => typeof value === 'string') ? { amr: amr as string[], acr } : null;
}
