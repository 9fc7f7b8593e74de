import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { randomToken } from '../common/crypto/tokens';
import type { SigningAlgorithm } from '../keys/signing-key.entity';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { Confirmation } from './binding/confirmation';

/** What an access token stands for, whatever its format. */
export interface AccessTokenClaims {
  /** The stored row's id: the JWT's `jti`. */
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
}

export type AccessTokenFormatName = 'opaque' | 'jwt';

/**
 * How an access token's value is written: opaque (a random string that means nothing without
 * introspection) or an RFC 9068 JWT. Either is stored by its SHA-256, so lookups, introspection
 * and revocation treat both alike; a new format is one more entry here.
 */
@Injectable()
export class AccessTokenFormats {
  private readonly formats: Record<AccessTokenFormatName, (claims: AccessTokenClaims) => Promise<string>>;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.formats = {
      opaque: async () => randomToken(),
      jwt: (claims) => this.jwt(claims),
    };
  }

  encode(format: AccessTokenFormatName, claims: AccessTokenClaims): Promise<string> {
    return this.formats[format](claims);
  }

  /** RFC 9068 §2.2: `typ: at+jwt`, signed with the current key of the claims' algorithm. */
  private jwt(claims: AccessTokenClaims): Promise<string> {
    return this.keys.sign(
      {
        iss: this.config.issuer,
        sub: claims.userId ?? claims.clientId,
        aud: claims.audience,
        client_id: claims.clientId,
        iat: claims.issuedAt,
        exp: claims.expiresAt,
        jti: claims.id,
        scope: claims.scope,
        ...(claims.cnf ? { cnf: claims.cnf } : {}),
      },
      claims.alg,
      'at+jwt',
    );
  }
}
