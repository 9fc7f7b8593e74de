import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadExtensionModules } from './src/app.extensions';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source.options';
import { withExtensionSchemas } from './src/database/extensions/extension-schema';
import { UpstreamFederationModule } from './src/federation/upstream-federation.module';
import { SignInFactorsModule } from './src/users/factors/sign-in-factors.module';

/**
 * For the TypeORM CLI (`npm run typeorm -- migration:run`): the same options as the app, with the
 * migrations of the modules EXTENSION_MODULES names.
 */
const config = loadConfig(process.env);
export default new DataSource(
  withExtensionSchemas(dataSourceOptions(config), [UpstreamFederationModule, SignInFactorsModule, ...loadExtensionModules(config.extensionModules)]),
);
