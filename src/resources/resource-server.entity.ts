import { Column, Entity } from 'typeorm';
import { EpochColumn, ScopeColumn, UuidPrimaryColumn } from '../common/database/columns';
import type { AccessTokenFormat } from '../common/oauth/access-token-format';
import type { SigningAlgorithm } from '../keys/signing-key.entity';

/** An API that access tokens can be issued for (RFC 8707): its identifier is the tokens' audience. */
@Entity('resource_servers')
export class ResourceServerEntity {
  @UuidPrimaryColumn()
  id: string;

  /** An absolute URI without a fragment (RFC 8707 §2), the `resource` parameter and the `aud` claim. */
  @Column({ type: 'varchar', length: 255 })
  identifier: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Space-separated scopes this resource server understands; a token for it carries only these. */
  @ScopeColumn()
  scope: string;

  @Column({ name: 'access_token_format', type: 'varchar', length: 8 })
  accessTokenFormat: AccessTokenFormat;

  /**
   * The algorithm of its JWT access tokens. RS256 by default, which every RFC 9068 resource server
   * must accept (§4); ES256 and EdDSA sign with far less CPU (docs/benchmarks.md).
   */
  @Column({ name: 'access_token_signing_alg', type: 'varchar', length: 8, default: 'RS256' })
  accessTokenSigningAlg: SigningAlgorithm;

  /** Seconds; null: the application's or the global lifetime. */
  @Column({ name: 'access_token_ttl', type: 'int', nullable: true })
  accessTokenTtl: number | null;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
