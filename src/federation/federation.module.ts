import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from '../admin/admin.module';
import { AdminGuard } from '../admin/admin.guard';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { KeysModule } from '../keys/keys.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { DirectoriesController } from './directories.controller';
import { DirectoriesService } from './directories.service';
import { DirectoryPasswordSealer } from './directory-password-sealer';
import { DirectorySyncScheduler } from './directory-sync.scheduler';
import { FederatedAccountsService } from './federated-accounts.service';
import { FederatedUserEntity } from './federated-user.entity';
import { FederationRepository } from './federation.repository';
import { LdapDirectoryEntity } from './ldap-directory.entity';
import { LdapUserDirectory } from './ldap-user-directory';

/**
 * LDAP / Active Directory user federation: directories managed at /admin/directories, their users
 * signing in with their directory password wherever a password is checked (LoginService).
 */
@Module({
  imports: [TypeOrmModule.forFeature([LdapDirectoryEntity, FederatedUserEntity]), DatabaseModule, UsersModule, KeysModule, AdminModule, TokensModule],
  controllers: [DirectoriesController],
  providers: [
    AdminGuard,
    FederationRepository,
    DirectoryPasswordSealer,
    FederatedAccountsService,
    LdapUserDirectory,
    DirectoriesService,
    DirectorySyncScheduler,
  ],
})
export class FederationModule {}
