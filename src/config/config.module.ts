import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './app-config';

/**
 * What this process is: the server, or one operator command (cli.ts) run beside a live server
 * with the same environment. A command opens no port and starts no background work: no management
 * listener, no cleanup timer, no key rotation schedule, no cache subscription.
 */
export type ProcessRole = 'server' | 'command';

/** Injection token of the ProcessRole. */
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');

/** Provides the validated AppConfig to every module under the APP_CONFIG token, and the ProcessRole. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig, role: ProcessRole = 'server'): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: PROCESS_ROLE, useValue: role },
      ],
      exports: [APP_CONFIG, PROCESS_ROLE],
    };
  }
}
