import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, Sha256Column } from '../common/database/columns';
import type { InitialAccessTokenPolicy } from './initial-access-token.entity';

/** The part of a registration the clients table does not hold. */
export interface RegistrationRecord {
  /** client_uri, logo_uri, contacts, tos_uri, policy_uri, software_id, software_version, response_types: as registered. */
  readonly registered: Readonly<Record<string, string | readonly string[]>>;
  /** The initial access token's policy, which every update must keep to as well. */
  readonly policy: InitialAccessTokenPolicy | null;
}

/** The registration record of a client that registered itself (RFC 7592) or was named by a metadata document. */
@Entity('client_registrations')
export class ClientRegistrationEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** SHA-256 hex of the current registration access token (RFC 7592 §3); null for metadata-document clients. */
  @Sha256Column('registration_token_hash', { nullable: true })
  registrationTokenHash: string | null;

  /** What the application itself does not keep: the RFC 7591 §2 metadata as registered, and the policy it registered under. */
  @JsonColumn('metadata')
  metadata: RegistrationRecord;

  /** Metadata documents: when the fetched copy goes stale (epoch seconds, from its HTTP caching headers). */
  @Column({ name: 'document_expires_at', type: 'int', nullable: true })
  documentExpiresAt: number | null;

  @Column({ name: 'created_at', type: 'int' })
  createdAt: number;
}
