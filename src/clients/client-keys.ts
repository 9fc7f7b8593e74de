import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, type FetchImplementation, type JWK, type JWTVerifyGetKey, type RemoteJWKSet } from 'jose';
import { importPublicJwk, jwkSuits } from '../common/crypto/jws';
import { type HostResolver, outboundGet, OutboundGetError } from '../common/http/outbound-get';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';

/** Injection token of the resolver behind the public-only check (tests give a fake one; the system's otherwise). */
export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

/** A JWK Set (RFC 7517 §5) as registered: public keys only. */
export interface JwkSet {
  readonly keys: readonly JWK[];
}

/** The client a key set is looked up for: its inline `jwks` or its `jwks_uri`. */
export interface KeyedClient {
  readonly jwks: JwkSet | null;
  readonly jwksUri: string | null;
}

/** JWK members that carry private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
/** The most keys a registered set may hold: a client rotates keys, it does not collect them. */
const MAX_KEYS = 20;

/** Why `value` is not a JWK Set of public keys, in words for the admin API; undefined when it is one. */
export function jwksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JWK Set object with a "keys" array';
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'must be a JWK Set object with a non-empty "keys" array';
  if (keys.length > MAX_KEYS) return `must hold at most ${MAX_KEYS} keys`;
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return `keys[${i}] must be a JWK object`;
    const jwk = key as Record<string, unknown>;
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return `keys[${i}] must be a public RSA, EC or OKP key`;
    const secret = privateMember(jwk);
    if (secret) return `keys[${i}] holds the private member "${secret}": register public keys only`;
    if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return `keys[${i}].kid must be a string`;
    // RFC 7517 §4.2, §4.3: `use` is a string, `key_ops` an array of strings.
    if (jwk.use !== undefined && typeof jwk.use !== 'string') return `keys[${i}].use must be a string`;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.every((op) => typeof op === 'string'))) {
      return `keys[${i}].key_ops must be an array of strings`;
    }
    if (jwk.alg !== undefined && typeof jwk.alg !== 'string') return `keys[${i}].alg must be a string`;
  }
  return undefined;
}

/** The first private or symmetric member `jwk` carries, if any. */
function privateMember(jwk: object): string | undefined {
  return PRIVATE_MEMBERS.find((member) => member in jwk);
}

/**
 * Why `uri` may not be a `jwks_uri`; undefined when it may. HTTPS only (keys fetched over plain
 * HTTP could be swapped on the way), except on the loopback interface, where nothing is on the way
 * (as RFC 8252 §7.3 allows http loopback redirect URIs): local development and tests, which then
 * also set CLIENT_JWKS_URI_ALLOW_PRIVATE, since the fetch refuses non-public addresses by default.
 */
export function jwksUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (url === null) return 'must be an absolute URL';
  if (url.hash !== '' || uri.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
  return 'must be an https URL (http only on the loopback interface)';
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** What a fetched `jwks_uri` may weigh: a few keys are a few kilobytes. */
export const JWKS_URI_MAX_BYTES = 64 * 1024;
const JWKS_URI_TIMEOUT_MS = 3000;
/** Fetched sets are kept this long, then fetched again on their next use. */
const JWKS_URI_MAX_AGE_MS = 10 * 60_000;
/** How many remote sets are kept in process; the least recently used one goes first. */
const REMOTE_SETS_MAX = 1000;
/** How many imported public keys are kept in process; the oldest one goes first. */
const IMPORTED_KEYS_MAX = 2000;

/** What a JWS header says of the key that signed it (RFC 7515 §4.1.1, §4.1.4). */
export interface JwsKeyHint {
  readonly alg: string;
  readonly kid?: unknown;
}

/**
 * The registered keys that may have signed a JWS with `hint` (as jose's key sets select them):
 * a key of the type and curve the algorithm needs, the header's `kid` when it names one, and
 * neither another `alg`, nor a `use` other than `sig`, nor `key_ops` without `verify` (RFC 7517 §4).
 */
export function selectKeys(keys: readonly JWK[], { alg, kid }: JwsKeyHint): JWK[] {
  return keys.filter(
    (jwk) =>
      jwkSuits(jwk as Record<string, unknown>, alg) &&
      (kid === undefined || jwk.kid === kid) &&
      (jwk.alg === undefined || jwk.alg === alg) &&
      (jwk.use === undefined || jwk.use === 'sig') &&
      (jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))),
  );
}

