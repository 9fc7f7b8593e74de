import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { currentRequestContext } from '../http/request-context';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

type LogConfig = Pick<AppConfig, 'logLevel' | 'logFormat'>;

/** JSON lines for LOG_FORMAT=json, and for `auto` unless stdout is a terminal. */
export function writesJson(config: LogConfig, isTty = process.stdout.isTTY === true): boolean {
  return config.logFormat === 'json' || (config.logFormat === 'auto' && !isTty);
}

export function logLevelEnabled(config: LogConfig, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(config.logLevel);
}

/**
 * Nest's console logger, as JSON lines (LOG_FORMAT=json, or `auto` when stdout is not a terminal)
 * or as text (colours only on a terminal, so files stay plain), with the request id of the request
 * being served added to each line.
 */
export class AppLogger extends ConsoleLogger {
  constructor(config: LogConfig, isTty = process.stdout.isTTY === true) {
    const json = writesJson(config, isTty);
    super({
      logLevels: LOG_LEVELS.filter((level) => logLevelEnabled(config, level)),
      json,
      colors: !json && isTty,
      // Structured params (the access log's fields) at the top of the JSON object.
      flattenParams: true,
    });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: Parameters<ConsoleLogger['getJsonLogObject']>[1],
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const object = super.getJsonLogObject(message, options);
    const requestId = currentRequestContext()?.requestId;
    return requestId && object.requestId === undefined ? { ...object, requestId } : object;
  }

  protected override formatContext(context: string): string {
    const requestId = currentRequestContext()?.requestId;
    return requestId ? `${super.formatContext(context)}[${requestId}] ` : super.formatContext(context);
  }
}
