import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet, type JWK, SignJWT } from 'jose';
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Repository } from 'typeorm';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { randomToken } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SettingsService } from '../settings/settings.service';
import { KeyEncryption } from './key-encryption';
import { SIGNING_ALGORITHMS, SigningAlgorithm, SigningKeyEntity } from './signing-key.entity';

const KEYS_TOPIC = 'signing-keys';
const ALL = 'all';

/** A public JWK as jwks_uri publishes it. */
export type PublicJwk = JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };

function generate(alg: SigningAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg === 'RS256') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return generateKeyPairSync('ed25519');
}

/**
 * The asymmetric keys that sign ID Tokens (RS256, which OpenID Connect requires; ES256; EdDSA).
 * Generated at first start and kept in the database, the private half encrypted with AES-256-GCM.
 * Every instance reads the same rows, and a rotation is broadcast like any cached row, so all
 * instances publish a new key at once and switch to it at its `activates_at`.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private readonly cache: InvalidatingCache<SigningKeyEntity[]>;
  /** Decrypted private keys by kid: a kid's key never changes, so this needs no invalidation. */
  private readonly privateKeys = new Map<string, KeyObject>();
  private encryption: KeyEncryption;

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repository: Repository<SigningKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly bus: CacheBus,
  ) {
    this.cache = bus.createCache<SigningKeyEntity[]>(KEYS_TOPIC, 60_000, 1);
  }

  async onModuleInit(): Promise<void> {
    this.encryption = new KeyEncryption(this.keyEncryptionSecret());
    const keys = await this.repository.find();
    for (const alg of SIGNING_ALGORITHMS) {
      if (!keys.some((k) => k.alg === alg && k.retiresAt === null)) await this.insertKey(alg, nowSeconds());
    }
    // A wrong KEY_ENCRYPTION_SECRET must stop the start, not the first sign-in.
    for (const key of await this.repository.find()) this.privateKey(key);
    await this.changed();
  }

  /**
   * KEY_ENCRYPTION_SECRET, or on the embedded database a generated one in a file beside it
   * (config refuses MySQL without the variable: instances must share the secret).
   */
  private keyEncryptionSecret(): string {
    if (this.config.keyEncryptionSecret) return this.config.keyEncryptionSecret;
    if (this.config.database.type !== 'sqlite') throw new Error('KEY_ENCRYPTION_SECRET is required with MySQL');
    const file = join(dirname(this.config.database.path), 'key-encryption.secret');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomToken(), { mode: 0o600 });
      this.logger.warn(`Generated a key-encryption secret in ${file} for the signing keys; set KEY_ENCRYPTION_SECRET in production`);
    }
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }

  private async insertKey(alg: SigningAlgorithm, activatesAt: number): Promise<SigningKeyEntity> {
    const { publicKey, privateKey } = generate(alg);
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const kid = await calculateJwkThumbprint(jwk as JWK);
    const entity = this.repository.create({
      kid,
      alg,
      publicJwk: { ...jwk, kid, alg, use: 'sig' },
      privateKey: this.encryption.encrypt(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string),
      createdAt: nowSeconds(),
      activatesAt,
      retiresAt: null,
      publishedUntil: null,
    });
    await this.repository.insert(entity);
    return entity;
  }

  private changed(): Promise<void> {
    return this.bus.invalidate(KEYS_TOPIC, ALL);
  }

  private async keys(): Promise<SigningKeyEntity[]> {
    return (await this.cache.get(ALL, () => this.repository.find())) ?? [];
  }

  private privateKey(key: SigningKeyEntity): KeyObject {
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      privateKey = createPrivateKey(this.encryption.decrypt(key.privateKey));
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

  /** A compact JWS of `claims` with the current key for `alg`. */
  async sign(claims: Record<string, unknown>, alg: SigningAlgorithm, typ = 'JWT'): Promise<string> {
    const key = await this.current(alg);
    return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ }).sign(this.privateKey(key));
  }

  /**
   * The claims of a JWT this server signed with a published key and issued as `issuer`, or null:
   * for hints (id_token_hint), whose expiry does not matter (OpenID Connect Core §3.1.2.1).
   */
  async verifyOwn(token: string, issuer: string): Promise<Record<string, unknown> | null> {
    try {
      const { payload } = await compactVerify(token, createLocalJWKSet(await this.jwks()));
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      return claims.iss === issuer ? claims : null;
    } catch {
      return null;
    }
  }

  /** The public keys to publish: current, pending and retired ones whose tokens may still be valid. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const now = nowSeconds();
    const published = (await this.keys()).filter((k) => k.publishedUntil === null || k.publishedUntil > now);
    return { keys: published.sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid)).map((k) => k.publicJwk as unknown as PublicJwk) };
  }

  async list(): Promise<SigningKeyEntity[]> {
    return (await this.repository.find()).sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid));
  }

  /**
   * A new key for each algorithm (or one), published at once and signing after `activateAfter`
   * seconds; the keys it replaces sign until then and stay published until every token they could
   * have signed has expired.
   */
  async rotate(activateAfter: number, algs: readonly SigningAlgorithm[] = SIGNING_ALGORITHMS): Promise<SigningKeyEntity[]> {
    const activatesAt = nowSeconds() + activateAfter;
    const publishedUntil = activatesAt + (await this.longestTokenLifetime());
    const created: SigningKeyEntity[] = [];
    for (const alg of algs) {
      // Every key that would still sign when the new one activates stops then, pending ones included,
      // so exactly one key of the algorithm signs at any time.
      const replaced = (await this.repository.find()).filter((k) => k.alg === alg && (k.retiresAt === null || k.retiresAt > activatesAt));
      created.push(await this.insertKey(alg, activatesAt));
      for (const key of replaced) await this.repository.update({ kid: key.kid }, { retiresAt: activatesAt, publishedUntil });
    }
    await this.changed();
    return created;
  }

  /** The longest any signed token can live: ID Tokens, and access tokens (for JWT access tokens). */
  private async longestTokenLifetime(): Promise<number> {
    const [row] = (await this.repository.manager.query('SELECT MAX(access_token_ttl) AS ttl FROM clients')) as { ttl: number | string | null }[];
    return Math.max(this.config.idTokenTtl, (await this.settings.get()).accessTokenTtl, Number(row?.ttl ?? 0));
  }
}