/** JSON with the members of every object in sorted order: one text per JWK, whatever order it came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The cache key of a JWK: a hash of the whole JWK, not of its public members only, so that another
 * client's set serving the same public key with something more (a private member, which makes the
 * import fail) cannot stand in for this client's key.
 */
function jwkCacheKey(jwk: JWK): string {
  return createHash('sha256').update(canonicalJson(jwk)).digest('base64url');
}

/**
 * The fetch() jose's remote set calls: the same public-only, size- and time-limited GET as for
 * metadata documents (a client's server must not make ours read an endless answer, nor make it
 * reach this network by naming a host that resolves to it). Redirects are not followed.
 */
export function jwksUriFetch(options: { readonly allowPrivate: boolean; readonly resolve?: HostResolver }): FetchImplementation {
  return async (url, init) => {
    const sent: Record<string, string> = {};
    init.headers.forEach((value, name) => (sent[name] = value));
    let response;
    try {
      response = await outboundGet(new URL(url), { maxBytes: JWKS_URI_MAX_BYTES, timeoutMs: JWKS_URI_TIMEOUT_MS, headers: sent, ...options });
    } catch (error) {
      throw error instanceof OutboundGetError ? new Error(`jwks_uri ${error.message}`, { cause: error }) : error;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
    return new Response(response.status === 204 || response.status === 304 ? null : new Uint8Array(response.body), { status: response.status, headers });
  };
}

/**
 * The public keys a client registered, as jose's jwtVerify() takes them: its inline `jwks`, or its
 * `jwks_uri` fetched (timeout, size limit), cached, and fetched again when a token names a `kid`
 * the cached set lacks, at most once per CLIENT_JWKS_URI_COOLDOWN_SECONDS (jose's remote JWK Set
 * does the caching and the cooldown). Used for client assertions and signed request objects.
 */
@Injectable()
export class ClientKeys {
  private readonly local = new WeakMap<JwkSet, JWTVerifyGetKey>();
  private readonly remote = new Map<string, RemoteJWKSet>();
  private readonly fetchLimited: FetchImplementation;
  private readonly imported = new Map<string, KeyObject>();
  /**
   * The same, by the JWK object: a client row kept by the client cache hands over the same inline
   * `jwks` objects on every request, and finding their key by identity spares the canonical JSON
   * and SHA-256 of the hash key on each client assertion (a `jwks_uri` set is a fresh copy on each
   * read, so it always goes through the hash). Another object, even with the same members, goes
   * through the hash, so nothing is shared across clients by this map.
   */
  private readonly importedByObject = new WeakMap<JWK, KeyObject>();

  constructor(
    @InjectConfig('clientJwksUriAllowPrivate') clientJwksUriAllowPrivate: AppConfig['clientJwksUriAllowPrivate'],
    @InjectConfig('clientJwksUriCooldownSeconds') private readonly clientJwksUriCooldownSeconds: AppConfig['clientJwksUriCooldownSeconds'],
    @Optional() @Inject(HOST_RESOLVER) resolve?: HostResolver,
  ) {
    this.fetchLimited = jwksUriFetch({ allowPrivate: clientJwksUriAllowPrivate, resolve });
  }

  /** The client's key set, or null when it registered none. */
  keySet(client: KeyedClient): JWTVerifyGetKey | null {
    if (client.jwks) return this.localSet(client.jwks);
    if (client.jwksUri) return this.remoteSet(client.jwksUri);
    return null;
  }

  /**
   * Whether `test` finds its key among the client's registered keys, for a match made on the keys
   * themselves (a certificate's public key, RFC 8705 §2.2) rather than on a JWS header. A `jwks_uri`
   * is read from the same cache as keySet(), and fetched again once when the cached set has no
   * match, at most once per cooldown (a rotated certificate is published first). A set that cannot
   * be fetched has no match: the client is not authenticated, the server does not fail.
   */
  async hasKey(client: KeyedClient, test: (keys: readonly JWK[]) => Promise<boolean>): Promise<boolean> {
    return (await this.search(client, async (keys) => ((await test(keys)) ? true : undefined))) ?? false;
  }

  /**
   * The client's registered public keys that may verify a JWS with `hint` (selectKeys), as
   * node:crypto KeyObjects: each key is imported once and kept (by a hash of the whole JWK, so a
   * client row read again, or a `jwks_uri` fetched again, finds it; a key that fails to import is
   * not kept). A `jwks_uri` is read as hasKey() reads
   * it: a `kid` the cached set lacks makes it fetch the set again, at most once per cooldown.
   */
  async verificationKeys(client: KeyedClient, hint: JwsKeyHint): Promise<readonly KeyObject[]> {
    const found = await this.search(client, (keys) => {
      const usable = selectKeys(keys, hint)
        .map((jwk) => this.importKey(jwk))
        .filter((key): key is KeyObject => key !== null);
      return usable.length > 0 ? usable : undefined;
    });
    return found ?? [];
  }

  /**
   * What `find` finds among the client's keys: its inline `jwks`, or its `jwks_uri` from the cache,
   * fetched again once when the cached set yields nothing, at most once per cooldown. A set that
   * cannot be fetched, or holds a private member (as registration refuses for an inline `jwks`),
   * yields nothing; so does a malformed inline set stored before it was checked: the client is not
   * authenticated, the server does not fail.
   */
  private async search<T>(client: KeyedClient, find: (keys: readonly JWK[]) => T | undefined | Promise<T | undefined>): Promise<T | undefined> {
    try {
      if (client.jwks) return await find(client.jwks.keys);
      if (!client.jwksUri) return undefined;
      const set = this.remoteSet(client.jwksUri);
      const fetched = () => {
        const keys = set.jwks()?.keys ?? [];
        return keys.some((jwk) => privateMember(jwk) !== undefined) ? [] : keys;
      };
      if (!set.fresh || set.jwks() === undefined) await set.reload();
      const cached = await find(fetched());
      if (cached !== undefined || set.coolingDown) return cached;
      await set.reload();
      return await find(fetched());
    } catch {
      return undefined;
    }
  }

  private importKey(jwk: JWK): KeyObject | null {
    const seen = this.importedByObject.get(jwk);
    if (seen) return seen;
    const cacheKey = jwkCacheKey(jwk);
    let key = this.imported.get(cacheKey) ?? null;
    if (!key) {
      key = importPublicJwk(jwk as Record<string, unknown>);
      if (key === null) return null;
      if (this.imported.size >= IMPORTED_KEYS_MAX) this.imported.delete(this.imported.keys().next().value!);
      this.imported.set(cacheKey, key);
    }
    this.importedByObject.set(jwk, key);
    return key;
  }

  private localSet(jwks: JwkSet): JWTVerifyGetKey {
    let set = this.local.get(jwks);
    if (!set) {
      set = createLocalJWKSet({ keys: [...jwks.keys] });
      this.local.set(jwks, set);
    }
    return set;
  }

  private remoteSet(uri: string): RemoteJWKSet {
    let set = this.remote.get(uri);
    if (set) {
      // Least recently used goes first: a used entry moves to the end.
      this.remote.delete(uri);
    } else {
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: JWKS_URI_TIMEOUT_MS,
        cooldownDuration: this.clientJwksUriCooldownSeconds * 1000,
        cacheMaxAge: JWKS_URI_MAX_AGE_MS,
        [customFetch]: this.fetchLimited,
      });
      if (this.remote.size >= REMOTE_SETS_MAX) this.remote.delete(this.remote.keys().next().value!);
    }
    this.remote.set(uri, set);
    return set;
  }
}
