import { SignInFactorsService } from '../users/factors/sign-in-factors.service';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { hashPassword } from '../common/crypto/password-hasher';
import { OAuthError } from '../common/oauth/oauth-error';
import { ConsentService } from '../consent/consent.service';
import { LoginSessionService } from '../authorize/login-session.service';
import { AuthorizationCodeService } from '../tokens/authorization-code.service';
import { TokenStore, TokenSummary } from '../tokens/token-store';
import { NewUserCredential, UserChanges, UserProfile, UsersService } from '../users/users.service';
import { importPasswordHash } from '../common/crypto/imported-password-hash';
import type { Paginated } from './dto/pagination.dto';
import { ConsentResponse, CreateUserDto, toUserResponse, UpdateUserDto, UserListQuery, UserResponse, userProfileFrom } from './dto/user.dto';
import { reservedScopesWithout } from '../common/oauth/scope-policy';
import { found } from '../common/oauth/found';

/** A new user's credential: exactly one of a password and an imported password hash. */
export function userCredential(dto: Pick<CreateUserDto, 'password' | 'password_hash'>): NewUserCredential {
  if ((dto.password === undefined) === (dto.password_hash === undefined)) {
    const message = 'give either password or password_hash';
    throw new OAuthError('invalid_request', message, { details: [{ field: 'password', messages: [message] }] });
  }
  return dto.password !== undefined ? { password: dto.password } : { passwordHash: importPasswordHash(dto.password_hash!) };
}

