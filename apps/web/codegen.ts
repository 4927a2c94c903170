// Operation types are generated from the committed schema (`npm run codegen`); `npm test` fails when
// apps/web/src/gql is stale (tools/codegen-check.mjs).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'apps/api/schema.gql',
  documents: ['apps/web/src/**/*.{ts,tsx}', '!apps/web/src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'apps/web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
    },
  },
};

export default config;
