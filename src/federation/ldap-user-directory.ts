import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { federatedSource } from '../users/federated-credential';
import { DirectoryUnavailableError, UserDirectories, UserDirectory } from '../users/user-directories';
import type { LoginCandidate, UserProfile } from '../users/users.service';
import { accountFromEntry, binaryAttributes, DirectoryAccount, requestedAttributes } from './ldap-account';
import { LdapConnection } from './ldap-connection';
import type { LdapDirectoryEntity } from './ldap-directory.entity';
import { parenthesized, userByAttributeFilter } from './ldap-filter';
import { DirectoryPasswordSealer } from './directory-password-sealer';
import { directorySource, FederatedAccountsService } from './federated-accounts.service';
import { FederationRepository } from './federation.repository';

/** What one directory says of a sign-in. */
type Answer = DirectoryAccount | 'unknown' | 'refused';

export interface SyncResult {
  readonly directory_id: string;
  readonly entries: number;
  readonly updated: number;
  readonly disabled: number;
}

/**
 * Sign-in against the configured LDAP directories, in order: the service account finds the one
 * entry with the username, and a bind as that entry checks the password (RFC 4513 §5.1.2).
 */
@Injectable()
export class LdapUserDirectory implements UserDirectory, OnModuleInit {
  private readonly logger = new Logger('LdapUserDirectory');

  constructor(
    private readonly registry: UserDirectories,
    private readonly repository: FederationRepository,
    private readonly sealer: DirectoryPasswordSealer,
    private readonly accounts: FederatedAccountsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async authenticate(login: string, password: string, candidate: LoginCandidate | null): Promise<UserProfile | null> {
    // Never an unauthenticated bind (RFC 4513 §5.1.2), whatever the caller let through.
    if (password.length === 0) return null;
    // A linked user signs in at their own directory only.
    const linkedTo = candidate ? federatedSource(candidate.passwordHash) : null;
    const directories = (await this.repository.listDirectories()).filter((d) => d.enabled && (!linkedTo || directorySource(d.id) === linkedTo));
    let unavailable: DirectoryUnavailableError | null = null;
    for (const directory of directories) {
      let answer: Answer;
      try {
        answer = await this.ask(directory, login, password);
      } catch (error) {
        if (!(error instanceof DirectoryUnavailableError)) throw error;
        this.logger.warn(`directory ${directory.id} (${directory.name}) did not answer: ${error.message}`);
        unavailable ??= error;
        continue;
      }
      if (answer === 'refused') return null;
      if (answer !== 'unknown') return this.accounts.signedIn(directory, answer);
    }
    // Only a directory that answered may say "no such user"; one that did not leaves it undecided.
    if (unavailable) throw unavailable;
    return null;
  }

  /**
   * Reads every user of the directory: refreshes the linked ones, and disables those it no longer
   * has or has disabled. A directory that answers with no user at all is taken for a wrong base
   * DN or filter, not for everyone leaving: nothing is disabled then.
   */
  async sync(directory: LdapDirectoryEntity): Promise<SyncResult> {
    const entries = await this.withConnection(directory, (connection) =>
      connection.search(directory.baseDn, {
        filter: parenthesized(directory.userFilter),
        attributes: requestedAttributes(directory),
        binaryAttributes: binaryAttributes(directory),
      }),
    );
    const accounts = new Map(
      entries.entries.flatMap((entry) => {
        const account = accountFromEntry(entry, directory);
        return account ? [[account.externalId, account] as const] : [];
      }),
    );
    let updated = 0;
    let disabled = 0;
    if (accounts.size === 0) {
      this.logger.warn(`directory ${directory.id} (${directory.name}) listed no user: nothing disabled`);
      return { directory_id: directory.id, entries: 0, updated, disabled };
    }
    for (const link of await this.repository.listLinks(directory.id)) {
      const user = await this.accounts.linkedUser(directory.id, link.externalId);
      if (!user) continue;
      const account = accounts.get(link.externalId);
      if (!account || account.disabled) {
        if (!user.enabled) continue;
        await this.accounts.disable(directory.id, user.id, account ? 'disabled' : 'gone');
        disabled++;
      } else if (user.enabled && (await this.accounts.refresh(directory, user, account))) {
        updated++;
      }
    }
    return { directory_id: directory.id, entries: accounts.size, updated, disabled };
  }

  private ask(directory: LdapDirectoryEntity, login: string, password: string): Promise<Answer> {
    return this.withConnection(directory, async (connection) => {
      const { entries, truncated } = await connection.search(directory.baseDn, {
        filter: userByAttributeFilter(directory.userFilter, directory.usernameAttribute, login),
        attributes: requestedAttributes(directory),
        binaryAttributes: binaryAttributes(directory),
        sizeLimit: 2,
      });
      if (entries.length === 0 && !truncated) return 'unknown';
      // Two entries for one name: refuse rather than guess which one is meant.
      if (entries.length !== 1) return 'refused';
      const account = accountFromEntry(entries[0], directory);
      if (!account || account.disabled) return 'refused';
      return (await connection.verifyPassword(account.dn, password)) ? account : 'refused';
    });
  }

  private async withConnection<T>(directory: LdapDirectoryEntity, work: (connection: LdapConnection) => Promise<T>): Promise<T> {
    const connection = await LdapConnection.open(directory, directory.bindDn, this.sealer.open(directory.bindPasswordSealed, directory.id));
    try {
      return await work(connection);
    } finally {
      await connection.close();
    }
  }
}