/** The management API of users (resource owners). */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenStore,
    private readonly codes: AuthorizationCodeService,
    private readonly consents: ConsentService,
    private readonly sessions: LoginSessionService,
    private readonly work: UnitOfWork,
    private readonly factors: SignInFactorsService,
  ) {}

  async create(dto: CreateUserDto): Promise<UserResponse> {
    const credential = userCredential(dto);
    if (await this.users.existsByUsername(dto.username)) throw new OAuthError('conflict', 'username is already taken');
    await this.assertLoginNamesFree(dto.username, dto.email);
    // Hashed before the transaction, which then holds nothing while argon2 runs.
    const entity = await this.users.newEntity({
      ...credential,
      ...userProfileFrom(dto),
      username: dto.username,
      roles: dto.roles ?? [],
      enabled: dto.enabled ?? true,
    });
    try {
      // The user and its audit event commit together, and not at all after a 503.
      const user = await this.work.audited(
        (created) => ({ type: 'admin.user.created', subject: created.id, detail: { roles: created.roles.join(' ') } }),
        () => this.users.insert(entity),
      );
      return toUserResponse(user);
    } catch (error) {
      // Lost a race with a concurrent create of the same username (unique index).
      if (await this.users.existsByUsername(dto.username)) throw new OAuthError('conflict', 'username is already taken');
      await this.assertLoginNamesFree(dto.username, dto.email);
      throw error;
    }
  }

  private async assertLoginNamesFree(username: string | undefined, email: string | null | undefined, exceptUserId?: string): Promise<void> {
    const conflict = await this.users.loginNameConflict(username, email, exceptUserId);
    if (conflict) throw new OAuthError('conflict', conflict);
  }

  async list(query: UserListQuery): Promise<Paginated<UserResponse>> {
    const { items, total } = await this.users.list({ page: query.page, perPage: query.per_page }, query.search, query.legacy_hash);
    return { items: items.map(toUserResponse), page: query.page, per_page: query.per_page, total };
  }

  async get(id: string): Promise<UserResponse> {
    return toUserResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserResponse> {
    const user = await this.find(id);
    if (dto.password !== undefined && user.source !== 'local') {
      throw new OAuthError('invalid_request', `the password of this user is kept by ${user.source}: change it there`);
    }
    await this.assertLoginNamesFree(undefined, dto.email, id);
    // Hashed before the transaction, which then holds nothing while argon2 runs.
    const passwordHash = dto.password !== undefined ? await hashPassword(dto.password) : undefined;
    try {
      // One commit for the change, its audit event and, for a disabled user or a new password, the
      // end of their tokens and sessions (for a removed role, of the tokens carrying its scopes);
      // none of it after a 503.
      const event = {
        type: 'admin.user.updated',
        subject: id,
        // Field names only: never the new password.
        detail: { fields: Object.keys(dto).join(' '), ...(dto.roles ? { roles: dto.roles.join(' ') } : {}) },
      };
      await this.work.audited(event, () => this.change(id, { ...userProfileFrom(dto), roles: dto.roles, enabled: dto.enabled, passwordHash }));
    } catch (error) {
      // Lost a race with a concurrent change to the same e-mail address (unique index).
      await this.assertLoginNamesFree(undefined, dto.email, id);
      throw error;
    }
    return this.get(id);
  }

  /**
   * Writes a user's changes with what they imply, in the caller's unit of work: the admin API and
   * the import change users through it alike. A removed role takes the scopes reserved for it from
   * the user's access tokens at once; a new password ends their browser sessions.
   */
  async change(id: string, changes: UserChanges): Promise<void> {
    await this.users.update(id, changes);
    if (changes.enabled === false) await this.disabled(id);
    if (changes.roles) await this.tokens.revokeAccessTokensCarrying(id, reservedScopesWithout(changes.roles), 'role_removed');
    if (changes.enabled !== false && (changes.passwordHash !== undefined || changes.password !== undefined)) await this.sessions.endAllForUser(id);
  }

  /**
   * A disabled user's unredeemed codes are voided (deleted), their tokens revoked and their browser sessions
   * end: nothing they hold works any more. Another instance may still hold the user's profile as
   * enabled (UsersService's cache) until this commit's invalidation reaches it; what refuses the
   * user there is this commit: both redemptions spend their input with a conditional UPDATE in the
   * transaction that stores the new tokens (`consumed_at IS NULL`; `rotated_at IS NULL AND
   * revoked_at IS NULL`), which finds nothing to spend once this commit is in, whatever the
   * profile said (a client that keeps its refresh token spends nothing: it reads the token again
   * after storing the access token, and revokes that); the DELETE of the codes waits for the row a
   * redemption is spending, and then finds it spent. Codes first: a redemption that spent one of
   * them before holds its row until it commits, so its tokens exist when revoked below.
   */
  private async disabled(id: string): Promise<void> {
    await this.codes.voidUnredeemed({ userId: id });
    await this.tokens.revokeAll({ userId: id }, 'user_disabled');
    await this.sessions.endAllForUser(id);
  }

  async delete(id: string): Promise<void> {
    await this.find(id);
    // All or nothing, and nothing after a 503: codes voided and tokens revoked (as for a disabled
    // user, and for the same reason), consents, sessions, sign-in factors and the user deleted.
    await this.work.audited({ type: 'admin.user.deleted', subject: id }, async () => {
      await this.codes.voidUnredeemed({ userId: id });
      await this.tokens.revokeAll({ userId: id }, 'user_deleted');
      await this.consents.deleteAll({ userId: id });
      await this.sessions.endAllForUser(id);
      await this.factors.reset(id, { actorUserId: null, via: 'admin' }, true);
      await this.users.delete(id);
    });
  }

  /** Active tokens of a user (never their values). */
  async listTokens(id: string): Promise<TokenSummary[]> {
    await this.find(id);
    return this.tokens.listActive({ userId: id });
  }

  async revokeTokens(id: string): Promise<void> {
    await this.find(id);
    await this.tokens.revokeAll({ userId: id }, 'admin');
  }

  async listConsents(id: string): Promise<ConsentResponse[]> {
    await this.find(id);
    return (await this.consents.listForUser(id)).map((c) => ({
      id: c.id,
      client_id: c.clientId,
      scope: c.scope,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    }));
  }

  async revokeConsent(id: string, consentId: string): Promise<void> {
    await this.consents.revoke(found(await this.consents.findForUser(id, consentId), 'consent not found'));
  }

  private async find(id: string): Promise<UserProfile> {
    return found(await this.users.get(id), 'user not found');
  }
}
