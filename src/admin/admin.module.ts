import { SignInFactorsModule } from '../users/factors/sign-in-factors.module';
import { UserFactorsController } from './user-factors.controller';
import { AdminUserFactorsService } from './admin-user-factors.service';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { Module } from '@nestjs/common';
import { AuthorizeModule } from '../authorize/authorize.module';
import { ConsentModule } from '../consent/consent.module';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AdminUsersService } from './admin-users.service';
import { AdminGuard } from './admin.guard';
import { ApplicationsController } from './applications.controller';
import { AuditEventsController } from './audit-events.controller';
import { ApplicationsService } from './applications.service';
import { SettingsController } from './settings.controller';
import { TokensAdminController } from './tokens.controller';
import { UsersController } from './users.controller';
import { ImportExportController } from './migration/import-export.controller';
import { KeysModule } from '../keys/keys.module';
import { KeysAdminController } from './keys.controller';
import { ResourcesController } from './resources.controller';
import { ScopesController } from './scopes.controller';
import { ScopesModule } from '../scopes/scopes.module';
import { ImportService } from './migration/import.service';
import { AdminKeysService } from './admin-keys.service';
import { AdminResourcesService } from './admin-resources.service';
import { AdminScopesService } from './admin-scopes.service';
import { AdminTokensService } from './admin-tokens.service';
import { AdminSettingsService } from './admin-settings.service';

/**
 * The management REST API (/admin/**). A module of its own because it orchestrates clients,
 * users, consents and tokens together; inside those modules it would make them import each other.
 */
@Module({
  imports: [DatabaseModule, TokensModule, ConsentModule, AuthorizeModule, SettingsModule, KeysModule, ScopesModule, SignInFactorsModule],
  controllers: [
    ApplicationsController,
    UsersController,
    UserFactorsController,
    SettingsController,
    TokensAdminController,
    AuditEventsController,
    ImportExportController,
    KeysAdminController,
    ResourcesController,
    ScopesController,
  ],
  providers: [
    AdminUserFactorsService,
    AdminGuard,
    AdminBootstrapService,
    ApplicationsService,
    AdminUsersService,
    ImportService,
    AdminKeysService,
    AdminResourcesService,
    AdminScopesService,
    AdminSettingsService,
    AdminTokensService,
  ],
  exports: [ImportService, AdminUsersService, ApplicationsService, AdminGuard],
})
export class AdminModule {}
