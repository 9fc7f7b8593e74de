import type { DynamicModule, Type } from '@nestjs/common';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';

/** The tables a module outside src/ brings: its entities and the migrations that create them. */
export interface ExtensionSchema {
  /** Classes marked with TypeORM's @Entity(). */
  readonly entities?: readonly Type[];
  readonly migrations?: readonly (new () => MigrationInterface)[];
}

const SCHEMA = Symbol('extension schema');

/**
 * Declares on an extension's Nest module the entities and migrations it adds. The DataSource is
 * built before any provider exists, so this is read from the module class itself (AppModule).
 * Migrations run at start with the built-in ones, in the order of their timestamps.
 */
export function WithSchema(schema: ExtensionSchema): ClassDecorator {
  return (target) => Reflect.defineMetadata(SCHEMA, schema, target);
}

/** Every entity and migration the given modules declared with @WithSchema(). */
export function schemaOf(modules: readonly (Type | DynamicModule)[]): Required<ExtensionSchema> {
  const schemas = modules.map((m) => Reflect.getMetadata(SCHEMA, 'module' in m ? m.module : m) as ExtensionSchema | undefined);
  return {
    entities: schemas.flatMap((s) => s?.entities ?? []),
    migrations: schemas.flatMap((s) => s?.migrations ?? []),
  };
}

/**
 * `options` with the entities and migrations the given modules declared added to the built-in
 * ones: the server (AppModule) and the TypeORM CLI (ormconfig.ts) migrate the same schema.
 */
export function withExtensionSchemas<T extends DataSourceOptions>(options: T, modules: readonly (Type | DynamicModule)[]): T {
  const schema = schemaOf(modules);
  return {
    ...options,
    entities: [...((options.entities ?? []) as Type[]), ...schema.entities],
    migrations: [...((options.migrations ?? []) as Type[]), ...schema.migrations],
  };
}
