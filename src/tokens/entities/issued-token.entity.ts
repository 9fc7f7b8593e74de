import { ClientIdColumn, ScopeColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';
import { ResourceColumn } from '../../common/database/grant-columns';

/**
 * What an access token and a refresh token both record of their issue. Not a table (no @Entity):
 * each subclass's table has these columns, first and in this order, as TypeORM lists inherited
 * columns before a class's own (the order of its INSERT and SELECT lists).
 */
export abstract class IssuedTokenEntity {
  @UuidPrimaryColumn()
  id: string;

  /** SHA-256 hex of the token: the token itself is never stored. */
  @Sha256Column('token_hash')
  tokenHash: string;

  @ClientIdColumn()
  clientId: string;

  /** null for client_credentials tokens. */
  @UuidColumn('user_id', { nullable: true })
  userId: string | null;

  /** The scope of the grant; a rotated refresh token keeps it (RFC 6749 §6). */
  @ScopeColumn()
  scope: string;

  /** The authorization grant the token descends from (code id, or the first token's family id). */
  @UuidColumn('grant_id')
  grantId: string;

  @ResourceColumn()
  resource: string | null;
}
