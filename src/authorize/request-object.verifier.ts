import { issuedInFuture, JWT_CLOCK_TOLERANCE_SECONDS } from '../common/oauth/jwt-clock';
import { fapiAlgorithms, fapiApplies } from '../clients/fapi-profile';
import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ClientKeys } from '../clients/client-keys';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ReplayCache } from '../security/replay-cache';
import { AUTHORIZE_PARAMS } from './authorize-request';

/**
 * The algorithms a request object may be signed with: asymmetric only (never `none`, never HMAC,
 * which would need a secret we store only hashed). PS256, ES256 and EdDSA are those of the FAPI 2.0
 * Security Profile §5.4; RS256 for everyone else.
 */
export const REQUEST_OBJECT_SIGNING_ALGS = ['PS256', 'ES256', 'EdDSA', 'RS256'] as const;
/** Clock skew tolerated on exp, nbf and iat (FAPI 2.0 Security Profile §5.3.2.1: up to 10 seconds). */
const CLOCK_TOLERANCE_SECONDS = JWT_CLOCK_TOLERANCE_SECONDS;
/** FAPI 2.0 Message Signing §5.3.1: nbf no longer than 60 minutes in the past, exp no later than 60 minutes after it. */
const MAX_LIFETIME_SECONDS = 3600;
const REPLAY_NAMESPACE = 'request_object';

/** True when `request` is an unsigned request object (alg none): not supported, answered request_not_supported. */
export function isUnsignedRequestObject(request: string): boolean {
  try {
    return decodeProtectedHeader(request).alg === 'none';
  } catch {
    return false;
  }
}

/**
 * Signed request objects (RFC 9101, OpenID Connect Core §6.1): verified against the client's
 * registered keys (jwks or jwks_uri), and the only source of the request's parameters: those sent
 * beside it are ignored (RFC 9101 §5, §6.3), client_id excepted, which must agree.
 */
@Injectable()
export class RequestObjectVerifier {
  constructor(
    private readonly keys: ClientKeys,
    private readonly replays: ReplayCache,
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
  ) {}

  /** The authorization request parameters of `request`, or OAuthError invalid_request_object. */
  async parameters(request: string, client: AuthenticatedClient): Promise<Record<string, string>> {
    const keySet = this.keys.keySet(client);
    if (!keySet) throw new OAuthError('invalid_request_object', 'the client has no registered keys (jwks or jwks_uri) to verify request objects with');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(request, keySet, {
        // FAPI 2.0 §5.4.1: no RS256 for clients under the profile.
        algorithms: [...(fapiApplies(client, this.fapiProfile) ? fapiAlgorithms(REQUEST_OBJECT_SIGNING_ALGS) : REQUEST_OBJECT_SIGNING_ALGS)],
        // RFC 9101 §6.1 and §10.2: iss is the client, aud this server.
        issuer: client.id,
        audience: this.issuer,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw new OAuthError('invalid_request_object', verificationFailure(error));
    }
    const now = nowSeconds();
    // jose checks nbf, not iat: a request object from the future is refused (FAPI 2.0 §5.3.2.1).
    if (issuedInFuture(payload, now)) throw new OAuthError('invalid_request_object', 'the request object is issued in the future (iat)');
    const start = payload.nbf ?? payload.iat ?? now;
    if (start < now - MAX_LIFETIME_SECONDS) throw new OAuthError('invalid_request_object', 'the request object is too old (nbf more than 60 minutes ago)');
    if (payload.exp! - start > MAX_LIFETIME_SECONDS)
      throw new OAuthError('invalid_request_object', 'the request object lives too long (exp more than 60 minutes after nbf)');
    if (payload.client_id !== undefined && payload.client_id !== client.id)
      throw new OAuthError('invalid_request_object', 'client_id in the request object does not match');
    if (payload.request !== undefined || payload.request_uri !== undefined)
      throw new OAuthError('invalid_request_object', 'a request object must not contain request or request_uri');
    const parameters = requestParameters(payload);
    // Single use, on every instance, until it expires anyway.
    if (!(await this.replays.claim(REPLAY_NAMESPACE, `${client.id}\n${String(payload.jti)}`, payload.exp! + CLOCK_TOLERANCE_SECONDS))) {
      throw new OAuthError('invalid_request_object', 'the request object was used before (jti)');
    }
    return { ...parameters, client_id: client.id };
  }
}

/** The authorization parameters among the claims: numbers (max_age) and objects (claims) as their text. */
function requestParameters(payload: JWTPayload): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = payload[name];
    if (value === undefined) continue;
    if (typeof value === 'string') parameters[name] = value;
    else if (typeof value === 'number' && name === 'max_age') parameters[name] = String(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && name === 'claims') parameters[name] = JSON.stringify(value);
    else throw new OAuthError('invalid_request_object', `${name} in the request object must be a string`);
  }
  return parameters;
}

/** Why verification failed, in words that name no key material. */
function verificationFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the request object expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the request object's ${error.claim} claim is missing or wrong`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return `the request object must be signed with one of ${REQUEST_OBJECT_SIGNING_ALGS.join(', ')}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey)
    return 'the request object signature does not verify with the client’s keys';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) return 'the request object could not be verified';
  return 'the request object is not a signed JWT';
}
