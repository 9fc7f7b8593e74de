import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ClientsService } from '../clients/clients.service';
import { randomToken } from '../common/crypto/tokens';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ADMIN_ROLE, ADMIN_SCOPE } from '../users/roles';
import { UsersService } from '../users/users.service';

import { ADMIN_CLI_CLIENT_ID } from '../clients/client-defaults';

export { ADMIN_CLI_CLIENT_ID };
export const ADMIN_CLI_REDIRECT_URI = 'http://127.0.0.1:8400/callback';

/** First start: creates the first administrator and the admin-cli client, if missing. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    @InjectConfig('admin') private readonly admin: AppConfig['admin'],
    @InjectConfig('database') private readonly database: Pick<AppConfig['database'], 'type'> & { path?: string },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdminCli();
    await this.ensureAdmin();
  }

  private async ensureAdminCli(): Promise<void> {
    if (await this.clients.get(ADMIN_CLI_CLIENT_ID)) return;
    try {
      await this.clients.create({
        clientId: ADMIN_CLI_CLIENT_ID,
        clientName: 'Admin CLI',
        redirectUris: [ADMIN_CLI_REDIRECT_URI],
        grantTypes: ['password', 'authorization_code', 'refresh_token'],
        scope: ADMIN_SCOPE,
        tokenEndpointAuthMethod: 'none',
        pkce: 'required',
      });
    } catch (error) {
      // Another instance created it at the same moment.
      if (!(await this.clients.get(ADMIN_CLI_CLIENT_ID))) throw error;
    }
  }

  private async ensureAdmin(): Promise<void> {
    if (await this.users.anyWithRole(ADMIN_ROLE)) return;
    const { username, password } = this.admin;
    if (await this.users.existsByUsername(username)) {
      this.logger.warn(`No administrator exists and the user "${username}" is taken: grant it the admin role through the database`);
      return;
    }
    if (password !== undefined) {
      if (await this.createAdmin(username, password)) this.logger.log(`Created administrator "${username}" (password from ADMIN_PASSWORD)`);
      return;
    }
    await this.createAdminWithGeneratedPassword(username);
  }

  /**
   * The password goes to a new file, never to the log (log lines are collected and kept). The file
   * is written first: an administrator whose password could not be handed over is not created, and
   * the next start tries again. An existing file is never replaced (another instance on a shared
   * volume may have just written the password of the administrator it created), except for an
   * in-memory database: it starts empty every time, so a file from an earlier start names no account.
   */
  private async createAdminWithGeneratedPassword(username: string): Promise<void> {
    const password = randomToken(18);
    const path = resolve(this.admin.passwordFile);
    const inMemory = this.database.type === 'sqlite' && this.database.path === ':memory:';
    try {
      await writePrivateFile(path, `${password}\n`, inMemory);
    } catch (error) {
      // Another instance sharing the file created the administrator meanwhile: nothing to report.
      if (await this.users.anyWithRole(ADMIN_ROLE)) return;
      const code = (error as NodeJS.ErrnoException).code;
      const left =
        code === 'EEXIST' &&
        (await stat(path).then(
          (found) => found.isFile(),
          () => false,
        ));
      const reason = left ? 'EEXIST: left by an earlier start; delete it if no administrator was created from it' : (code ?? (error as Error).message);
      this.logger.error(
        `Could not write the generated administrator password to ${path} (${reason}): set ADMIN_PASSWORD, or ADMIN_PASSWORD_FILE to a new file in a writable directory`,
      );
      return;
    }
    let created: boolean;
    try {
      created = await this.createAdmin(username, password);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    if (!created) {
      // Another instance created an administrator meanwhile: this password names no account.
      await rm(path, { force: true });
      return;
    }
    this.logger.warn(
      `Created administrator "${username}"; its generated password is in ${path}, readable by this user only: sign in, change it, and delete the file`,
    );
  }

  /** False when another instance created an administrator at the same moment. */
  private async createAdmin(username: string, password: string): Promise<boolean> {
    try {
      await this.users.create({ username, password, roles: [ADMIN_ROLE] });
      return true;
    } catch (error) {
      if (await this.users.anyWithRole(ADMIN_ROLE)) return false;
      throw error;
    }
  }
}

/** Creates `path` (replacing a file only when told to), readable by this user only, in a private directory if it must make one. */
async function writePrivateFile(path: string, content: string, replace: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  if (replace) await rm(path, { force: true });
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(path, { force: true });
    throw error;
  }
  await file.close();
}
