import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Page } from '../clients/clients.service';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { needsRehash, verifyStoredPassword } from '../common/crypto/imported-password-hash';
import { CURRENT_HASH_PREFIX, hashPassword, verifyPassword } from '../common/crypto/password-hasher';
import { randomToken } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { afterUnitOfWork } from '../database/unit-of-work/unit-of-work';
import { federatedSource } from './federated-credential';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

export type { UserAddress } from './user.entity';

/** A new user's credential: a password, or a hash imported from another system (importPasswordHash). */
export type NewUserCredential = { readonly password: string; readonly passwordHash?: never } | { readonly passwordHash: string; readonly password?: never };

/** The OpenID Connect claims of a user (Core §5.1) as its record holds them. */
type UserClaims = Pick<
  UserEntity,
  | 'email'
  | 'emailVerified'
  | 'name'
  | 'givenName'
  | 'familyName'
  | 'middleName'
  | 'nickname'
  | 'profile'
  | 'picture'
  | 'website'
  | 'gender'
  | 'birthdate'
  | 'zoneinfo'
  | 'locale'
  | 'phoneNumber'
  | 'phoneNumberVerified'
  | 'address'
>;

/** What an admin sets on a user besides its credential: OpenID Connect claims, roles, status. */
export type UserAttributes = Readonly<Partial<UserClaims>> & { readonly roles?: readonly string[]; readonly enabled?: boolean };

export type NewUser = NewUserCredential & UserAttributes & { readonly username: string };

/** `passwordHash`: one already hashed (before the caller's transaction); else `password` is hashed here. */
export type UserChanges = UserAttributes & { readonly password?: string; readonly passwordHash?: string };

/** An account found by login name, before its password is checked. */
export interface LoginCandidate {
  readonly id: string;
  readonly passwordHash: string;
  readonly entity: UserEntity;
}

/**
 * What other modules may know of a user: never the password hash, only whether it is still an
 * imported one, and where the password is checked (`local`, or `ldap:<directory id>`).
 */
export type UserProfile = Readonly<Omit<UserEntity, 'passwordHash' | 'emailKey'>> & { readonly legacyPasswordHash: boolean; readonly source: string };

const USER_TOPIC = 'user';

function toProfile(entity: UserEntity): UserProfile {
  const { passwordHash, emailKey: _emailKey, ...profile } = entity;
  const source = federatedSource(passwordHash);
  return { ...profile, legacyPasswordHash: !source && needsRehash(passwordHash), source: source ?? 'local' };
}

/** E-mail addresses are unique regardless of case, and a login name. */
export function emailKey(email: string | null | undefined): string | null {
  return email ? email.trim().toLowerCase() : null;
}

@Injectable()
export class UsersService implements OnModuleInit {
  /** Verified against when the username is unknown, so that case costs one argon2 verification too. */
  private decoyHash: Promise<string>;

  private readonly cache: InvalidatingCache<UserProfile>;

  constructor(
    private readonly repository: UsersRepository,
    private readonly bus: CacheBus,
  ) {
    this.cache = bus.createCache<UserProfile>(USER_TOPIC, 60_000, 10_000);
  }

  onModuleInit(): void {
    this.decoyHash = hashPassword(randomToken());
  }

  async create(input: NewUser): Promise<UserProfile> {
    const entity = await this.newEntity(input);
    return this.insert(entity);
  }

  /**
   * Stores a user newEntity() prepared (its password hashed before any transaction). The writes
   * here run in the caller's unit of work when there is one; every instance drops its cached copy
   * once it is over.
   */
  async insert(entity: UserEntity): Promise<UserProfile> {
    await this.repository.insert(entity);
    await afterUnitOfWork(() => this.changed(entity.id));
    return toProfile(entity);
  }

