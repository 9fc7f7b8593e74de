import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExtensionModules } from './app.extensions';
import { ConfigError, loadConfig } from './config/app-config';

/** A CommonJS file exporting one Nest module (what @Module() writes) and one plain class. */
function extensionFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'extension-'));
  writeFileSync(
    join(dir, 'extension.js'),
    `class ExampleModule {}
     Reflect.defineMetadata('providers', [], ExampleModule);
     class NotAModule {}
     module.exports = { ExampleModule, NotAModule };`,
  );
  return { dir, file: join(dir, 'extension.js') };
}

describe('loadExtensionModules', () => {
  it('loads every Nest module a file exports, by a path relative to the working directory', () => {
    const { dir } = extensionFile();
    expect(loadExtensionModules(['./extension.js'], dir).map((m) => m.name)).toEqual(['ExampleModule']);
  });

  it('loads the one export named after #', () => {
    const { file } = extensionFile();
    expect(loadExtensionModules([`${file}#ExampleModule`]).map((m) => m.name)).toEqual(['ExampleModule']);
  });

  it.each([
    ['a missing file', './nothing-here.js', /cannot load "\.\/nothing-here\.js": Cannot find module/],
    ['an export that is not a Nest module', './extension.js#NotAModule', /its export NotAModule is not a Nest module/],
  ])('refuses %s with one line naming EXTENSION_MODULES', (_name, entry, message) => {
    const { dir } = extensionFile();
    expect(() => loadExtensionModules([entry], dir)).toThrow(ConfigError);
    expect(() => loadExtensionModules([entry], dir)).toThrow(message);
    expect(() => loadExtensionModules([entry], dir)).toThrow(/^Invalid environment variable EXTENSION_MODULES: [^\n]*$/);
  });

  it('resolves a package name from the working directory, and refuses one that exports no Nest module', () => {
    expect(() => loadExtensionModules(['class-validator'], join(__dirname, '..'))).toThrow('cannot load "class-validator": it exports no Nest module');
  });
});

describe('EXTENSION_MODULES', () => {
  it('is a comma-separated list of paths or package names, each optionally #ExportName', () => {
    expect(loadConfig({}).extensionModules).toEqual([]);
    expect(loadConfig({ EXTENSION_MODULES: './dist/a.js, @acme/oauth-device#DeviceModule' }).extensionModules).toEqual([
      './dist/a.js',
      '@acme/oauth-device#DeviceModule',
    ]);
  });

  it.each(['a.js,,b.js', 'a.js#1bad', 'a b.js'])('refuses %j with one line naming the variable', (value) => {
    expect(() => loadConfig({ EXTENSION_MODULES: value })).toThrow(/^Invalid environment variable EXTENSION_MODULES=[^\n]*$/);
  });
});
