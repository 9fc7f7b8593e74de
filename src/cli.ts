#!/usr/bin/env node
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConsoleLogger, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImportDocumentDto } from './admin/dto/import.dto';
import { ImportService } from './admin/migration/import.service';
import { AppModule } from './app.module';
import { AuditService } from './audit/audit.service';
import { randomToken } from './common/crypto/tokens';
import { fieldErrors } from './common/http/validation';
import { OAuthError } from './common/oauth/oauth-error';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { LoginSessionService } from './authorize/login-session.service';
import { UsersService } from './users/users.service';

const USAGE = `usage: oauth-server <command>   (npm run cli -- <command>)
  import FILE [--dry-run]   import applications, users and settings (the POST /admin/import document)
  export                    print every application, user and settings as an import document (no secrets)
  reset-admin-password      give the administrator (ADMIN_USERNAME, default admin) a new password, printed once
The database and Redis come from the same environment variables as the server.`;

class UsageError extends Error {}

/** Errors and warnings, all on stderr: stdout carries the command's output (an export is piped to a file). */
class CommandLogger extends ConsoleLogger {
  constructor() {
    super({ logLevels: ['error', 'warn'] });
  }

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}

/**
 * The application without its server side (role `command`): it runs beside a live server with the
 * same environment, so it opens no port (MANAGEMENT_PORT included) and starts no timer or
 * subscription; once closed, nothing keeps the process alive. Warnings reach stderr: the first
 * command on an empty database creates the administrator and names the file that holds its
 * generated password (ADMIN_PASSWORD_FILE).
 */
async function withApp<T>(config: AppConfig, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, [], 'command'), { logger: new CommandLogger() });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** The same validation as POST /admin/import: unknown fields are errors, every bad entry is listed. */
async function readImportFile(path: string): Promise<ImportDocumentDto> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const document = plainToInstance(ImportDocumentDto, parsed);
  const errors = await validate(document, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new OAuthError('invalid_request', 'the import file is invalid; nothing was written', { details: fieldErrors(errors) });
  return document;
}

async function run(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'import': {
      const file = args.find((a) => !a.startsWith('--'));
      const unknown = args.filter((a) => a.startsWith('--') && a !== '--dry-run');
      if (!file || unknown.length > 0) throw new UsageError(USAGE);
      const document = await readImportFile(file);
      const result = await withApp(config, (app) => app.get(ImportService).import(document, args.includes('--dry-run')));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    case 'export': {
      const document = await withApp(config, (app) => app.get(ImportService).export());
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return;
    }
    case 'reset-admin-password': {
      const password = randomToken(18);
      await withApp(config, async (app) => {
        const username = config.admin.username;
        const users = app.get(UsersService);
        const admin = await users.findByUsername(username);
        if (!admin) throw new UsageError(`no user named "${username}" (set ADMIN_USERNAME to the administrator's username)`);
        await users.update(admin.id, { password, enabled: true });
        await app.get(LoginSessionService).endAllForUser(admin.id);
        await app
          .get(AuditService)
          .record({ type: 'admin.user.updated', subject: admin.id, detail: { fields: 'password enabled', via: 'cli reset-admin-password' } });
      });
      // The file of a generated first password no longer holds the administrator's password.
      const initial = resolve(config.admin.passwordFile);
      const stale = existsSync(initial);
      if (stale) rmSync(initial, { force: true });
      process.stdout.write(`New password of the administrator: ${password}\nIt is shown once; the administrator's browser sessions were ended.\n`);
      if (stale) process.stdout.write(`${initial}, which held the generated first password, is deleted.\n`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

run(process.argv.slice(2)).then(
  // No process.exit: the process ends when its work is done, which proves none is left running.
  () => undefined,
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof OAuthError) {
      const details = (error.details ?? []).map((d) => `${d.field}: ${d.messages.join('; ')}`);
      console.error([error.description ?? error.code, ...details].join('\n'));
      process.exit(1);
    }
    console.error(`failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
