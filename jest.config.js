/** Two projects: unit specs beside the code, end-to-end specs against the real app in test/. */
// oauth4webapi ships ESM only; ts-jest turns it into CommonJS for the jest runtime.
const esmOnly = ['oauth4webapi'];
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // Separate server processes on the running MariaDB: `npm run test:resilience` (builds first).
    { ...common, displayName: 'resilience', testMatch: ['<rootDir>/test/**/*.resilience-spec.ts'] },
  ],
};
