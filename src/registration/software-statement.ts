import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { OAuthError } from '../common/oauth/oauth-error';
import { INVALID_SOFTWARE_STATEMENT } from './registration-errors';

/** JWT claims that describe the statement itself, not the client (RFC 7519 §4.1). */
const JWT_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];

/**
 * RFC 7591 §2.3: a software statement is a JWT a software publisher signed; its claims are client
 * metadata that win over the same fields sent in the clear (§3.1.1). Only statements signed by a key
 * in REGISTRATION_SOFTWARE_STATEMENT_JWKS are accepted.
 */
@Injectable()
export class SoftwareStatements {
  private readonly keys: JWTVerifyGetKey | null;

  constructor(@InjectConfig('registration') registration: AppConfig['registration']) {
    const jwks = registration.softwareStatementJwks;
    this.keys = jwks ? createLocalJWKSet(jwks as JSONWebKeySet) : null;
  }

  /** The metadata of the request with the statement's claims applied over it (the statement removed). */
  async apply(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { software_statement: statement, ...metadata } = body;
    if (statement === undefined) return metadata;
    if (typeof statement !== 'string') throw new OAuthError(INVALID_SOFTWARE_STATEMENT, 'software_statement must be a JWT');
    if (!this.keys) throw new OAuthError(INVALID_SOFTWARE_STATEMENT, 'this server accepts no software statements');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(statement, this.keys, { algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] }));
    } catch (error) {
      throw new OAuthError(INVALID_SOFTWARE_STATEMENT, 'the software statement is not signed by a trusted key, or has expired', { cause: error });
    }
    const statementMetadata = Object.fromEntries(Object.entries(claims).filter(([name]) => !JWT_CLAIMS.includes(name)));
    return { ...metadata, ...statementMetadata };
  }
}
