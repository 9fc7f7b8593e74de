import { Injectable } from '@nestjs/common';
import { AdminUsersService } from '../admin/admin-users.service';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { FEDERATED_CREDENTIAL_PREFIX } from '../users/federated-credential';
import { UserChanges, UserProfile, UsersService } from '../users/users.service';
import { DirectoryAccount, rolesFor } from './ldap-account';
import type { LdapDirectoryEntity } from './ldap-directory.entity';
import { FederationRepository } from './federation.repository';

/** `ldap:<id>`: what the admin API shows as a federated user's source. */
export function directorySource(directoryId: string): string {
  return `ldap:${directoryId}`;
}

/**
 * The local users of directory accounts: linked by the entry's stable identifier at the first
 * sign-in, their name, e-mail and roles taken from the directory at each sign-in and sync, and
 * disabled (tokens revoked, sessions ended) when the directory no longer has them.
 */
@Injectable()
export class FederatedAccountsService {
  constructor(
    private readonly repository: FederationRepository,
    private readonly users: UsersService,
    private readonly admin: AdminUsersService,
    private readonly work: UnitOfWork,
  ) {}

  /** The local user of an account whose password the directory just accepted; null when disabled here. */
  async signedIn(directory: LdapDirectoryEntity, account: DirectoryAccount): Promise<UserProfile | null> {
    const user = await this.linkedUser(directory.id, account.externalId);
    if (!user) return this.link(directory, account);
    if (!user.enabled) return null;
    await this.refresh(directory, user, account);
    return this.users.get(user.id);
  }

  /** The linked local user; a link left by a deleted user is dropped. */
  async linkedUser(directoryId: string, externalId: string): Promise<UserProfile | null> {
    const link = await this.repository.findLink(directoryId, externalId);
    if (!link) return null;
    const user = await this.users.get(link.userId);
    if (!user) await this.repository.deleteLink(link.userId);
    return user;
  }

  /** Writes what changed in the directory since (roles only when the directory maps groups). */
  async refresh(directory: LdapDirectoryEntity, user: UserProfile, account: DirectoryAccount): Promise<boolean> {
    const changes = await this.attributes(directory, account, user.id);
    const changed = Object.entries(changes).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(user[key as keyof UserProfile]));
    if (changed.length === 0) return false;
    const event = { type: 'federation.user.updated', subject: user.id, detail: { directory: directory.id, fields: changed.map(([k]) => k).join(' ') } };
    // Through the admin's change: a role the directory took away takes its reserved scopes from the tokens too.
    await this.work.audited(event, () => this.admin.change(user.id, Object.fromEntries(changed) as UserChanges));
    return true;
  }

  /** Disables a user the directory no longer has (or has disabled): the same end as an admin's disable. */
  async disable(directoryId: string, userId: string, reason: 'gone' | 'disabled'): Promise<void> {
    const event = { type: 'federation.user.disabled', subject: userId, detail: { directory: directoryId, reason } };
    await this.work.audited(event, () => this.admin.change(userId, { enabled: false }));
  }

  private async link(directory: LdapDirectoryEntity, account: DirectoryAccount): Promise<UserProfile | null> {
    const entity = await this.users.newEntity({
      ...(await this.attributes(directory, account)),
      username: account.username,
      // No password is kept: the column says where it is checked.
      passwordHash: `${FEDERATED_CREDENTIAL_PREFIX}${directorySource(directory.id)}`,
    });
    try {
      return await this.work.audited({ type: 'federation.user.linked', subject: entity.id, detail: { directory: directory.id } }, async () => {
        await this.repository.insertLink({ userId: entity.id, directoryId: directory.id, externalId: account.externalId });
        return this.users.insert(entity);
      });
    } catch (error) {
      // A concurrent first sign-in of the same account linked it first (unique entry index).
      const user = await this.linkedUser(directory.id, account.externalId);
      if (user) return user.enabled ? user : null;
      throw error;
    }
  }

  /** An e-mail address another user holds is left out, as the admin API would refuse it. */
  private async attributes(directory: LdapDirectoryEntity, account: DirectoryAccount, userId?: string): Promise<Pick<UserChanges, 'email' | 'name' | 'roles'>> {
    const emailTaken = account.email ? await this.users.loginNameConflict(undefined, account.email, userId) : null;
    return {
      email: emailTaken ? null : account.email,
      name: account.name,
      ...(directory.groupMappings.length > 0 ? { roles: rolesFor(account.groups, directory.groupMappings) } : {}),
    };
  }
}
