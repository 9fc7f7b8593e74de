import { Column, Entity, Index } from 'typeorm';
import { ClientIdColumn, EpochColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../common/database/columns';
import { AuthTimeColumn } from '../common/database/grant-columns';

/**
 * A sign-in sent to an upstream provider and not yet back: the `state` we sent (its SHA-256 only),
 * the browser that started it (the SHA-256 of a cookie), the PKCE verifier (sealed) and `nonce`,
 * and the authorization request to resume. Spent once, by a conditional update, on every instance.
 * After the sign-in it remembers the login session it started, for the upstream's end session.
 */
@Entity('upstream_login_states')
export class UpstreamLoginStateEntity {
  @UuidPrimaryColumn()
  id: string;

  @Index('UQ_upstream_login_states_state_hash', { unique: true })
  @Sha256Column('state_hash')
  stateHash: string;

  @Sha256Column('browser_hash')
  browserHash: string;

  @UuidColumn('provider_id')
  providerId: string;

  @ClientIdColumn()
  clientId: string;

  @Column({ name: 'sealed_code_verifier', type: 'text' })
  sealedCodeVerifier: string;

  @Column({ type: 'varchar', length: 128 })
  nonce: string;

  /** The sign-in form's fields of the pending authorization request (JSON). */
  @Column({ type: 'text' })
  resume: string;

  @Column({ name: 'resume_sealed', type: 'boolean' })
  resumeSealed: boolean;

  /** Sent for a new authentication (prompt=login, ForceAuthn): the answer must show one after the request was made. */
  @Column({ name: 'force_authentication', type: 'boolean', default: false })
  forceAuthentication: boolean;

  /** The request's max_age above 0 (OpenID Connect Core §3.1.2.1), sent on: the answer must show an authentication that recent. */
  @Column({ name: 'max_age', type: 'int', nullable: true })
  maxAge: number | null;

  /** SHA-256 of the login session cookie this sign-in started (set once spent). */
  @Index('IDX_upstream_login_states_session_hash')
  @Sha256Column('session_hash', { nullable: true })
  sessionHash: string | null;

  /** The user it signed in and when (the session's start, the ID Tokens' auth_time), once spent. */
  @UuidColumn('user_id', { nullable: true })
  userId: string | null;

  @AuthTimeColumn()
  authTime: number | null;

  /** The upstream's amr (JSON array) and acr, kept only when the provider is trusted for them (a record: the login session carries them on). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  amr: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  acr: string | null;

  @EpochColumn('expires_at')
  expiresAt: number;

  @EpochColumn('spent_at', { nullable: true })
  spentAt: number | null;
}
