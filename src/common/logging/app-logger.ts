import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { currentRequestContext } from '../http/request-context';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest's console logger, as JSON lines (LOG_FORMAT=json, or `auto` when stdout is not a terminal)
 * or as text (colours only on a terminal, so files stay plain), with the request id of the request
 * being served added to each line.
 */
export class AppLogger extends ConsoleLogger {
  constructor(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, isTty = process.stdout.isTTY === true) {
    const json = config.logFormat === 'json' || (config.logFormat === 'auto' && !isTty);
    super({
      logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1),
      json,
      colors: !json && isTty,
      // Structured params (the access log's fields) at the top of the JSON object.
      flattenParams: true,
    });
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const object = super.getJsonLogObject(message, options);
    const requestId = currentRequestContext()?.requestId;
    return requestId && object.requestId === undefined ? { ...object, requestId } : object;
  }

  protected override formatContext(context: string): string {
    const requestId = currentRequestContext()?.requestId;
    return requestId ? `${super.formatContext(context)}[${requestId}] ` : super.formatContext(context);
  }
}
