import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
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
    const { username } = this.admin;
    if (await this.users.existsByUsername(username)) {
      this.logger.warn(`No administrator exists and the user "${username}" is taken: grant it the admin role through the database`);
      return;
    }
    const generated = this.admin.password === undefined;
    const password = this.admin.password ?? randomToken(18);
    try {
      await this.users.create({ username, password, roles: [ADMIN_ROLE] });
    } catch (error) {
      if (await this.users.anyWithRole(ADMIN_ROLE)) return;
      throw error;
    }
    if (generated) {
      // Printed this once, on the start that created the account; never again.
      this.logger.warn(`Created administrator "${username}" with the generated password: ${password}`);
    } else {
      this.logger.log(`Created administrator "${username}" (password from ADMIN_PASSWORD)`);
    }
  }
}
