import { Injectable } from '@nestjs/common';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type DecodedJws, decodeCompactJws, HMAC_JWS_ALGORITHMS, verifiesWithKey, verifiesWithSecret } from '../../common/crypto/jws';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import { issuedInFuture, JWT_CLOCK_TOLERANCE_SECONDS } from '../../common/oauth/jwt-clock';
import { type AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { ReplayCache } from '../../security/replay-cache';
import type { JwsKeyHint } from '../client-keys';
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
  /** The assertion taken apart (read once, for every method that looks at it). */
  readonly jws: DecodedJws;
  /** The endpoint called, one of the audiences the assertion may name. */
  readonly endpoint: string;
}

/** The last assertion decoded: every assertion method reads the same one in a request, one after another. */
let lastDecoded: { readonly assertion: string; readonly jws: DecodedJws | null } | undefined;

function decoded(assertion: string): DecodedJws | null {
  if (lastDecoded?.assertion !== assertion) lastDecoded = { assertion, jws: decodeCompactJws(assertion) };
  return lastDecoded.jws;
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
  const jws = decoded(assertion);
  if (!jws) throw new OAuthError('invalid_client', 'malformed client_assertion');
  const { alg } = jws.header;
  if (typeof alg !== 'string' || !algorithms.includes(alg)) return null;
  const subject = jws.payload.sub;
  if (typeof subject !== 'string' || subject === '') throw new OAuthError('invalid_client', 'malformed client_assertion');
  if (clientId !== undefined && clientId !== subject) throw new OAuthError('invalid_client', 'client_id does not match the client_assertion');
  return { clientId: subject, assertion, jws, endpoint };
}

/**
 * The key an assertion must verify with: the client's public keys that suit its header (private_key_jwt),
 * the client secret (client_secret_jwt), or null when the client has none for the method.
 */
export type AssertionKey = ((hint: JwsKeyHint) => Promise<readonly KeyObject[]>) | Uint8Array | null;

let decoy: KeyObject | undefined;
/** A public key no client holds the private half of. */
function decoyKey(): KeyObject {
  decoy ??= generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  return decoy;
}

/**
 * Verifies a client assertion (RFC 7523 §3, OpenID Connect Core §9): signature with an allowed
 * algorithm, `iss` = `sub` = the client, `aud` this server (its issuer, its token endpoint as RFC
 * 9126 §2 asks at PAR, or the endpoint called), `exp` required and near, `nbf`/`iat` not in the
 * future, and a `jti` used once until the assertion expires, on every instance.
 *
 * Written on node:crypto, as the DPoP proof check is, rather than jose's jwtVerify: jose imports
 * the key into WebCrypto and verifies asynchronously; here the client's KeyObject is imported once
 * (ClientKeys) and the signature checked synchronously, then the claims, each with its own test.
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
    key: AssertionKey,
    offered: readonly string[],
  ): Promise<boolean> {
    const { jws } = presented;
    const alg = String(jws.header.alg);
    const secret = key instanceof Uint8Array;
    // An HMAC key only with an HMAC algorithm, a public key only with an asymmetric one (RFC 8725
    // §3.1: no HMAC keyed with a public key, no `none`); RFC 7518 §3.2: an HMAC key at least as long
    // as the hash, or a captured assertion of a short (imported) secret could be brute-forced offline.
    const hmac = HMAC_JWS_ALGORITHMS[alg];
    const allowed =
      this.profileAlgorithms(client, this.algorithmsFor(client, offered)).includes(alg) &&
      (hmac === undefined ? !secret : secret && key.length >= hmac.minKeyBytes);
    // Without keys (an unknown client, the registry's decoy) or with an algorithm not allowed, a key
    // that cannot match: comparable work, and no jwks_uri fetched for an algorithm refused anyway.
    const signed = secret ? verifiesWithSecret(alg, jws, key) : await this.verifiesWithPublicKey(alg, jws, allowed ? key : null);
    if (key === null || !allowed || !signed) return false;
    if (!this.claimsHold(jws, client.id, presented.endpoint)) return false;
    const { exp, jti } = jws.payload as { exp: number; jti: string };
    // Last, so that only an otherwise valid assertion spends its jti (RFC 7523 §3 item 7).
    return this.replay.claim('client-assertion', `${client.id}\n${jti}`, exp + CLOCK_TOLERANCE_SECONDS);
  }

  private async verifiesWithPublicKey(alg: string, jws: DecodedJws, key: Exclude<AssertionKey, Uint8Array>): Promise<boolean> {
    const keys = key === null ? [decoyKey()] : await key({ alg, kid: jws.header.kid });
    return keys.some((candidate) => verifiesWithKey(alg, jws, candidate));
  }

  /** RFC 7523 §3 items 1–7 but the replay, RFC 7519 §4.1 for the types, RFC 8725 §3.11 for the kind of JWT. */
  private claimsHold({ header, payload }: DecodedJws, clientId: string, endpoint: string): boolean {
    const { iss, sub, aud, exp, nbf, iat, jti } = payload;
    if (iss !== clientId || sub !== clientId) return false;
    // One audience, as a string: an array naming us among others would let an assertion made for
    // another server pass here (the private_key_jwt audience-injection attack; FAPI 2.0 Security
    // Profile §5.3.2.1 wants the issuer as a string).
    const issuer = this.issuer;
    if (typeof aud !== 'string' || (aud !== issuer && aud !== `${issuer}/oauth2/token` && aud !== endpoint)) return false;
    // Explicit typing (RFC 8725 §3.11): a signed request object (RFC 9101 §10.8), which travels
    // through the browser, never counts as a client assertion.
    const typ = header.typ;
    if ((typeof typ === 'string' && typ.toLowerCase() === 'oauth-authz-req+jwt') || 'response_type' in payload || 'redirect_uri' in payload) return false;
    const now = nowSeconds();
    // `exp` required, not passed (RFC 7519 §4.1.4, with the skew allowed) and near: an assertion is made for one request.
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= now - CLOCK_TOLERANCE_SECONDS) return false;
    if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) return false;
    // `iat` and `nbf` numbers, not ahead of the skew allowed (FAPI 2.0 §5.3.2.1: 10 s).
    if (issuedInFuture({ iat, nbf }, now)) return false;
    return typeof jti === 'string' && jti !== '' && jti.length <= 256;
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
  protected abstract keyOf(stored: StoredClient): AssertionKey;
}
