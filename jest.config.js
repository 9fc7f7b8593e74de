/** Two projects: unit specs beside the code, end-to-end specs against the real app in test/. */
// Our TypeScript is compiled to CommonJS, as the app is built. ESM-only packages (NestJS 12, oauth4webapi)
// are loaded untransformed through jest's require(esm), which needs node --experimental-vm-modules
// (the `jest` script in package.json passes it).
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // Separate server processes on the running MariaDB: `npm run test:resilience` (builds first).
    { ...common, displayName: 'resilience', testMatch: ['<rootDir>/test/**/*.resilience-spec.ts'] },
    // Separate server processes on a three-node MariaDB Galera cluster it starts: `npm run test:cluster`.
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/test/**/*.cluster-spec.ts'] },
  ],
};