  /** The row for a new user, its password hashed with argon2id or its imported hash kept for the next sign-in. */
  async newEntity(input: NewUser): Promise<UserEntity> {
    const now = nowSeconds();
    return Object.assign(new UserEntity(), {
      id: randomUUID(),
      username: input.username,
      email: input.email ?? null,
      emailKey: emailKey(input.email),
      name: input.name ?? null,
      givenName: input.givenName ?? null,
      familyName: input.familyName ?? null,
      emailVerified: input.emailVerified ?? false,
      middleName: input.middleName ?? null,
      nickname: input.nickname ?? null,
      profile: input.profile ?? null,
      picture: input.picture ?? null,
      website: input.website ?? null,
      gender: input.gender ?? null,
      birthdate: input.birthdate ?? null,
      zoneinfo: input.zoneinfo ?? null,
      locale: input.locale ?? null,
      phoneNumber: input.phoneNumber ?? null,
      phoneNumberVerified: input.phoneNumberVerified ?? false,
      address: input.address ?? null,
      passwordHash: input.passwordHash ?? (await hashPassword(input.password!)),
      roles: [...new Set(input.roles ?? [])],
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * /me, introspection and the code and refresh grants look users up by id: cached, invalidated on
   * every change once its unit of work is over. Another instance may answer from its copy until the
   * invalidation reaches it: a disabled or deleted user's unredeemed codes are deleted and refresh
   * tokens revoked in the commit that disables them, so redemptions do not rely on this answer
   * (AdminUsersService.disabled).
   */
  async findEnabled(id: string): Promise<UserProfile | null> {
    const profile = await this.get(id);
    return profile?.enabled ? profile : null;
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.repository.update(id, { enabled, updatedAt: nowSeconds() });
    await this.changed(id);
  }

  get(id: string): Promise<UserProfile | null> {
    return this.cache.get(id, async () => {
      const entity = await this.repository.findById(id);
      return entity ? toProfile(entity) : null;
    });
  }

  private changed(id: string): Promise<void> {
    return this.bus.invalidate(USER_TOPIC, id);
  }

  async existsByUsername(username: string): Promise<boolean> {
    return this.repository.existsByUsername(username);
  }

  /** The user with this username, as the database matches it (the import's key). */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repository.findByUsername(username);
  }

  /**
   * Why a username or e-mail address cannot be given to a user, or null. Both are login names:
   * an address is unique regardless of case, and no user's username may be another user's address
   * (the sign-in would find the wrong account, and failures would lock the other one out).
   */
  async loginNameConflict(username: string | undefined, email: string | null | undefined, exceptUserId?: string): Promise<string | null> {
    const other = (id: string | null | undefined) => id != null && id !== exceptUserId;
    if (email && other(await this.idByEmail(email))) return 'email is already taken';
    if (email && other(await this.repository.idByUsername(email.trim()))) return "email is another user's username";
    if (username?.includes('@') && other(await this.idByEmail(username))) return "username is another user's e-mail address";
    return null;
  }

  /** The id of the user holding this e-mail address (regardless of case), or null. */
  async idByEmail(email: string): Promise<string | null> {
    const key = emailKey(email);
    return key ? this.repository.idByEmailKey(key) : null;
  }

  /** True when any user holds the given role. */
  async anyWithRole(role: string): Promise<boolean> {
    return this.repository.anyWithRole(role);
  }

  /** `legacyHash`: only the users whose password hash is still an imported one (or ours with old parameters). */
  async list(page: Page, search?: string, legacyHash?: boolean): Promise<{ items: UserProfile[]; total: number }> {
    const { rows, total } = await this.repository.list(page, search, legacyHash ? CURRENT_HASH_PREFIX : undefined);
    return { items: rows.map(toProfile), total };
  }

  async update(id: string, changes: UserChanges): Promise<void> {
    const { password, passwordHash, roles, ...given } = changes;
    const rest = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Omit<UserChanges, 'password' | 'roles'>;
    await this.repository.update(id, {
      ...rest,
      ...(rest.email !== undefined ? { emailKey: emailKey(rest.email) } : {}),
      ...(roles ? { roles: [...new Set(roles)] } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
      updatedAt: nowSeconds(),
    });
    await afterUnitOfWork(() => this.changed(id));
  }

  async delete(id: string): Promise<void> {
    await this.repository.delete(id);
    await afterUnitOfWork(() => this.changed(id));
  }

  /**
   * The account a login name designates: its username, as the database matches it (MySQL's
   * collation treats "alice", "Alice" and "alice " alike), or else its e-mail address regardless of
   * case (seed 003's users sign in with theirs). Lockouts are keyed on the account found.
   */
  async findForLogin(login: string): Promise<LoginCandidate | null> {
    const entity = (await this.repository.findByUsername(login)) ?? (login.includes('@') ? await this.repository.findByEmailKey(emailKey(login)!) : null);
    return entity ? { id: entity.id, passwordHash: entity.passwordHash, entity } : null;
  }

  /**
   * The enabled user if the password matches, else null; an unknown user costs one argon2
   * verification too. A hash imported from another system is replaced by our argon2id on the
   * first successful sign-in.
   */
  async checkPassword(candidate: LoginCandidate | null, password: string): Promise<UserProfile | null> {
    if (!candidate) {
      await verifyPassword(await this.decoyHash, password);
      return null;
    }
    const valid = await verifyStoredPassword(candidate.passwordHash, password);
    // A failed check of an imported hash costs at least one argon2 verification too, so that a
    // fast legacy format (WSO2's one SHA-256) does not tell who exists and who is not migrated yet.
    if (!valid && needsRehash(candidate.passwordHash)) await verifyPassword(await this.decoyHash, password);
    if (!valid || !candidate.entity.enabled) return null;
    if (needsRehash(candidate.passwordHash)) return toProfile(await this.rehash(candidate.entity, password));
    return toProfile(candidate.entity);
  }

  /** Only if the hash is still the one verified: a concurrent password reset by an admin wins. */
  private async rehash(entity: UserEntity, password: string): Promise<UserEntity> {
    const passwordHash = await hashPassword(password);
    if (await this.repository.replacePasswordHash(entity.id, entity.passwordHash, passwordHash)) await this.changed(entity.id);
    return { ...entity, passwordHash };
  }
}
