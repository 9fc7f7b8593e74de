import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { DirectoryPasswordSealer } from './directory-password-sealer';
import { CreateDirectoryDto, DirectoryResponse, GroupMappingDto, SyncResponse, toDirectoryResponse, UpdateDirectoryDto } from './dto/directory.dto';
import { FederatedAccountsService } from './federated-accounts.service';
import { FederationRepository } from './federation.repository';
import type { GroupMapping, LdapDirectoryEntity } from './ldap-directory.entity';
import { parseDn } from './ldap-dn';
import { LdapUserDirectory } from './ldap-user-directory';
import { DirectoryUnavailableError } from '../users/user-directories';
import { found } from '../common/oauth/found';

type DirectorySettings = Omit<LdapDirectoryEntity, 'id' | 'bindPasswordSealed' | 'lastSyncAt' | 'createdAt' | 'updatedAt'>;

const DEFAULTS: Omit<DirectorySettings, 'name' | 'urls' | 'bindDn' | 'baseDn'> = {
  enabled: true,
  startTls: false,
  caCertificates: null,
  userFilter: '(objectClass=inetOrgPerson)',
  usernameAttribute: 'uid',
  idAttribute: 'entryUUID',
  emailAttribute: 'mail',
  nameAttribute: 'cn',
  groupAttribute: 'memberOf',
  groupMappings: [],
  connectTimeoutMs: 5000,
  operationTimeoutMs: 5000,
  syncIntervalSeconds: 3600,
};

/** The management API of LDAP directories; every change is audited with it. */
@Injectable()
export class DirectoriesService {
  constructor(
    private readonly repository: FederationRepository,
    private readonly sealer: DirectoryPasswordSealer,
    private readonly accounts: FederatedAccountsService,
    private readonly ldap: LdapUserDirectory,
    private readonly work: UnitOfWork,
  ) {}

  async create(dto: CreateDirectoryDto): Promise<DirectoryResponse> {
    const id = randomUUID();
    const now = nowSeconds();
    const entity: LdapDirectoryEntity = {
      ...DEFAULTS,
      ...settingsFrom(dto),
      id,
      name: dto.name,
      urls: dto.urls,
      bindDn: dto.bind_dn,
      baseDn: dto.base_dn,
      bindPasswordSealed: this.sealer.seal(dto.bind_password, id),
      lastSyncAt: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.work.audited({ type: 'admin.directory.created', subject: id, detail: { name: dto.name } }, () => this.repository.insertDirectory(entity));
    return toDirectoryResponse(entity);
  }

  async list(): Promise<DirectoryResponse[]> {
    return (await this.repository.listDirectories()).map(toDirectoryResponse);
  }

  async get(id: string): Promise<DirectoryResponse> {
    return toDirectoryResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateDirectoryDto): Promise<DirectoryResponse> {
    const directory = await this.find(id);
    assertPasswordFollowsServer(directory, dto);
    const changes = {
      ...settingsFrom(dto),
      ...(dto.bind_password !== undefined ? { bindPasswordSealed: this.sealer.seal(dto.bind_password, id) } : {}),
      updatedAt: nowSeconds(),
    };
    // Field names only: never the service account's password.
    const event = { type: 'admin.directory.updated', subject: id, detail: { fields: Object.keys(dto).join(' ') } };
    await this.work.audited(event, () => this.repository.updateDirectory(id, changes));
    return this.get(id);
  }

  /** Its users are disabled (tokens revoked, sessions ended): nobody can check their passwords any more. */
  async delete(id: string): Promise<void> {
    await this.find(id);
    const links = await this.repository.listLinks(id);
    await this.work.audited({ type: 'admin.directory.deleted', subject: id, detail: { users: String(links.length) } }, async () => {
      for (const link of links) {
        const user = await this.accounts.linkedUser(id, link.externalId);
        if (user?.enabled) await this.accounts.disable(id, user.id, 'gone');
      }
      await this.repository.deleteDirectory(id);
    });
  }

  /** A sync now, whatever the schedule says. */
  async sync(id: string): Promise<SyncResponse> {
    const directory = await this.find(id);
    try {
      const result = await this.ldap.sync(directory);
      await this.work.audited(
        { type: 'admin.directory.synced', subject: id, detail: { disabled: String(result.disabled), updated: String(result.updated) } },
        async () => undefined,
      );
      return result;
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) throw new OAuthError('temporarily_unavailable', 'the directory did not answer');
      throw error;
    }
  }

