/**
 * Dependency rules of src/ (`npm run lint:deps`, run by CI): arrows point one way.
 * A folder under src/ is a NestJS module; `common/` is the floor and the bootstrap files at the root
 * of src/ (main.ts, app.module.ts, app.setup.ts, cli.ts) sit on top. Type-only imports count
 * (tsPreCompilationDeps), since a type import is a design dependency even if it compiles away.
 */

/** Forbids cycles among files (`module`) or among the folders that hold them (`folder`). */
function cycleRule(name, scope, comment) {
  return { name, severity: 'error', comment, scope, from: { path: '^src/' }, to: { circular: true } };
}

/** An error-level rule: files matching `from` may not import files matching `to`. */
function forbid(name, comment, from, to) {
  return { name, severity: 'error', comment, from, to };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    cycleRule('no-circular', 'module', 'No import cycle between files (it makes module load order matter and hides a missing seam).'),
    cycleRule(
      'no-circular-between-folders',
      'folder',
      'No cycle between folders under src/: if a imports b, nothing in b imports a (directly or through others).',
    ),
    forbid(
      'modules-do-not-import-the-bootstrap',
      'The files at the root of src/ wire the modules together; a module importing them closes a cycle.',
      { path: '^src/[^/]+/' },
      { path: '^src/[^/]+\\.ts$' },
    ),
    forbid(
      'common-is-the-floor',
      'src/common imports no feature module: only src/config.',
      { path: '^src/common/' },
      { path: '^src/', pathNot: ['^src/common/', '^src/config/'] },
    ),
    forbid(
      'unit-of-work-imports-no-feature',
      'src/database/unit-of-work sits below every module that writes: it builds on the dialects and row helpers beside it, and names what it needs of a feature (the audit journal) as a contract that the feature provides.',
      { path: '^src/database/unit-of-work/' },
      { path: '^src/', pathNot: ['^src/database/unit-of-work/', '^src/database/dialects/', '^src/database/rows/', '^src/common/', '^src/config/'] },
    ),
    forbid(
      'controllers-open-no-transactions',
      'A controller parses, delegates and answers: services open units of work (and record their audit events), never a controller.',
      { path: '\\.controller\\.ts$' },
      { path: '^src/database/' },
    ),
    forbid(
      'controllers-use-no-stores',
      'A controller reaches stored data through services, never through the repositories, stores and statement builders that own the SQL.',
      { path: '\\.controller\\.ts$' },
      { path: ['^src/tokens/token-store\\.ts$', '\\.repository\\.ts$', '^src/common/database/'] },
    ),
    forbid(
      'only-repositories-use-typeorm',
      'TypeORM (Repository, DataSource, EntityManager, find operators) is for src/database, the repositories, entities (their decorators) and modules (TypeOrmModule.forFeature): a service reaches its table through its repository, so a spec can hand it an in-memory fake. The module is matched, not the names imported: a type-only import counts too.',
      {
        path: '^src/',
        pathNot: ['^src/database/', '^src/common/database/', '\\.repository\\.ts$', '\\.entity\\.ts$', '\\.module\\.ts$', '^src/[^/]+/migrations/'],
      },
      { path: '(^|/)node_modules/(typeorm|@nestjs/typeorm)/' },
    ),
    forbid(
      'only-the-database-module-uses-drivers',
      'Nothing outside src/database knows which database it runs on: the drivers are reached through TypeORM and the dialects.',
      { path: '^src/', pathNot: '^src/database/' },
      { path: '(^|/)node_modules/(mysql2|pg|better-sqlite3)/' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // src/, and the persistence packages whose importers the rules above restrict.
    includeOnly: ['^src/', '(^|/)node_modules/(typeorm|@nestjs/typeorm|mysql2|pg|better-sqlite3)/'],
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
