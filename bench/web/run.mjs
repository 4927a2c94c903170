// `npm run bench:web`: the demo feed loaded in Debian's chromium, against a baseline measured in the same
// run, interleaved: the same first page of posts as a static HTML page from a bare node:http server (no
// JavaScript, no API). Reports time to the first post painted, JavaScript transferred and their ratio.
// Options: --rounds N (default 10), --width W (default 375).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 10);
const WIDTH = arg('width', 375);
const log = (m) => process.stderr.write(`${m}\n`);

const freePort = () =>
  new Promise((ok) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const dataDir = mkdtempSync(join(tmpdir(), 'ruche-bench-web-'));
const [port, pgPort, barePort] = [await freePort(), await freePort(), await freePort()];
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(pgPort),
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  LOG_LEVEL: 'warn',
};
delete env.DATABASE_URL;

log('seeding the demo organization (embedded PostgreSQL in a temporary folder)…');
execFileSync(process.execPath, ['dist/apps/api/src/seed-demo.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });

log('starting Ruche…');
const server = spawn(process.execPath, ['dist/apps/api/src/main.js'], { cwd: root, env: { ...env, LOG_LEVEL: 'info' } });
await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', (c) => {
    out += c;
    if (out.includes('Ruche is ready')) ok();
  });
  server.once('exit', (code) => fail(new Error(`Ruche exited with ${code}`)));
});
const base = `http://127.0.0.1:${port}`;

async function gql(query, variables, headers = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { body: await res.json(), res };
}

const EMAIL = 'julien.petit@demo.ruche.test';
const PASSWORD = 'ruche-demo-password';
const signIn = `mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }`;

// The baseline page: the employee's first feed page, as plain server-rendered HTML.
const { body } = await gql(signIn, { input: { email: EMAIL, password: PASSWORD } });
const token = body.data.signIn.accessToken;
const feed = await gql(`{ feed(first: 20) { edges { node { id title bodyHtml author { displayName } } } } }`, {}, {
  authorization: `Bearer ${token}`,
});
const posts = feed.body.data.feed.edges.map((e) => e.node);
const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const bareHtml =
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>Feed</title></head><body><main>` +
  posts.map((p) => `<article><h2>${esc(p.title)}</h2><p>${esc(p.author?.displayName ?? '')}</p>${p.bodyHtml}</article>`).join('') +
  `</main></body></html>`;
const bare = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(bareHtml);
}).listen(barePort, '127.0.0.1');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Time from navigation start until the first <article> is in the DOM and a frame was painted after it.
const FIRST_POST = () =>
  new Promise((ok) => {
    const done = () => requestAnimationFrame(() => setTimeout(() => ok(performance.now()), 0));
    if (document.querySelector('article')) return done();
    new MutationObserver((_, obs) => {
      if (document.querySelector('article')) {
        obs.disconnect();
        done();
      }
    }).observe(document, { childList: true, subtree: true });
  });

async function loadRuche() {
  // A signed-in browser: the refresh cookie the server sets for the web app, nothing cached.
  const { res } = await gql(signIn, { input: { email: EMAIL, password: PASSWORD } }, { 'x-ruche-session': 'cookie' });
  const cookie = res.headers.get('set-cookie').split(';')[0].split('=');
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 }, baseURL: base });
  await context.addCookies([{ name: cookie[0], value: cookie[1], url: `${base}/graphql`, httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  const graphqlRequests = [];
  page.on('request', (r) => r.url().endsWith('/graphql') && graphqlRequests.push(r.postDataJSON()?.operationName));
  await page.goto('/', { waitUntil: 'commit' });
  const ms = await page.evaluate(FIRST_POST);
  const js = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
      .reduce((sum, e) => sum + e.transferSize, 0),
  );
  await context.close();
  return { ms, js, requests: graphqlRequests };
}

async function loadBare() {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${barePort}/`, { waitUntil: 'commit' });
  const ms = await page.evaluate(FIRST_POST);
  await context.close();
  return { ms, js: 0 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ruche = [];
const baseline = [];
const ratios = [];
await loadRuche(); // warm the server's caches and the database once; not counted
for (let i = 0; i < ROUNDS; i++) {
  // Rotate the order each round so neither side always goes first.
  const pair = i % 2 ? [await loadBare(), await loadRuche()] : [await loadRuche(), await loadBare()].reverse();
  const [b, r] = pair;
  baseline.push(b.ms);
  ruche.push(r);
  ratios.push(r.ms / b.ms);
  log(`round ${i + 1}/${ROUNDS}: Ruche ${r.ms.toFixed(0)} ms, bare ${b.ms.toFixed(0)} ms`);
}

const apiCalls = ruche.at(-1).requests;
console.log(`| ${WIDTH} px, ${ROUNDS} rounds | first post painted (median) | JS transferred |`);
console.log(`| --- | --- | --- |`);
console.log(`| bare HTML (baseline) | ${median(baseline).toFixed(0)} ms | 0 KB |`);
console.log(`| Ruche feed | ${median(ruche.map((r) => r.ms)).toFixed(0)} ms | ${(median(ruche.map((r) => r.js)) / 1024).toFixed(1)} KB |`);
console.log(`| ratio Ruche / bare (median of per-round ratios) | ${median(ratios).toFixed(2)} × | |`);
console.log(`\nGraphQL requests before the first post: ${apiCalls.join(', ')}`);

await browser.close();
bare.close();
server.kill('SIGTERM');
await new Promise((ok) => server.once('exit', ok));
rmSync(dataDir, { recursive: true, force: true });
