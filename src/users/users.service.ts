import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
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

/** What other modules may know of a user: never the password hash. */
export type UserProfile = Readonly<Omit<UserEntity, 'passwordHash'>>;

function toProfile(entity: UserEntity): UserProfile {
  const { passwordHash: _passwordHash, ...profile } = entity;
  return profile;
}

@Injectable()
export class UsersService implements OnModuleInit {
  /** Verified against when the username is unknown, so that case costs one argon2 verification too. */
  private decoyHash: Promise<string>;

  constructor(@InjectRepository(UserEntity) private readonly repository: Repository<UserEntity>) {}

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
    return toProfile(entity);
  }

  async findEnabled(id: string): Promise<UserProfile | null> {
    const entity = await this.repository.findOneBy({ id, enabled: true });
    return entity ? toProfile(entity) : null;
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.repository.update({ id }, { enabled, updatedAt: nowSeconds() });
  }

  /** The enabled user with these credentials, or null; an unknown user costs the same hash check. */
  async verifyCredentials(username: string, password: string): Promise<UserProfile | null> {
    const entity = await this.repository.findOneBy({ username });
    const valid = await verifyPassword(entity?.passwordHash ?? (await this.decoyHash), password);
    return entity && entity.enabled && valid ? toProfile(entity) : null;
  }
}
