import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet, type JWK } from 'jose';
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { randomToken } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig, PROCESS_ROLE, type ProcessRole } from '../config/config.module';
import { afterUnitOfWork } from '../database/unit-of-work/unit-of-work';
import { SettingsService } from '../settings/settings.service';
import { AccessTokenLifetimes, AccessTokenLifetimesProvider } from './access-token-lifetimes';
import { compactJws, generateSigningKeyPair, verifyCompactJws } from './compact-jws';
import { deriveKey } from './key-encryption';
import { SecretSealer } from './secret-sealer';
import { SIGNING_ALGORITHMS, SigningAlgorithm, SigningKeyEntity } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { VerifiedAccessTokens } from './verified-access-tokens';

const KEYS_TOPIC = 'signing-keys';
const ALL = 'all';

/** A public JWK as jwks_uri publishes it. */
export type PublicJwk = JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };

/** Whether the JWKS lists `key` at `now`: its tokens verify only while it does. */
function isPublished(key: SigningKeyEntity, now: number): boolean {
  return key.publishedUntil === null || key.publishedUntil > now;
}

/**
 * The asymmetric keys that sign ID Tokens (RS256, which OpenID Connect requires; PS256, ES256 and EdDSA,
 * which FAPI 2.0 allows).
 * Generated at first start and kept in the database, the private half encrypted with AES-256-GCM.
 * Every instance reads the same rows, and a rotation is broadcast like any cached row, so all
 * instances publish a new key at once and switch to it at its `activates_at`.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly logger = new Logger('SigningKeys');
  private readonly cache: InvalidatingCache<SigningKeyEntity[]>;
  /** Decrypted private keys by kid: a kid's key never changes, so this needs no invalidation. */
  private readonly privateKeys = new Map<string, KeyObject>();
  /** Public keys by kid, for verifying this server's JWT access tokens (as immutable as the private ones). */
  private readonly publicKeys = new Map<string, KeyObject>();
  private readonly verifiedAccessTokens = new VerifiedAccessTokens();
  /** The private halves, sealed under the server secret itself, each bound to its kid. */
  private readonly sealer = new SecretSealer(() => this.secret);
  private secret: string;
  private lifetimes: readonly AccessTokenLifetimes[] = [];

  constructor(
    private readonly repository: SigningKeysRepository,
    @InjectConfig('keyRotation') private readonly keyRotation: AppConfig['keyRotation'],
    @InjectConfig('keyEncryptionSecret') private readonly keyEncryptionSecretSetting: AppConfig['keyEncryptionSecret'],
    @InjectConfig('database') private readonly database: AppConfig['database'],
    @InjectConfig('idTokenTtl') private readonly idTokenTtl: AppConfig['idTokenTtl'],
    private readonly settings: SettingsService,
    private readonly bus: CacheBus,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
    private readonly discovery: DiscoveryService,
  ) {
    this.cache = bus.createCache<SigningKeyEntity[]>(KEYS_TOPIC, 60_000, 1);
  }

  async onModuleInit(): Promise<void> {
    this.lifetimes = this.discovery.getProviders({ metadataKey: AccessTokenLifetimesProvider.KEY }).map((wrapper) => wrapper.instance as AccessTokenLifetimes);
    this.secret = this.keyEncryptionSecret();
    const keys = await this.repository.all();
    for (const alg of SIGNING_ALGORITHMS) {
      if (!keys.some((k) => k.alg === alg && k.retiresAt === null)) await this.insertKey(alg, nowSeconds());
    }
    // A wrong KEY_ENCRYPTION_SECRET must stop the start, not the first sign-in.
    for (const key of await this.repository.all()) this.privateKey(key);
    await this.changed();
  }

  /** KEY_ROTATION_DAYS: checked hourly (and at start), on every server instance; see rotateIfDue. */
  onApplicationBootstrap(): void {
    // An operator command leaves rotation to the servers: it runs no schedule and rotates nothing.
    if (this.keyRotation.days === 0 || this.role !== 'server') return;
    const check = () =>
      void this.rotateIfDue(nowSeconds()).catch((error: unknown) => this.logger.error(`scheduled key rotation failed: ${(error as Error).message}`));
    check();
    this.timer = setInterval(check, 3_600_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Rotates every algorithm when its newest key is KEY_ROTATION_DAYS old. Instances that decide at
   * the same moment each add a key with the same activation time; the signing key is then chosen
   * by kid on all of them alike, so they still sign with one key.
   */
  async rotateIfDue(now: number): Promise<SigningKeyEntity[]> {
    const maxAge = this.keyRotation.days * 86_400;
    const keys = await this.repository.all();
    const due = SIGNING_ALGORITHMS.filter((alg) => {
      const newest = Math.max(...keys.filter((k) => k.alg === alg).map((k) => k.createdAt));
      return now - newest >= maxAge;
    });
    if (due.length === 0) return [];
    this.logger.log(`rotating the ${due.join(', ')} signing keys (KEY_ROTATION_DAYS=${this.keyRotation.days})`);
    return this.rotate(this.keyRotation.activateAfter, due);
  }

  /** A 256-bit key for another purpose (e.g. `csrf`), derived from the same server secret (deriveKey). */
  derivedKey(purpose: string): Buffer {
    return deriveKey(this.secret, purpose);
  }

  /**
   * KEY_ENCRYPTION_SECRET, or on the embedded database a generated one in a file beside it
   * (config refuses MySQL and PostgreSQL without the variable: instances must share the secret). An in-memory
   * database gets a secret that lives in memory as well: its keys die with it, and a file "beside"
   * `:memory:` would land in the working directory, the source tree for tests and `npm run openapi`.
   */
  private keyEncryptionSecret(): string {
    if (this.keyEncryptionSecretSetting) return this.keyEncryptionSecretSetting;
    if (this.database.type !== 'sqlite') throw new Error('KEY_ENCRYPTION_SECRET is required with a database shared by several instances');
    if (this.database.path === ':memory:') return randomToken();
    const file = join(dirname(this.database.path), 'key-encryption.secret');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomToken(), { mode: 0o600 });
      this.logger.warn(`Generated a key-encryption secret in ${file} for the signing keys; set KEY_ENCRYPTION_SECRET in production`);
    }
    chmodSync(file, 0o600);
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32) throw new Error(`${file} holds no key-encryption secret of 32 characters or more: restore it, or set KEY_ENCRYPTION_SECRET`);
    return secret;
  }

  private async insertKey(alg: SigningAlgorithm, activatesAt: number): Promise<SigningKeyEntity> {
    const entity = await this.newKey(alg, activatesAt);
    await this.repository.insert(entity);
    return entity;
  }

  /** A new key pair's row, its private half encrypted; not stored yet. */
  private async newKey(alg: SigningAlgorithm, activatesAt: number): Promise<SigningKeyEntity> {
    const { publicKey, privateKey } = generateSigningKeyPair(alg);
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const kid = await calculateJwkThumbprint(jwk as JWK);
    const entity = Object.assign(new SigningKeyEntity(), {
      kid,
      alg,
      publicJwk: { ...jwk, kid, alg, use: 'sig' },
      privateKey: this.sealer.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, kid),
      createdAt: nowSeconds(),
      activatesAt,
      retiresAt: null,
      publishedUntil: null,
    });
    return entity;
  }

  /** Every instance reads the keys again. */
  private changed(): Promise<void> {
    return this.bus.invalidate(KEYS_TOPIC, ALL);
  }

  private async keys(): Promise<SigningKeyEntity[]> {
    return (await this.cache.get(ALL, () => this.repository.all())) ?? [];
  }

  private privateKey(key: SigningKeyEntity): KeyObject {
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      privateKey = createPrivateKey(this.sealer.open(key.privateKey, key.kid));
      this.privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  }

  /** The key that signs now: activated, not retired, the most recently activated. */
  private async current(alg: SigningAlgorithm): Promise<SigningKeyEntity> {
    const now = nowSeconds();
    const active = (await this.keys())
      .filter((k) => k.alg === alg && k.activatesAt <= now && (k.retiresAt === null || k.retiresAt > now))
      .sort((a, b) => b.activatesAt - a.activatesAt || a.kid.localeCompare(b.kid));
    if (active.length === 0) throw new Error(`no active ${alg} signing key`);
    return active[0];
  }

  /**
   * A compact JWS of `claims` with the current key for `alg`, built by hand on the cached KeyObject:
   * the same header and payload JSON as jose's SignJWT, without its WebCrypto round, which costs CPU on
   * every token signed.
   */
  async sign(claims: Record<string, unknown>, alg: SigningAlgorithm, typ = 'JWT'): Promise<string> {
    const key = await this.current(alg);
    return compactJws(claims, { alg, kid: key.kid, typ }, this.privateKey(key));
  }

  /**
   * The claims of a JWT this server signed with a published key and issued as `issuer`, or null:
   * for hints (id_token_hint), whose expiry does not matter (OpenID Connect Core §3.1.2.1).
   */
  async verifyOwn(token: string, issuer: string): Promise<Record<string, unknown> | null> {
    try {
      const { payload, protectedHeader } = await compactVerify(token, createLocalJWKSet(await this.jwks()));
      // Only ID Tokens: a JWT access token (typ at+jwt) signed with the same keys is no hint.
      if (protectedHeader.typ === 'at+jwt') return null;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      return claims.iss === issuer && typeof claims.azp === 'string' ? claims : null;
    } catch {
      return null;
    }
  }

  /**
   * The claims of a JWT access token (RFC 9068 §2.1, `typ: at+jwt`) this server signed with a
   * published key, or null. The keys are this server's alone, whatever URL an instance answers
   * under, so the signature says who issued it. Expiry and revocation are the caller's to check.
   */
  async verifyAccessToken(token: string): Promise<Record<string, unknown> | null> {
    const now = nowSeconds();
    const keys = await this.keys();
    const accepted = (kid: unknown) => keys.find((k) => k.kid === kid && isPublished(k, now));
    const known = this.verifiedAccessTokens.get(token);
    if (known) return accepted(known.kid) ? known.payload : null;
    const verified = verifyCompactJws(token, (header) => {
      if (header.typ !== 'at+jwt') return undefined;
      const key = accepted(header.kid);
      return key ? { alg: key.alg, key: this.publicKey(key) } : undefined;
    });
    if (!verified || typeof verified.payload.iss !== 'string') return null;
    this.verifiedAccessTokens.remember(token, { kid: verified.header.kid as string, payload: verified.payload });
    return verified.payload;
  }

  private publicKey(key: SigningKeyEntity): KeyObject {
    let publicKey = this.publicKeys.get(key.kid);
    if (!publicKey) {
      publicKey = createPublicKey({ key: key.publicJwk as unknown as JWK & { kty: string }, format: 'jwk' });
      this.publicKeys.set(key.kid, publicKey);
    }
    return publicKey;
  }

  /** The public keys to publish: current, pending and retired ones whose tokens may still be valid. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const now = nowSeconds();
    const published = (await this.keys()).filter((k) => isPublished(k, now));
    return { keys: published.sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid)).map((k) => k.publicJwk as unknown as PublicJwk) };
  }

  async list(): Promise<SigningKeyEntity[]> {
    return (await this.repository.all()).sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid));
  }

  /**
   * A new key for each algorithm (or one), published at once and signing after `activateAfter`
   * seconds; the keys it replaces sign until then and stay published until every token they could
   * have signed has expired. In the caller's unit of work when there is one (the admin API's, with
   * its audit event); every instance reads the keys again once it is over.
   */
  async rotate(activateAfter: number, algs: readonly SigningAlgorithm[] = SIGNING_ALGORITHMS): Promise<SigningKeyEntity[]> {
    const activatesAt = nowSeconds() + activateAfter;
    const publishedUntil = activatesAt + (await this.longestTokenLifetime());
    const existing = await this.repository.all();
    // Generated before any write, so a transaction of the caller's holds nothing while they are.
    const created: SigningKeyEntity[] = [];
    for (const alg of algs) created.push(await this.newKey(alg, activatesAt));
    for (const key of created) {
      // Every key that would still sign when the new one activates stops then, pending ones included,
      // so exactly one key of the algorithm signs at any time.
      const replaced = existing.filter((k) => k.alg === key.alg && (k.retiresAt === null || k.retiresAt > activatesAt));
      await this.repository.insert(key);
      for (const old of replaced) await this.repository.retire(old.kid, activatesAt, publishedUntil);
    }
    await afterUnitOfWork(() => this.changed());
    return created;
  }

  /**
   * The longest any signed token can live: ID Tokens, and access tokens (for JWT access tokens),
   * as the settings and every module that sets lifetimes of its own (AccessTokenLifetimes) say.
   */
  async longestTokenLifetime(): Promise<number> {
    const own = await Promise.all(this.lifetimes.map((source) => source.longestAccessTokenTtl()));
    return Math.max(this.idTokenTtl, (await this.settings.get()).accessTokenTtl, ...own);
  }
}
