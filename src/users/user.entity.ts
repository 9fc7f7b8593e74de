import { Column, Entity } from 'typeorm';
import { EpochColumn, JsonColumn, UuidPrimaryColumn } from '../common/database/columns';

/** OpenID Connect Core §5.1.1: the postal address claim, each member optional. */
export interface UserAddress {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

/** A resource owner. */
@Entity('users')
export class UserEntity {
  @UuidPrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 255 })
  username: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  /** The e-mail address lower-cased: unique regardless of case, and a login name. */
  @Column({ name: 'email_key', type: 'varchar', length: 320, nullable: true })
  emailKey: string | null;

  /**
   * argon2id PHC string, or a hash imported from another system until the user's next sign-in;
   * for a user of a directory `!ldap:<directory id>`, which no password matches: none is kept here.
   */
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

  @Column({ name: 'middle_name', type: 'varchar', length: 255, nullable: true })
  middleName: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  nickname: string | null;

  /** URLs of the user's profile page, picture and web site (scope profile). */
  @Column({ type: 'text', nullable: true })
  profile: string | null;

  @Column({ type: 'text', nullable: true })
  picture: string | null;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  gender: string | null;

  /** YYYY-MM-DD, or YYYY, or 0000-MM-DD when the year is withheld (Core §5.1). */
  @Column({ type: 'varchar', length: 10, nullable: true })
  birthdate: string | null;

  /** An IANA time zone, e.g. Europe/Paris. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  zoneinfo: string | null;

  /** A BCP 47 language tag, e.g. fr-CA. */
  @Column({ type: 'varchar', length: 35, nullable: true })
  locale: string | null;

  /** Scope phone; E.164 recommended (+1 604 555 1234). */
  @Column({ name: 'phone_number', type: 'varchar', length: 64, nullable: true })
  phoneNumber: string | null;

  @Column({ name: 'phone_number_verified', type: 'boolean' })
  phoneNumberVerified: boolean;

  /** Scope address. */
  @JsonColumn('address', { nullable: true })
  address: UserAddress | null;

  @JsonColumn('roles')
  roles: string[];

  @Column({ type: 'boolean' })
  enabled: boolean;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
