import { Entity, PrimaryColumn } from 'typeorm';
import { EpochColumn } from '../../common/database/columns';

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
  @EpochColumn('not_before')
  notBefore: number;

  /** Epoch seconds: when every JWT it revokes has expired, and the janitor may delete it. */
  @EpochColumn('expires_at')
  expiresAt: number;
}
