import { Column, Entity } from 'typeorm';
import { EpochColumn, JsonColumn, UuidPrimaryColumn } from '../common/database/columns';

/** What a directory group gives its members here. */
export interface GroupMapping {
  /** A group's DN (`cn=admins,ou=groups,...`), or with `baseDn` the value of its first RDN (`admins`). */
  group: string;
  roles: string[];
  /** With a group name: only groups of that name at or below this DN count (absent: `group` is a DN). */
  baseDn?: string;
}

/** An LDAP directory or Active Directory domain whose users sign in here with their directory password. */
@Entity('ldap_directories')
export class LdapDirectoryEntity {
  @UuidPrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  /** Tried in order: the next one when a server does not answer (ldap:// or ldaps://). */
  @JsonColumn('urls')
  urls: string[];

  /** RFC 4511 §4.14 StartTLS on an ldap:// URL before any bind. */
  @Column({ name: 'start_tls', type: 'boolean' })
  startTls: boolean;

  /** PEM certificates the server's must chain to (ldaps:// and StartTLS); null: the system's CAs. */
  @Column({ name: 'ca_certificates', type: 'text', nullable: true })
  caCertificates: string | null;

  /** The service account that searches for users. */
  @Column({ name: 'bind_dn', type: 'text' })
  bindDn: string;

  /** Its password, AES-256-GCM under KEY_ENCRYPTION_SECRET, bound to this directory's id. */
  @Column({ name: 'bind_password_sealed', type: 'text' })
  bindPasswordSealed: string;

  @Column({ name: 'base_dn', type: 'text' })
  baseDn: string;

  /** RFC 4515 filter the users match, e.g. `(objectClass=inetOrgPerson)`. */
  @Column({ name: 'user_filter', type: 'text' })
  userFilter: string;

  @Column({ name: 'username_attribute', type: 'varchar', length: 64 })
  usernameAttribute: string;

  /** The stable identifier users are linked by: `entryUUID` (OpenLDAP, RFC 4530) or `objectGUID` (AD). */
  @Column({ name: 'id_attribute', type: 'varchar', length: 64 })
  idAttribute: string;

  @Column({ name: 'email_attribute', type: 'varchar', length: 64, nullable: true })
  emailAttribute: string | null;

  @Column({ name: 'name_attribute', type: 'varchar', length: 64, nullable: true })
  nameAttribute: string | null;

  /** The user attribute listing their groups' DNs (`memberOf`). */
  @Column({ name: 'group_attribute', type: 'varchar', length: 64, nullable: true })
  groupAttribute: string | null;

  @JsonColumn('group_mappings')
  groupMappings: GroupMapping[];

  @Column({ name: 'connect_timeout_ms', type: 'int' })
  connectTimeoutMs: number;

  @Column({ name: 'operation_timeout_ms', type: 'int' })
  operationTimeoutMs: number;

  /** 0: no scheduled sync. */
  @Column({ name: 'sync_interval_seconds', type: 'int' })
  syncIntervalSeconds: number;

  /** When a sync last started (epoch seconds); instances claim a sync by moving it. */
  @EpochColumn('last_sync_at')
  lastSyncAt: number;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
