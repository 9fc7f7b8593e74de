import { DynamicModule, Global, Inject, Module, type Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './app-config';

/**
 * What this process is: the server, or one operator command (cli.ts) run beside a live server
 * with the same environment. A command opens no port and starts no background work: no management
 * listener, no cleanup timer, no key rotation schedule, no cache subscription.
 */
export type ProcessRole = 'server' | 'command';

/** Injection token of the ProcessRole. */
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');

/** The injection token of one top-level setting of AppConfig (see InjectConfig). */
export function configToken(key: keyof AppConfig): string {
  return `config:${key}`;
}

/**
 * Injects the one slice of the configuration a class needs, typed `AppConfig[key]`:
 * `@InjectConfig('dpop') private readonly dpop: AppConfig['dpop']`. A class that names its slices
 * says what it depends on, and its spec builds only those.
 */
export const InjectConfig = (key: keyof AppConfig): PropertyDecorator & ParameterDecorator => Inject(configToken(key));

/**
 * Provides the validated AppConfig to every module: each top-level setting under its own token
 * (InjectConfig), the whole under APP_CONFIG for the composition roots, and the ProcessRole.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig, role: ProcessRole = 'server'): DynamicModule {
    // A factory, not useValue: an optional setting left unset is provided as undefined.
    const slices = (Object.keys(config) as (keyof AppConfig)[]).map((key) => ({ provide: configToken(key), useFactory: () => config[key] }) satisfies Provider);
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: PROCESS_ROLE, useValue: role }, ...slices],
      exports: [APP_CONFIG, PROCESS_ROLE, ...slices.map((slice) => slice.provide)],
    };
  }
}
