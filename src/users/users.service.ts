import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { Page } from '../clients/clients.service';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { batchedLookup } from '../common/database/batched-lookup';
import { containing } from '../common/database/containing';
import { hashPassword, verifyPassword } from '../common/crypto/password-hasher';
import { randomToken } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { UserEntity } from './user.entity';

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly email?: string | null;
  readonly roles?: readonly string[];
  readonly enabled?: boolean;
}

/** An account found by login name, before its password is checked. */
export interface LoginCandidate {
  readonly id: string;
  readonly passwordHash: string;
  readonly entity: UserEntity;
}

/** What other modules may know of a user: never the password hash. */
export type UserProfile = Readonly<Omit<UserEntity, 'passwordHash'>>;

const USER_TOPIC = 'user';

function toProfile(entity: UserEntity): UserProfile {
  const { passwordHash: _passwordHash, ...profile } = entity;
  return profile;
}

@Injectable()
export class UsersService implements OnModuleInit {
  /** Verified against when the username is unknown, so that case costs one argon2 verification too. */
  private decoyHash: Promise<string>;

  private readonly cache: InvalidatingCache<UserProfile>;
  private readonly byId: (id: string) => Promise<UserEntity | null>;

  constructor(
    @InjectRepository(UserEntity) private readonly repository: Repository<UserEntity>,
    private readonly bus: CacheBus,
  ) {
    this.cache = bus.createCache<UserProfile>(USER_TOPIC, 60_000, 10_000);
    this.byId = batchedLookup(repository, 'id');
  }

  onModuleInit(): void {
    this.decoyHash = hashPassword(randomToken());
  }

  async create(input: NewUser): Promise<UserProfile> {
    const now = nowSeconds();
    const entity = this.repository.create({
      id: randomUUID(),
      username: input.username,
      email: input.email ?? null,
      passwordHash: await hashPassword(input.password),
      roles: [...(input.roles ?? [])],
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
    await this.repository.insert(entity);
    await this.changed(entity.id);
    return toProfile(entity);
  }

  /** /me, introspection and the code and refresh grants look users up by id: cached, invalidated on change. */
  async findEnabled(id: string): Promise<UserProfile | null> {
    const profile = await this.get(id);
    return profile?.enabled ? profile : null;
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.repository.update({ id }, { enabled, updatedAt: nowSeconds() });
    await this.changed(id);
  }

  get(id: string): Promise<UserProfile | null> {
    return this.cache.get(id, async () => {
      const entity = await this.byId(id);
      return entity ? toProfile(entity) : null;
    });
  }

  private changed(id: string): Promise<void> {
    return this.bus.invalidate(USER_TOPIC, id);
  }

  async existsByUsername(username: string): Promise<boolean> {
    return this.repository.existsBy({ username });
  }

  /** True when any user holds the given role. */
  async anyWithRole(role: string): Promise<boolean> {
    // roles is a JSON array in a text column: match the quoted element.
    return this.repository.existsBy({ roles: containing(JSON.stringify(role)) as never });
  }

  async list(page: Page, search?: string): Promise<{ items: UserProfile[]; total: number }> {
    const [rows, total] = await this.repository.findAndCount({
      where: search ? [{ username: containing(search) }, { email: containing(search) }] : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page.page - 1) * page.perPage,
      take: page.perPage,
    });
    return { items: rows.map(toProfile), total };
  }

  async update(id: string, changes: { email?: string | null; roles?: readonly string[]; enabled?: boolean; password?: string }): Promise<void> {
    const { password, roles, ...rest } = changes;
    await this.repository.update(
      { id },
      {
        ...rest,
        ...(roles ? { roles: [...roles] } : {}),
        ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
        updatedAt: nowSeconds(),
      },
    );
    await this.changed(id);
  }

  async delete(id: string): Promise<void> {
    await this.repository.delete({ id });
    await this.changed(id);
  }

  /** The enabled user with these credentials, or null; an unknown user costs the same hash check. */
  async verifyCredentials(username: string, password: string): Promise<UserProfile | null> {
    return this.checkPassword(await this.findForLogin(username), password);
  }

  /**
   * The account a login name designates, as the database matches it (MySQL's collation treats
   * "alice", "Alice" and "alice " alike), so that lockouts can be keyed on the account itself.
   */
  async findForLogin(username: string): Promise<LoginCandidate | null> {
    const entity = await this.repository.findOneBy({ username });
    return entity ? { id: entity.id, passwordHash: entity.passwordHash, entity } : null;
  }

  async checkPassword(candidate: LoginCandidate | null, password: string): Promise<UserProfile | null> {
    const valid = await verifyPassword(candidate?.passwordHash ?? (await this.decoyHash), password);
    return candidate && candidate.entity.enabled && valid ? toProfile(candidate.entity) : null;
  }
}
