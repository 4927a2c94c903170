// The web app's JavaScript budget, checked on the production build (part of `npm test`): what a browser
// downloads before the feed route can paint (the entry chunk, the feed page's chunk and everything they
// import statically) must stay under 200 KB gzip.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 200;
const root = resolve(import.meta.dirname, '..', 'dist', 'web');
const manifest = JSON.parse(readFileSync(join(root, '.vite', 'manifest.json'), 'utf8'));

function closure(keys, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    closure(manifest[key].imports ?? [], seen);
  }
  return seen;
}

export function initialJs(routeModule) {
  const entry = 'index.html' in manifest ? 'index.html' : undefined;
  const route = Object.keys(manifest).find((k) => k.endsWith(routeModule));
  // The interface language is loaded before the first render: English counts.
  const language = Object.keys(manifest).find((k) => k.endsWith('locales/en/index.ts'));
  if (!entry || !route || !language) throw new Error(`no entry, language or chunk for ${routeModule} in the build manifest`);
  const files = [...closure([entry, route, language])].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
  const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(root, f)), { level: 9 }).length, 0);
  return { files, gzipKb: gzip / 1024 };
}

const feed = initialJs('pages/feed/HomeFeedPage.tsx');
const line = `web budget: feed route loads ${feed.gzipKb.toFixed(1)} KB of JavaScript (gzip) in ${feed.files.length} files; budget ${BUDGET_KB} KB`;
if (feed.gzipKb > BUDGET_KB) {
  console.error(`${line}: over budget`);
  process.exit(1);
}
console.log(line);
