import { MODULE_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config/app-config';

const MODULE_KEYS = Object.values(MODULE_METADATA);

function isNestModule(value: unknown): value is Type {
  return typeof value === 'function' && MODULE_KEYS.some((key) => Reflect.hasOwnMetadata(key, value));
}

function failure(entry: string, why: string): ConfigError {
  return new ConfigError(`Invalid environment variable EXTENSION_MODULES: cannot load "${entry}": ${why}`);
}

/**
 * The Nest modules EXTENSION_MODULES names, loaded with require(): a path (relative to the working
 * directory) or a package name (resolved from it), then `#ExportName` or every exported module.
 * What cannot be loaded is one line naming the variable, as any bad configuration is.
 */
export function loadExtensionModules(entries: readonly string[], cwd = process.cwd()): Type[] {
  return entries.flatMap((entry) => {
    const [specifier, exportName] = entry.split('#');
    const isPath = specifier.startsWith('.') || isAbsolute(specifier);
    let exported: Record<string, unknown>;
    try {
      const resolved = isPath ? resolve(cwd, specifier) : require.resolve(specifier, { paths: [cwd] });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- what the operator names is known only at run time
      exported = require(resolved) as Record<string, unknown>;
    } catch (error) {
      throw failure(entry, (error as Error).message.split('\n')[0]);
    }
    if (exportName !== undefined) {
      if (!isNestModule(exported[exportName])) throw failure(entry, `its export ${exportName} is not a Nest module`);
      return [exported[exportName]];
    }
    const modules = Object.values(exported).filter(isNestModule);
    if (modules.length === 0) throw failure(entry, 'it exports no Nest module');
    return modules;
  });
}
