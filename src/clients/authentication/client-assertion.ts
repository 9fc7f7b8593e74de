import { Injectable } from '@nestjs/common';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import { issuedInFuture, JWT_CLOCK_TOLERANCE_SECONDS } from '../../common/oauth/jwt-clock';
import { type AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { ReplayCache } from '../../security/replay-cache';
import { fapiAlgorithms, fapiApplies } from '../fapi-profile';
import type { AuthenticatedClient } from '../clients.service';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient, StoredClient } from './client-authentication-method';

/** RFC 7523 §2.2: the only `client_assertion_type` this server reads. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric algorithms of private_key_jwt, strongest first; RS256 is left out by a profile that forbids it (FAPI 2.0 §5.4). */
export const PRIVATE_KEY_JWT_ALGORITHMS: readonly string[] = ['PS256', 'ES256', 'EdDSA', 'RS256'];
/** client_secret_jwt: HMAC over the client secret (OpenID Connect Core §9). */
export const CLIENT_SECRET_JWT_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];

/** Every algorithm a client assertion may use (token_endpoint_auth_signing_alg). */
export const CLIENT_ASSERTION_ALGORITHMS: readonly string[] = [...PRIVATE_KEY_JWT_ALGORITHMS, ...CLIENT_SECRET_JWT_ALGORITHMS];

/** Clock skew tolerated on `exp`, `nbf` and `iat` (FAPI 2.0 §5.3.2.1 allows up to 10 s). */
const CLOCK_TOLERANCE_SECONDS = JWT_CLOCK_TOLERANCE_SECONDS;
/** An assertion valid longer than this is refused: it is made for one request, not kept. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** A client assertion as read from the request, not verified yet. */
export interface PresentedAssertion extends PresentedClient {
  readonly assertion: string;
  /** The endpoint called, one of the audiences the assertion may name. */
  readonly endpoint: string;
}

/**
 * The client assertion of the request (RFC 7523 §2.2) if its JWS algorithm is one of `algorithms`
 * (so that private_key_jwt and client_secret_jwt each read only their own), else null. The client
 * is `client_id` when sent, else the assertion's `sub` (RFC 7523 §3: client_id is optional).
 */
export function presentAssertion({ parameters, endpoint }: ClientAuthenticationRequest, algorithms: readonly string[]): PresentedAssertion | null {
  const { client_assertion: assertion, client_assertion_type: type, client_id: clientId } = parameters;
  if (assertion === undefined && type === undefined) return null;
  if (type !== JWT_BEARER_ASSERTION) throw new OAuthError('invalid_client', 'unsupported client_assertion_type');
  if (assertion === undefined || assertion === '') throw new OAuthError('invalid_client', 'client_assertion is missing');
  let alg: unknown;
  let subject: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    subject = decodeJwt(assertion).sub;
  } catch {
    throw new OAuthError('invalid_client', 'malformed client_assertion');
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) return null;
  if (typeof subject !== 'string' || subject === '') throw new OAuthError('invalid_client', 'malformed client_assertion');
  if (clientId !== undefined && clientId !== subject) throw new OAuthError('invalid_client', 'client_id does not match the client_assertion');
  return { clientId: subject, assertion, endpoint };
}

