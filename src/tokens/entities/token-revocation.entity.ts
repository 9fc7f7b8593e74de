import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../common/database/bigint.transformer';

/**
 * A revocation of JWT access tokens, which are not stored: every JWT of `id` issued up to
 * `notBefore` is refused (Keycloak's not-before policy). `id` names what was revoked: one token
 * (`jti:<jti>`), a grant family (`grant:<id>`), a user (`user:<id>`), an application
 * (`client:<id>`), or one user at one application (`user_client:<user>:<client>`).
 */
@Entity('token_revocations')
export class TokenRevocationEntity {
  @PrimaryColumn({ type: 'varchar', length: 320 })
  id: string;

  /** Epoch milliseconds: JWTs issued at or before it are revoked (a JWT's issue time is its uuidv7 `jti`'s). */
  @Column({ name: 'not_before', type: 'bigint', transformer: bigintTransformer })
  notBefore: number;

  /** Epoch seconds: when every JWT it revokes has expired, and the janitor may delete it. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer })
  expiresAt: number;
}
