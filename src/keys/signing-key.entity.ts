import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochColumn, JsonColumn } from '../common/database/columns';

export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** An asymmetric key that signs ID Tokens; its private half is encrypted at rest (key-encryption.ts). */
@Entity('signing_keys')
export class SigningKeyEntity {
  /** The JWK thumbprint (RFC 7638), published as `kid`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: SigningAlgorithm;

  /** The public JWK, as published at jwks_uri. */
  @JsonColumn('public_jwk')
  publicJwk: Record<string, string>;

  /** `v1.<iv>.<tag>.<ciphertext>` of the PKCS#8 private key, AES-256-GCM. */
  @Column({ name: 'private_key', type: 'text' })
  privateKey: string;

  @EpochColumn('created_at')
  createdAt: number;

  /** Signs from this time on (published before, so that resource servers' JWKS caches have it). */
  @EpochColumn('activates_at')
  activatesAt: number;

  /** Stops signing at this time (a successor activates); null while current. */
  @EpochColumn('retires_at', { nullable: true })
  retiresAt: number | null;

  /** Leaves the JWKS at this time, when every token it signed has expired; null while current. */
  @EpochColumn('published_until', { nullable: true })
  publishedUntil: number | null;
}
