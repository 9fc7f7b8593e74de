import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { FederatedUserEntity } from './federated-user.entity';
import { LdapDirectoryEntity } from './ldap-directory.entity';

/** Every statement on the directories and the links of local users to their entries. Writes join the current unit of work. */
@Injectable()
export class FederationRepository {
  constructor(
    @InjectRepository(LdapDirectoryEntity) private readonly directories: Repository<LdapDirectoryEntity>,
    @InjectRepository(FederatedUserEntity) private readonly links: Repository<FederatedUserEntity>,
  ) {}

  /** In creation order: the order a sign-in asks them in. */
  listDirectories(): Promise<LdapDirectoryEntity[]> {
    return this.directories.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findDirectory(id: string): Promise<LdapDirectoryEntity | null> {
    return this.directories.findOneBy({ id });
  }

  async insertDirectory(directory: LdapDirectoryEntity): Promise<void> {
    await transactional(this.directories).insert(directory);
  }

  async updateDirectory(id: string, changes: Partial<Omit<LdapDirectoryEntity, 'id' | 'createdAt'>>): Promise<void> {
    await transactional(this.directories).update({ id }, changes);
  }

  async deleteDirectory(id: string): Promise<void> {
    await transactional(this.links).delete({ directoryId: id });
    await transactional(this.directories).delete({ id });
  }

  /** Moves the last sync time only if no other instance did since `seen`: one instance syncs. */
  async claimSync(id: string, seen: number, now: number): Promise<boolean> {
    const result = await this.directories.update({ id, lastSyncAt: seen }, { lastSyncAt: now });
    return result.affected === 1;
  }

  findLink(directoryId: string, externalId: string): Promise<FederatedUserEntity | null> {
    return this.links.findOneBy({ directoryId, externalId });
  }

  listLinks(directoryId: string): Promise<FederatedUserEntity[]> {
    return this.links.find({ where: { directoryId }, order: { userId: 'ASC' } });
  }

  async insertLink(link: FederatedUserEntity): Promise<void> {
    await transactional(this.links).insert(link);
  }

  async deleteLink(userId: string): Promise<void> {
    await transactional(this.links).delete({ userId });
  }
}