  private async find(id: string): Promise<LdapDirectoryEntity> {
    return found(await this.repository.findDirectory(id), 'directory not found');
  }
}

/**
 * The stored bind password was given for these servers, this account and this channel: a change of
 * the URL list or of the bind DN without a new password would send it to a server it was never meant
 * for (to whoever controls the new host); turning StartTLS off would send it in cleartext, and a new
 * CA bundle could trust an interceptor's certificate. The password must come with such a change.
 */
function assertPasswordFollowsServer(directory: LdapDirectoryEntity, dto: UpdateDirectoryDto): void {
  if (dto.bind_password !== undefined) return;
  const changes: [field: string, differs: boolean][] = [
    ['urls', dto.urls !== undefined && JSON.stringify(dto.urls) !== JSON.stringify(directory.urls)],
    ['bind_dn', dto.bind_dn !== undefined && dto.bind_dn !== directory.bindDn],
    ['start_tls', dto.start_tls === false && directory.startTls],
    ['ca_certificates', dto.ca_certificates !== undefined && dto.ca_certificates !== directory.caCertificates],
  ];
  const changed = changes.find(([, differs]) => differs);
  if (!changed) return;
  const message = `bind_password is required when ${changed[0]} change: the stored password is never sent to another server or account, nor over a weaker channel`;
  throw new OAuthError('invalid_request', message, { details: [{ field: 'bind_password', messages: [message] }] });
}

/**
 * A mapping names its group by DN, or by name under a base DN; a bare name alone would match a
 * group of that name in any OU (anyone who may create a group there would get the roles).
 */
function groupMappingsFrom(mappings: readonly GroupMappingDto[]): GroupMapping[] {
  return mappings.map((m, i) => {
    const field = `group_mappings[${i}]`;
    if (m.base_dn === undefined) {
      if (!parseDn(m.group)) throw invalidMapping(`${field}.group`, 'group must be a DN (cn=admins,ou=groups,dc=example,dc=org), or a name with base_dn');
      return { group: m.group, roles: [...m.roles] };
    }
    if (!parseDn(m.base_dn)) throw invalidMapping(`${field}.base_dn`, 'base_dn must be a DN (ou=groups,dc=example,dc=org)');
    if (m.group.includes('=')) throw invalidMapping(`${field}.group`, 'with base_dn, group is the name of the group (admins), not a DN');
    return { group: m.group, roles: [...m.roles], baseDn: m.base_dn };
  });
}

function invalidMapping(field: string, message: string): OAuthError {
  return new OAuthError('invalid_request', message, { details: [{ field, messages: [message] }] });
}

/** The settings a request gives (undefined: left as they are, or the default on create). */
function settingsFrom(dto: UpdateDirectoryDto): Partial<DirectorySettings> {
  const settings: Partial<DirectorySettings> = {
    name: dto.name,
    enabled: dto.enabled,
    urls: dto.urls,
    startTls: dto.start_tls,
    caCertificates: dto.ca_certificates,
    bindDn: dto.bind_dn,
    baseDn: dto.base_dn,
    userFilter: dto.user_filter,
    usernameAttribute: dto.username_attribute,
    idAttribute: dto.id_attribute,
    emailAttribute: dto.email_attribute,
    nameAttribute: dto.name_attribute,
    groupAttribute: dto.group_attribute,
    groupMappings: dto.group_mappings && groupMappingsFrom(dto.group_mappings),
    connectTimeoutMs: dto.connect_timeout_ms,
    operationTimeoutMs: dto.operation_timeout_ms,
    syncIntervalSeconds: dto.sync_interval_seconds,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}
