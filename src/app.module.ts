import { DynamicModule, Module, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { CacheModule } from './cache/cache.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { SecurityModule } from './security/security.module';
import { loadExtensionModules } from './app.extensions';
import { AppConfig } from './config/app-config';
import { AppConfigModule, ProcessRole } from './config/config.module';
import { ClientsModule } from './clients/clients.module';
import { AuthorizeModule } from './authorize/authorize.module';
import { ConsentModule } from './consent/consent.module';
import { dataSourceOptions } from './database/data-source.options';
import { initializeMigrated } from './database/migration-lease';
import { withExtensionSchemas } from './database/extensions/extension-schema';
import { DiscoveryMetadataModule } from './discovery/discovery.module';
import { HealthModule } from './health/health.module';
import { ManagementModule } from './management/management.module';
import { MetricsModule } from './metrics/metrics.module';
import { PkceModule } from './pkce/pkce.module';
import { RegistrationModule } from './registration/registration.module';
import { SettingsModule } from './settings/settings.module';
import { TokenExchangeModule } from './tokens/token-exchange.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';
import { FederationModule } from './federation/federation.module';
import { DeviceAuthorizationModule } from './device/device-authorization.module';
import { UpstreamFederationModule } from './federation/upstream-federation.module';
import { SignInFactorsModule } from './users/factors/sign-in-factors.module';

@Module({})
export class AppModule {
  /**
   * The modules EXTENSION_MODULES names come last, then `extraModules` (a test's own), e.g. one with
   * its own grant strategy or client authentication method.
   * A `command` (cli.ts) leaves out what only a server runs: the management port and the cleanup timer.
   */
  static forRoot(config: AppConfig, extraModules: Type[] = [], role: ProcessRole = 'server'): DynamicModule {
    // The device grant is built like an outside module (src/device/), loaded first among them.
    const builtIn = config.device.enabled ? [DeviceAuthorizationModule] : [];
    const extensions = [...builtIn, ...loadExtensionModules(config.extensionModules), ...extraModules];
    // Built-in modules that own their tables (@WithSchema) migrate as extensions do.
    const options = withExtensionSchemas(dataSourceOptions(config), [UpstreamFederationModule, SignInFactorsModule, ...extensions]);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config, role),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...options,
            // Run below, one instance at a time.
            migrationsRun: false,
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: (dataSourceOptions) => initializeMigrated(dataSourceOptions!),
        }),
        MetricsModule,
        CacheModule,
        AuditModule,
        SecurityModule,
        SettingsModule,
        ClientsModule,
        UsersModule,
        PkceModule,
        TokensModule,
        TokenExchangeModule,
        ConsentModule,
        AuthorizeModule,
        DiscoveryMetadataModule,
        AdminModule,
        FederationModule,
        UpstreamFederationModule,
        RegistrationModule,
        ...(role === 'server' ? [MaintenanceModule] : []),
        HealthModule,
        ...(role === 'server' ? [ManagementModule] : []),
        ...extensions,
      ],
    };
  }
}
