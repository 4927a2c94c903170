// One Jest run for unit tests (*.spec.ts, next to the code) and end-to-end tests (*.e2e-spec.ts) against real
// PostgreSQL: DATABASE_URL's server when set, otherwise an embedded one started by the global setup.

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/migrations', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', require('./tools/swc-options.cjs')] },
  // NestJS 12, Apollo 5 and file-type (with the packages it imports) ship ESM only; Jest on Node 20 cannot
  // require() them untransformed.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@apollo|@as-integrations|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit)/)',
  ],
  // file-type's exports offer only `import` and `module-sync` conditions, which Jest's resolver does not try.
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
