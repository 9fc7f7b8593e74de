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

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    cycleRule('no-circular', 'module', 'No import cycle between files (it makes module load order matter and hides a missing seam).'),
    cycleRule(
      'no-circular-between-folders',
      'folder',
      'No cycle between folders under src/: if a imports b, nothing in b imports a (directly or through others).',
    ),
    {
      name: 'modules-do-not-import-the-bootstrap',
      severity: 'error',
      comment: 'The files at the root of src/ wire the modules together; a module importing them closes a cycle.',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'common-is-the-floor',
      severity: 'error',
      comment: 'src/common imports no feature module: only src/config.',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: ['^src/common/', '^src/config/'] },
    },
    {
      name: 'unit-of-work-imports-no-feature',
      severity: 'error',
      comment:
        'src/database/unit-of-work sits below every module that writes: it builds on the dialects and row helpers beside it, and names what it needs of a feature (the audit journal) as a contract that the feature provides.',
      from: { path: '^src/database/unit-of-work/' },
      to: { path: '^src/', pathNot: ['^src/database/unit-of-work/', '^src/database/dialects/', '^src/database/rows/', '^src/common/', '^src/config/'] },
    },
    {
      name: 'controllers-open-no-transactions',
      severity: 'error',
      comment: 'A controller parses, delegates and answers: services open units of work (and record their audit events), never a controller.',
      from: { path: '\\.controller\\.ts$' },
      to: { path: '^src/database/' },
    },
    {
      name: 'controllers-use-no-stores',
      severity: 'error',
      comment: 'A controller reaches stored data through services, never through the stores and statement builders that own the SQL.',
      from: { path: '\\.controller\\.ts$' },
      to: { path: ['^src/tokens/token-store\\.ts$', '\\.repository\\.ts$', '^src/common/database/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
