// Flat ESLint config for the whole workspace (`npm run lint` = `eslint .`).
//
// Layers: typescript-eslint "recommended" (syntactic only — no type information, so it stays fast),
// eslint-config-prettier (formatting is Prettier's job), and Nx module boundaries on two tag axes
// (type:* = what a project is, scope:* = which domain it belongs to). Tags live in each project.json.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier/flat';
import nx from '@nx/eslint-plugin/nx';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';

// @nx/enforce-module-boundaries only *reads* the cached project graph (.nx/workspace-data); on a fresh
// clone there is none and the rule silently skips itself ("No cached ProjectGraph is available"), and
// a stale one misses new projects or tags. So compute it here (~1 s, in-process: nx.json disables the
// daemon). If Nx cannot build the graph, this throws and lint fails instead of passing unchecked.
await createProjectGraphAsync({ exitOnError: false });

// Framework / infrastructure packages that pure code must not touch. Both the bare name and any
// subpath are listed: Nx matches bannedExternalImports against the full import specifier.
const withSubpaths = (...pkgs) => pkgs.flatMap((p) => [p, `${p}/*`]);
const NESTJS = ['@nestjs/*'];
const BANNED_IN_UTIL = [...NESTJS, ...withSubpaths('typeorm', 'pg', 'express')];
const BANNED_IN_POLICY = [...NESTJS, ...withSubpaths('typeorm', 'pg', 'socket.io', 'express')];

/**
 * @param {{ testing: boolean }} opts  testing=true for test code (specs, libs/testing): it may also
 *   use type:testing helpers. Production code never may.
 */
function depConstraints({ testing }) {
  const t = testing ? ['type:testing'] : [];
  const notTesting = testing ? {} : { notDependOnLibsWithTags: ['type:testing'] };
  return [
    // --- type axis: layering ---
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:policy', 'type:util', 'type:migrations', ...t],
      ...notTesting,
    },
    {
      sourceTag: 'type:feature',
      onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:policy', 'type:util', ...t],
      ...notTesting,
    },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:util', ...t], ...notTesting },
    {
      sourceTag: 'type:policy',
      onlyDependOnLibsWithTags: ['type:util', ...t],
      bannedExternalImports: BANNED_IN_POLICY,
      ...notTesting,
    },
    {
      sourceTag: 'type:util',
      onlyDependOnLibsWithTags: ['type:util', ...t],
      bannedExternalImports: BANNED_IN_UTIL,
      ...notTesting,
    },
    // Migrations are frozen history: no workspace libs, no packages but TypeORM (node: built-ins are fine).
    { sourceTag: 'type:migrations', onlyDependOnLibsWithTags: [], allowedExternalImports: withSubpaths('typeorm') },
    // The test harness builds its template database with the real migrations.
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:platform', 'type:util', 'type:feature', 'type:policy', 'type:migrations'],
    },
    // --- scope axis: domain isolation ---
    // The app composes every domain; each new domain scope is listed here explicitly (no wildcards).
    {
      sourceTag: 'scope:api',
      onlyDependOnLibsWithTags: [
        'scope:shared',
        'scope:identity',
        'scope:spaces',
        'scope:content',
        'scope:media',
        'scope:realtime',
        'scope:analytics',
      ],
    },
    { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:identity', 'scope:shared'] },
    // Spaces build on accounts and organizations (people, org roles); identity never reaches into spaces.
    { sourceTag: 'scope:spaces', onlyDependOnLibsWithTags: ['scope:spaces', 'scope:identity', 'scope:shared'] },
    // Content lives in spaces (their policy), shows people (identity) and images (media).
    {
      sourceTag: 'scope:content',
      onlyDependOnLibsWithTags: ['scope:content', 'scope:spaces', 'scope:identity', 'scope:media', 'scope:shared'],
    },
    // Realtime fans out the outbox to the people the space policy lets in; it never reaches into content.
    { sourceTag: 'scope:realtime', onlyDependOnLibsWithTags: ['scope:realtime', 'scope:spaces', 'scope:shared'] },
    // Analytics reads the stream and the domain tables in SQL; it authorizes organizations through identity and
    // spaces through the space policy.
    { sourceTag: 'scope:analytics', onlyDependOnLibsWithTags: ['scope:analytics', 'scope:spaces', 'scope:identity', 'scope:shared'] },
    // Media stores and serves images; content attaches them to posts (content depends on media, never back).
    { sourceTag: 'scope:media', onlyDependOnLibsWithTags: ['scope:media', 'scope:shared'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    // The web app talks to the server over HTTP and sockets only: no workspace library, no server package.
    {
      sourceTag: 'scope:web',
      onlyDependOnLibsWithTags: [],
      bannedExternalImports: [...NESTJS, ...withSubpaths('typeorm', 'pg', 'express', 'socket.io', 'sharp', 'pino')],
    },
  ];
}

const boundaries = (testing) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: depConstraints({ testing }),
  },
];

const TEST_FILES = ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**', 'libs/testing/**'];

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.data/', '.nx/', 'coverage/', 'test-output/', 'apps/web/src/gql/']),

  tseslint.configs.recommended,

  // Workspace-wide rules.
  {
    plugins: { '@nx': nx },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Boundaries for test code; tightened for production code in the next block.
      '@nx/enforce-module-boundaries': boundaries(true),
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Do not read process.env here: inject the typed AppConfig from @ruche/config. Only libs/platform/config, ' +
            'apps/*/src/main.ts, apps/*/src/migrate.ts, apps/*/src/seed-demo.ts, apps/*/src/analytics-rebuild.ts, test/, libs/testing/, tools/ and bench/ may read the environment.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['process', 'node:process'].map((name) => ({
            name,
            importNames: ['env'],
            message: 'Do not read the environment here: inject the typed AppConfig from @ruche/config.',
          })),
        },
      ],
    },
  },

  // Production code must never depend on type:testing.
  {
    ignores: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries(false) },
  },

  // Root end-to-end tests are not an Nx project: they may import anything.
  {
    files: ['test/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },

  // Test helpers describe loosely-typed GraphQL/HTTP JSON bodies; `any` there is a convenience, not a bug.
  // Production code keeps no-explicit-any.
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // The few places allowed to read the environment.
  {
    files: [
      'libs/platform/config/**',
      'apps/*/src/main.ts',
      'apps/*/src/migrate.ts',
      'apps/*/src/seed-demo.ts',
      'apps/*/src/analytics-rebuild.ts',
      'apps/web/vite.config.mts',
      'test/**',
      'libs/testing/**',
      'tools/**',
      'bench/**',
    ],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-imports': 'off' },
  },

  // The web app's service worker runs in the browser.
  {
    files: ['apps/web/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { self: 'readonly', caches: 'readonly', location: 'readonly', fetch: 'readonly' } },
  },

  // CommonJS JavaScript (package.json has "type": "commonjs"), e.g. jest.config.js.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // Last: switch off every stylistic rule Prettier owns.
  prettier,
);
