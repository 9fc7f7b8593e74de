import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, Like, Not, Repository } from 'typeorm';
import type { Page } from '../clients/clients.service';
import { containing } from '../common/database/containing';
import { batchedLookup } from '../database/rows/batched-lookup';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { FEDERATED_CREDENTIAL_PREFIX } from './federated-credential';
import { UserEntity } from './user.entity';

/** The columns of a user a change may set (never its id, username or creation time). */
export type UserRowChanges = Partial<Omit<UserEntity, 'id' | 'username' | 'createdAt'>>;

/**
 * Every statement on the users table. Writes join the current unit of work when there is one;
 * reads see what is committed. UsersService keeps the rules (login names, password hashing).
 */
export abstract class UsersRepository {
  abstract insert(user: UserEntity): Promise<void>;
  /** By id, batched with concurrent lookups. */
  abstract findById(id: string): Promise<UserEntity | null>;
  /** By username, as the database's collation matches it. */
  abstract findByUsername(username: string): Promise<UserEntity | null>;
  abstract findByEmailKey(emailKey: string): Promise<UserEntity | null>;
  abstract idByUsername(username: string): Promise<string | null>;
  abstract idByEmailKey(emailKey: string): Promise<string | null>;
  abstract existsByUsername(username: string): Promise<boolean>;
  /** True when any user's roles (a JSON array) hold `role`. */
  abstract anyWithRole(role: string): Promise<boolean>;
  /** A page in creation order; `search` in username or e-mail; `hashNotPrefixed`: only hashes without that prefix. */
  abstract list(page: Page, search?: string, hashNotPrefixed?: string): Promise<{ rows: UserEntity[]; total: number }>;
  abstract update(id: string, changes: UserRowChanges): Promise<void>;
  /** Replaces the password hash only while it is still `expected`; true when it did. */
  abstract replacePasswordHash(id: string, expected: string, passwordHash: string): Promise<boolean>;
  abstract delete(id: string): Promise<void>;
}

@Injectable()
export class TypeOrmUsersRepository implements UsersRepository {
  private readonly byId: (id: string) => Promise<UserEntity | null>;

  constructor(@InjectRepository(UserEntity) private readonly repository: Repository<UserEntity>) {
    this.byId = batchedLookup(repository, 'id');
  }

  async insert(user: UserEntity): Promise<void> {
    await transactional(this.repository).insert(user);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.byId(id);
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repository.findOneBy({ username });
  }

  findByEmailKey(emailKey: string): Promise<UserEntity | null> {
    return this.repository.findOneBy({ emailKey });
  }

  async idByUsername(username: string): Promise<string | null> {
    return (await this.repository.findOne({ where: { username }, select: { id: true } }))?.id ?? null;
  }

  async idByEmailKey(emailKey: string): Promise<string | null> {
    return (await this.repository.findOne({ where: { emailKey }, select: { id: true } }))?.id ?? null;
  }

  existsByUsername(username: string): Promise<boolean> {
    return this.repository.existsBy({ username });
  }

  anyWithRole(role: string): Promise<boolean> {
    // roles is a JSON array in a text column: match the quoted element.
    return this.repository.existsBy({ roles: containing(JSON.stringify(role)) as never });
  }

  async list(page: Page, search?: string, hashNotPrefixed?: string): Promise<{ rows: UserEntity[]; total: number }> {
    // A directory's user (`!ldap:…`) has no hash here, legacy or not.
    const legacy = hashNotPrefixed !== undefined ? { passwordHash: And(Not(Like(`${hashNotPrefixed}%`)), Not(Like(`${FEDERATED_CREDENTIAL_PREFIX}%`))) } : {};
    const [rows, total] = await this.repository.findAndCount({
      where: search
        ? [
            { username: containing(search), ...legacy },
            { email: containing(search), ...legacy },
          ]
        : legacy,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page.page - 1) * page.perPage,
      take: page.perPage,
    });
    return { rows, total };
  }

  async update(id: string, changes: UserRowChanges): Promise<void> {
    await transactional(this.repository).update({ id }, changes);
  }

  async replacePasswordHash(id: string, expected: string, passwordHash: string): Promise<boolean> {
    const result = await this.repository.update({ id, passwordHash: expected }, { passwordHash });
    return Boolean(result.affected);
  }

  async delete(id: string): Promise<void> {
    await transactional(this.repository).delete({ id });
  }
}