let decoy: Promise<KeyObject> | undefined;
/** A public key no client holds the private half of. */
function decoyKey(): Promise<KeyObject> {
  decoy ??= Promise.resolve(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  return decoy;
}

/** The shortest HMAC key per algorithm (RFC 7518 §3.2: the size of the hash output). */
const HMAC_KEY_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * Verifies a client assertion (RFC 7523 §3, OpenID Connect Core §9): signature with an allowed
 * algorithm, `iss` = `sub` = the client, `aud` this server (its issuer, its token endpoint as RFC
 * 9126 §2 asks at PAR, or the endpoint called), `exp` required and near, `nbf`/`iat` not in the
 * future, and a `jti` used once until the assertion expires, on every instance.
 */
@Injectable()
export class ClientAssertionVerifier {
  constructor(
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    private readonly replay: ReplayCache,
  ) {}

  /** The algorithms of `algorithms` the client's profile allows (FAPI 2.0 §5.4.1: no RS256, no HMAC). */
  profileAlgorithms(client: Pick<AuthenticatedClient, 'id' | 'fapiProfile'>, algorithms: readonly string[]): readonly string[] {
    return fapiApplies(client, this.fapiProfile) ? fapiAlgorithms(algorithms) : algorithms;
  }

  /**
   * The algorithms `client` may sign its assertions with among those a method `offered`: its
   * registered `token_endpoint_auth_signing_alg` alone when it has one. The one place a profile
   * narrows the list (FAPI 2.0 §5.4 leaves out RS256).
   */
  algorithmsFor(client: Pick<AuthenticatedClient, 'tokenEndpointAuthSigningAlg'>, offered: readonly string[]): readonly string[] {
    const registered = client.tokenEndpointAuthSigningAlg;
    return registered === null ? offered : offered.filter((alg) => alg === registered);
  }

  /**
   * Whether the assertion proves `client`, signed with `key` and one of the `offered` algorithms
   * `client` may use; false for any failure, whichever check it was.
   */
  async verify(
    presented: PresentedAssertion,
    client: Pick<AuthenticatedClient, 'id' | 'tokenEndpointAuthSigningAlg' | 'fapiProfile'>,
    key: JWTVerifyGetKey | Uint8Array | null,
    offered: readonly string[],
  ): Promise<boolean> {
    const clientId = client.id;
    // RFC 7518 §3.2: an HMAC key at least as long as the hash; a shorter secret (an imported 8-character
    // one) would let one captured assertion be brute-forced offline, so no algorithm accepts it.
    const algorithms = this.profileAlgorithms(client, this.algorithmsFor(client, offered)).filter(
      (alg) => !(key instanceof Uint8Array) || key.length >= (HMAC_KEY_BYTES[alg] ?? Infinity),
    );
    const issuer = this.issuer;
    let payload;
    let protectedHeader;
    try {
      // Without keys (an unknown client, the registry's decoy), a key that cannot match: comparable work.
      ({ payload, protectedHeader } = await jwtVerify(presented.assertion, (key ?? (await decoyKey())) as JWTVerifyGetKey, {
        algorithms: [...algorithms],
        issuer: clientId,
        subject: clientId,
        audience: [issuer, `${issuer}/oauth2/token`, presented.endpoint],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch {
      return false;
    }
    if (key === null || algorithms.length === 0) return false;
    // One audience, as a string: jose accepts an array naming any expected value, which lets an
    // assertion made for another server (`aud: ["https://other", <our issuer>]`) pass here (the
    // private_key_jwt audience-injection attack; FAPI 2.0 Security Profile §5.3.2.1 wants the issuer as a string).
    if (typeof payload.aud !== 'string') return false;
    // Explicit typing (RFC 8725 §3.11): a signed request object (RFC 9101 §10.8), which travels
    // through the browser, never counts as a client assertion.
    if (protectedHeader.typ?.toLowerCase() === 'oauth-authz-req+jwt' || 'response_type' in payload || 'redirect_uri' in payload) return false;
    const now = nowSeconds();
    const { exp, iat, jti } = payload;
    if (typeof exp !== 'number' || exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) return false;
    if (issuedInFuture({ iat }, now)) return false;
    if (typeof jti !== 'string' || jti === '' || jti.length > 256) return false;
    // Last, so that only an otherwise valid assertion spends its jti (RFC 7523 §3 item 7).
    return this.replay.claim('client-assertion', `${clientId}\n${jti}`, exp + CLOCK_TOLERANCE_SECONDS);
  }
}

/**
 * What private_key_jwt and client_secret_jwt share: each reads the assertions of its own
 * algorithms and verifies them with the key the client registered for it (`keyOf`).
 */
export abstract class AssertionMethod implements ClientAuthenticationMethod<PresentedAssertion> {
  abstract readonly name: string;
  abstract readonly credential: string;
  abstract readonly signingAlgorithms: readonly string[];

  constructor(private readonly assertions: ClientAssertionVerifier) {}

  present(request: ClientAuthenticationRequest): PresentedAssertion | null {
    return presentAssertion(request, this.signingAlgorithms);
  }

  verify(presented: PresentedAssertion, stored: StoredClient): Promise<boolean> {
    return this.assertions.verify(presented, stored.client, this.keyOf(stored), this.signingAlgorithms);
  }

  /** The key the assertion must verify with, or null when the client has none for this method. */
  protected abstract keyOf(stored: StoredClient): JWTVerifyGetKey | Uint8Array | null;
}
