// Compiles apps/, libs/ and migrations/ to CommonJS in dist/ with SWC (fast; `npm run typecheck` does types).
import { transformFile } from '@swc/core';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist');
const require = createRequire(import.meta.url);
const swcOptions = require('./swc-options.cjs');

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // apps/web is built by Vite (npm run build:web), not by SWC.
    if (entry.isDirectory()) {
      if (path !== join(root, 'apps/web')) yield* sources(path);
    }
    else if (entry.name.endsWith('.ts') && !/\.(spec|e2e-spec|int-spec|d)\.ts$/.test(entry.name)) yield path;
  }
}

// dist/web (the Vite build) is left alone: it has its own step.
for (const top of ['apps', 'libs', 'migrations']) await rm(join(out, top), { recursive: true, force: true });
let count = 0;
for (const top of ['apps', 'libs', 'migrations']) {
  for await (const file of sources(join(root, top))) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, { ...swcOptions, filename: file, outputPath: target });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map`);
    if (map) await writeFile(`${target}.map`, map);
    count++;
  }
}
console.log(`built ${count} files into dist/`);
