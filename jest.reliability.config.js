// `npm run test:reliability`: the reliability scenarios (test/reliability/*.reliability-spec.ts), kept out of
// `npm test` and CI. Each file runs real server processes on a PostgreSQL cluster of its own (a copy of one
// built by the global setup with a small load fixture), so it can stop or freeze it. One file at a time: they
// measure latencies on a shared machine. docs/reliability.md says what each proves and what was measured.

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability-spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', require('./tools/swc-options.cjs')] },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@apollo|@as-integrations|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit)/)',
  ],
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  globalSetup: '<rootDir>/test/reliability/global-setup.ts',
  testTimeout: 300_000,
  maxWorkers: 1,
};
