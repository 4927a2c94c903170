// Fails when apps/web/src/gql (generated from apps/api/schema.gql and the web app's operations) is stale:
// run `npm run codegen` and commit the result.
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const { config } = await loadCodegenConfig({ configFilePath: join(root, 'apps/web/codegen.ts') });
const outputs = await generate({ ...config, silent: true }, false);
const outDir = join(root, 'apps/web/src/gql');
const expected = new Map(outputs.map((o) => [resolve(root, o.filename), o.content]));
const stale = [];
for (const [file, content] of expected) {
  if (!existsSync(file) || readFileSync(file, 'utf8') !== content) stale.push(relative(root, file));
}
const onDisk = existsSync(outDir) ? readdirSync(outDir).map((f) => join(outDir, f)) : [];
for (const file of onDisk) if (!expected.has(file)) stale.push(`${relative(root, file)} (not generated any more)`);
if (stale.length) {
  console.error(`Generated GraphQL client code is stale: ${stale.join(', ')}\nRun \`npm run codegen\` and commit.`);
  process.exit(1);
}
console.log(`codegen: ${expected.size} generated files up to date`);
