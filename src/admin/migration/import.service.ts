import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { isDuplicateKey } from '../../database/dialects';
import { AuthenticatedClient, ClientsService, NewClient } from '../../clients/clients.service';
import { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import { FieldError, OAuthError } from '../../common/oauth/oauth-error';
import { GlobalSettings, SettingsService } from '../../settings/settings.service';
import { UserEntity } from '../../users/user.entity';
import { emailKey, UsersService } from '../../users/users.service';
import { settingsFrom } from '../admin-settings.service';
import { toSettingsResponse } from '../dto/settings.dto';
import { AdminUsersService, userCredential } from '../admin-users.service';
import { ApplicationsService, ClientChanges, clientChangesFrom, newClientFrom } from '../applications.service';
import type { CreateApplicationDto } from '../dto/application.dto';
import { applicationSettingsOf } from '../dto/application.dto';
import type { ExportDocument, ImportDocumentDto, ImportResult } from '../dto/import.dto';
import { CreateUserDto, userProfileFrom, userSettingsOf } from '../dto/user.dto';

type UserChanges = Partial<Omit<UserEntity, 'id' | 'username' | 'passwordHash' | 'createdAt' | 'updatedAt'>>;

interface Plan {
  readonly newClients: { readonly dto: CreateApplicationDto; readonly input: NewClient }[];
  readonly clientUpdates: { readonly id: string; readonly changes: ClientChanges }[];
  readonly unchangedClients: string[];
  readonly newUsers: { readonly dto: CreateUserDto }[];
  readonly userUpdates: { readonly id: string; readonly username: string; readonly changes: UserChanges }[];
  readonly unchangedUsers: string[];
  readonly settings: Partial<GlobalSettings>;
}

/** Only the entries of `changes` that differ from `current`. */
function differing<T extends object>(current: T, changes: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([key, value]) => !isDeepStrictEqual(current[key as keyof T], value))) as Partial<T>;
}

