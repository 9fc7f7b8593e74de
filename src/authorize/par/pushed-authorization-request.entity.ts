import { Column, Entity } from 'typeorm';
import { ClientIdColumn, EpochColumn, Sha256PrimaryColumn } from '../../common/database/columns';

/** A pushed authorization request (RFC 9126 §2): what a client posted, until it is answered once or expires. */
@Entity('pushed_authorization_requests')
export class PushedAuthorizationRequestEntity {
  /** SHA-256 hex of the random reference in the request_uri (a bearer value, never stored as is). */
  @Sha256PrimaryColumn()
  id: string;

  @ClientIdColumn()
  clientId: string;

  /** JSON: the authorization request parameters as pushed (strings), and whether they were a signed request object. */
  @Column({ type: 'text' })
  parameters: string;

  /**
   * When the row goes (the janitor): the request_uri's lifetime, then the time an authorization
   * started with it may take to be answered (PUSHED_REQUEST_RETENTION_SECONDS).
   */
  @EpochColumn('expires_at')
  expiresAt: number;

  /** When the authorization response for it was produced (a code, a denial or an error). */
  @EpochColumn('spent_at', { nullable: true })
  spentAt: number | null;
}
