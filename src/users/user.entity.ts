import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/** A resource owner. */
@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  username: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  /** The e-mail address lower-cased: unique regardless of case, and a login name. */
  @Column({ name: 'email_key', type: 'varchar', length: 320, nullable: true })
  emailKey: string | null;

  /** argon2id PHC string, or a hash imported from another system until the user's next sign-in. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** OpenID Connect standard claims (scope profile). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ name: 'given_name', type: 'varchar', length: 255, nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 255, nullable: true })
  familyName: string | null;

  @Column({ name: 'email_verified', type: 'boolean' })
  emailVerified: boolean;

  @Column({ type: 'simple-json' })
  roles: string[];

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