/**
 * Bulk import (and export) of applications, users and settings for a migration. An import is
 * all-or-nothing: every entry is checked first and any bad one is a 400 listing them all, then
 * everything is written in one transaction. It is idempotent: entries are matched by client_id and
 * username, and only what differs is written. Credentials (client secrets, passwords and password
 * hashes) are set when an entry is created and never overwritten by a later import: a secret
 * rotated or a password changed since must not be rolled back.
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly clients: ClientsService,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
    private readonly applications: ApplicationsService,
    private readonly adminUsers: AdminUsersService,
    private readonly work: UnitOfWork,
  ) {}

  async import(document: ImportDocumentDto, dryRun: boolean): Promise<ImportResult> {
    const errors: FieldError[] = [];
    const plan = await this.plan(document, errors);
    if (errors.length > 0) {
      const entries = new Set(errors.map((e) => e.field.split('.').slice(0, 2).join('.'))).size;
      throw new OAuthError('invalid_request', `${entries} invalid entries in the import; nothing was written`, { details: errors });
    }
    const generatedSecrets: Record<string, string> = {};
    if (!dryRun) await this.write(plan, generatedSecrets);
    return {
      dry_run: dryRun,
      applications: { created: plan.newClients.map((c) => c.input.clientId!), updated: plan.clientUpdates.map((c) => c.id), unchanged: plan.unchangedClients },
      users: { created: plan.newUsers.map((u) => u.dto.username), updated: plan.userUpdates.map((u) => u.username), unchanged: plan.unchangedUsers },
      settings: Object.keys(plan.settings).length > 0 ? 'updated' : 'unchanged',
      ...(Object.keys(generatedSecrets).length > 0 ? { generated_secrets: generatedSecrets } : {}),
    };
  }

  async export(): Promise<ExportDocument> {
    const clients = await this.all((page) => this.clients.list(page));
    const users = await this.all((page) => this.users.list(page));
    const settings = await this.settings.get();
    return {
      applications: clients.map((c: AuthenticatedClient) => ({ ...applicationSettingsOf(c), enabled: c.enabled })),
      users: users.map(userSettingsOf),
      settings: toSettingsResponse(settings),
    };
  }

  private async all<T>(list: (page: { page: number; perPage: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const batch = await list({ page, perPage: 500 });
      items.push(...batch.items);
      if (batch.items.length < 500) return items;
    }
  }

  private async plan(document: ImportDocumentDto, errors: FieldError[]): Promise<Plan> {
    const plan: Plan = { newClients: [], clientUpdates: [], unchangedClients: [], newUsers: [], userUpdates: [], unchangedUsers: [], settings: {} };
    const fail = (field: string, message: string) => errors.push({ field, messages: [message] });

    const clientIds = new Set<string>();
    for (const [index, dto] of (document.applications ?? []).entries()) {
      const at = (field: string) => `applications.${index}.${field}`;
      if (dto.client_id === undefined) {
        fail(at('client_id'), 'client_id is required in an import: it is how a later import finds the application again');
        continue;
      }
      if (clientIds.has(dto.client_id)) {
        fail(at('client_id'), `client_id ${dto.client_id} appears more than once in the file`);
        continue;
      }
      clientIds.add(dto.client_id);
      const current = await this.clients.get(dto.client_id);
      const input = newClientFrom(dto);
      const problem = await this.problemOf(async () => {
        this.applications.checkConsistency(
          current ? { ...current, ...clientChangesFrom(dto), clientSecret: dto.client_secret } : input,
          current?.tokenEndpointAuthMethod,
        );
        await this.applications.checkResources(dto.resources ?? []);
      });
      if (problem) {
        for (const detail of problem) fail(at(detail.field), detail.messages[0]);
        continue;
      }
      if (!current) {
        plan.newClients.push({ dto, input });
        continue;
      }
      if ((input.tokenEndpointAuthMethod === 'none') !== current.isPublic && dto.token_endpoint_auth_method !== undefined) {
        fail(at('token_endpoint_auth_method'), 'a public client cannot become confidential or the reverse');
        continue;
      }
      const changes = differing<ClientChanges>(current, clientChangesFrom(dto));
      if (Object.keys(changes).length > 0) plan.clientUpdates.push({ id: current.id, changes });
      else plan.unchangedClients.push(current.id);
    }

    // Login names (usernames and e-mail addresses) of the file, compared as MySQL's collation and
    // the e-mail key do: regardless of case and trailing spaces.
    const loginNames = new Map<string, number>();
    for (const [index, dto] of (document.users ?? []).entries()) {
      const at = (field: string) => `users.${index}.${field}`;
      const names = [dto.username, ...(dto.email ? [dto.email] : [])].map((name) => name.trim().toLowerCase());
      const clash = names.find((name) => loginNames.has(name));
      if (clash !== undefined) {
        fail(at(clash === names[0] ? 'username' : 'email'), `${clash} is already a username or e-mail address of users.${loginNames.get(clash)} in the file`);
        continue;
      }
      for (const name of names) loginNames.set(name, index);
      const current = await this.users.findByUsername(dto.username);
      const key = emailKey(dto.email);
      const conflict = await this.users.loginNameConflict(current ? undefined : dto.username, dto.email, current?.id);
      if (conflict) {
        fail(at(conflict.startsWith('username') ? 'username' : 'email'), conflict);
        continue;
      }
      if (!current) {
        try {
          userCredential(dto);
        } catch (error) {
          if (!(error instanceof OAuthError)) throw error;
          fail(at('password'), error.description ?? 'invalid credential');
          continue;
        }
        plan.newUsers.push({ dto });
        continue;
      }
      const changes = differing<UserChanges>(current, {
        ...userProfileFrom(dto),
        ...(dto.email !== undefined ? { email: dto.email, emailKey: key } : {}),
        ...(dto.roles !== undefined ? { roles: [...new Set(dto.roles)] } : {}),
        ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
      });
      if (Object.keys(changes).length > 0) plan.userUpdates.push({ id: current.id, username: dto.username, changes });
      else plan.unchangedUsers.push(dto.username);
    }

    if (document.settings) Object.assign(plan.settings, differing(await this.settings.get(), settingsFrom(document.settings)));
    return plan;
  }

  /** The field errors of an admin rule, as the import lists them for each entry. */
  private async problemOf(check: () => Promise<void>): Promise<readonly FieldError[] | null> {
    try {
      await check();
      return null;
    } catch (error) {
      if (error instanceof OAuthError && error.details) return error.details;
      throw error;
    }
  }

  private async write(plan: Plan, generatedSecrets: Record<string, string>): Promise<void> {
    // Hashing (argon2id for passwords and short secrets) happens before the transaction, not inside it.
    const newClients = await Promise.all(plan.newClients.map((c) => this.clients.newEntity(c.input)));
    const newUsers = await Promise.all(
      plan.newUsers.map(({ dto }) =>
        this.users.newEntity({ ...userCredential(dto), ...userProfileFrom(dto), username: dto.username, roles: dto.roles ?? [], enabled: dto.enabled ?? true }),
      ),
    );
    const event = {
      type: 'admin.import',
      detail: {
        applications_created: newClients.length,
        applications_updated: plan.clientUpdates.length,
        users_created: newUsers.length,
        users_updated: plan.userUpdates.length,
        settings_updated: Object.keys(plan.settings).length > 0,
      },
    };
    try {
      // All or nothing, with the revocations it implies and its audit event, and nothing after a 503
      // (the CLI has no request and no deadline).
      await this.work.audited(event, async () => {
        // Changes go through the same domain methods as the single-resource endpoints: what they
        // imply (a disabled application's or user's tokens and sessions end at once) happens here too.
        for (const { entity } of newClients) await this.clients.insert(entity);
        for (const { id, changes } of plan.clientUpdates) await this.applications.change(id, changes);
        for (const entity of newUsers) await this.users.insert(entity);
        for (const { id, changes } of plan.userUpdates) await this.adminUsers.change(id, changes);
        if (Object.keys(plan.settings).length > 0) await this.settings.write(plan.settings);
      });
    } catch (error) {
      // A unique key taken between the check and the write: nothing was written. (Other database
      // errors, a deadlock or a lock wait, keep their own answer: 503, nothing written either.)
      if (isDuplicateKey(error))
        throw new OAuthError('conflict', 'an application or user in the file was created meanwhile; nothing was written, run the import again');
      throw error;
    }
    for (const { entity, generatedSecret } of newClients) if (generatedSecret) generatedSecrets[entity.id] = generatedSecret;
  }
}
