// `npm run bench:realtime`: Ruche's realtime path (commit → outbox → relay → socket.io room) against a bare
// socket.io broadcast, both measured in the same run, interleaved. See BENCHMARKS.md for what is measured and
// how to read it. Options: --sizes 1000,5000 --posts 200 --pairs 3 --rate 10 --client-processes 2 --no-redis
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERE = join(ROOT, 'bench', 'realtime');
const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const require = createRequire(import.meta.url);
const { startEmbeddedPostgres } = require(join(ROOT, 'dist/libs/platform/database/src/embedded-postgres.js'));
const { toGlobalId } = require(join(ROOT, 'dist/libs/shared/kernel/src/global-id.js'));
const { freePort, redisAnswers, withDatabase } = require(join(ROOT, 'dist/libs/testing/src/index.js'));

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    posts: { type: 'string', default: '200' },
    pairs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '10' },
    'client-processes': { type: 'string', default: '2' },
    'no-redis': { type: 'boolean', default: false },
    /** Which servers to measure: bare, pg, redis, and bare-pg (bare socket.io on the PostgreSQL adapter). */
    servers: { type: 'string', default: 'bare,pg,redis' },
    /** Extra Node flags for the measured servers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
    'server-flags': { type: 'string', default: '' },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const POSTS = Number(args.posts);
const PAIRS = Number(args.pairs);
const INTERVAL_MS = 1000 / Number(args.rate);
const CLIENT_PROCESSES = Number(args['client-processes']);
const SERVERS = args.servers.split(',');
const SERVER_FLAGS = args['server-flags'].split(' ').filter(Boolean);
const WARMUP = 20;
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const APP_PASSWORD = 'bench-app-role-password';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------------
// processes

/** A child with an IPC channel; `ask` sends a message and resolves with the first reply that has `key`. */
function withIpc(child, name) {
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const ask = (message, key, match = () => true, timeoutMs = 600_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no '${key}' reply\n${output}`)), timeoutMs);
      const onMessage = (reply) => {
        if (reply?.[key] === undefined || !match(reply)) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  const ready = (text) =>
    new Promise((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes(text)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(check);
        reject(new Error(`${name} exited with ${code}:\n${output}`));
      });
    });
  return { child, name, ask, ready, pid: child.pid };
}

function startServer(name, script, scriptArgs, env) {
  const { DATABASE_URL: _owner, REDIS_URL: _redis, ...parentEnv } = process.env;
  const child = spawn(
    process.execPath,
    [...SERVER_FLAGS, '--expose-gc', '--require', join(HERE, 'probe.cjs'), script, ...scriptArgs],
    {
      cwd: ROOT,
      env: { ...parentEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  return withIpc(child, name);
}

function startClients(name) {
  return withIpc(fork(join(HERE, 'clients.mjs'), [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }), name);
}

// ---------------------------------------------------------------------------------------------------------
// the three servers

/** One Ruche process (`npm start`'s shape: API, relay and gateway) on its own database. */
async function startRuche(name, adminUrl, redisUrl) {
  const database = `ruche_bench_${name.replace(/\W/g, '_')}`;
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${database}`);
  });
  const ownerUrl = withDatabase(adminUrl, database);
  const port = await freePort();
  const server = startServer(name, MAIN, [], {
    PORT: String(port),
    DATABASE_URL: ownerUrl,
    DATABASE_APP_PASSWORD: APP_PASSWORD,
    JWT_SECRET,
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    AUTH_THROTTLE_PER_MINUTE: '100000',
    // Thousands of clients connect from this one address within a minute.
    RATE_LIMIT_SOCKETS: '100000/100000',
    DIGEST_INTERVAL_MINUTES: '0',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ruche-bench-')),
    LOG_LEVEL: 'info',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  await server.ready('Ruche is ready');

  const gql = async (query, variables, token) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const { signUp } = await gql('mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }', {
    i: { email: 'bench@example.test', password: 'a long enough password', displayName: 'Bench' },
  });
  const token = signUp.accessToken;
  const { createOrganization } = await gql(
    'mutation { createOrganization(input: { name: "Bench" }) { organization { id } } }',
    {},
    token,
  );
  const { createSpace } = await gql(
    'mutation($o: ID!) { createSpace(input: { organizationId: $o, name: "Live", kind: INTERNAL, visibility: OPEN }) { space { id } } }',
    { o: createOrganization.organization.id },
    token,
  );
  // A few connections: on a loaded machine a commit can take longer than the interval between posts.
  const writer = new pg.Pool({ connectionString: ownerUrl, max: 4 });
  const [space] = (await writer.query('SELECT id, organization_id, created_by FROM spaces')).rows;

  return {
    ...server,
    label: redisUrl ? 'Ruche, Redis adapter' : 'Ruche, PostgreSQL adapter',
    url: `http://127.0.0.1:${port}`,
    connectOptions: { token, spaceId: createSpace.space.id },
    /** A post committed as the app would write it; the event comes from the outbox trigger. */
    async broadcast(i) {
      const title = `Benchmark post ${i}`;
      const { rows } = await writer.query(
        `INSERT INTO posts (organization_id, space_id, author_id, author_is_customer, kind, title, body, body_html,
                            hot_rank, created_at, updated_at)
         VALUES ($1, $2, $3, false, 'DISCUSSION', $4, $4, $5, 0, now(), now()) RETURNING id`,
        [space.organization_id, space.id, space.created_by, title, `<p>${title}</p>`],
      );
      return { id: toGlobalId('Post', rows[0].id), t0: now() }; // t0: COMMIT has returned
    },
    async stop() {
      await writer.end();
      server.child.kill('SIGTERM');
      await onceExit(server.child);
    },
  };
}

/** A database with the PostgreSQL adapter's table, for the bare server with that adapter. */
async function adapterDatabase(adminUrl) {
  await withClient(adminUrl, async (c) => {
    await c.query('DROP DATABASE IF EXISTS ruche_bench_bare_pg WITH (FORCE)');
    await c.query('CREATE DATABASE ruche_bench_bare_pg');
  });
  const url = withDatabase(adminUrl, 'ruche_bench_bare_pg');
  await withClient(url, (c) =>
    c.query(
      'CREATE TABLE socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT now(), payload bytea)',
    ),
  );
  return url;
}

async function startBare(adapterUrl) {
  const port = await freePort();
  const env = { PORT: String(port), ...(adapterUrl ? { ADAPTER_DATABASE_URL: adapterUrl } : {}) };
  const server = startServer(adapterUrl ? 'bare-pg' : 'bare', join(HERE, 'bare-server.cjs'), [], env);
  await server.ready('bare socket.io is ready');
  return {
    ...server,
    label: adapterUrl ? 'bare socket.io, PostgreSQL adapter' : 'bare socket.io',
    url: `http://127.0.0.1:${port}`,
    connectOptions: {},
    async broadcast() {
      const id = toGlobalId('Post', randomUUID());
      const { t0 } = await server.ask({ emit: id }, 'emitted', (reply) => reply.emitted === id);
      return { id, t0 };
    },
    async stop() {
      server.child.kill('SIGTERM');
      await onceExit(server.child);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// measuring

async function connectClients(server, size) {
  const before = await server.ask({ probe: 'memory' }, 'probe');
  const procs = Array.from({ length: CLIENT_PROCESSES }, (_, i) => startClients(`${server.name}-clients-${i}`));
  const per = Math.ceil(size / CLIENT_PROCESSES);
  const results = await Promise.all(
    procs.map((p, i) =>
      p.ask(
        { connect: { url: server.url, count: Math.min(per, size - i * per), ...server.connectOptions } },
        'connected',
      ),
    ),
  );
  const connected = results.reduce((sum, r) => sum + r.connected.connected, 0);
  if (connected !== size)
    throw new Error(`${server.label}: ${connected}/${size} connected: ${JSON.stringify(results)}`);
  await sleep(500);
  const after = await server.ask({ probe: 'memory' }, 'probe');
  server.clients = procs;
  server.memory = {
    rssKiBPerSocket: (after.rss - before.rss) / 1024 / size,
    heapKiBPerSocket: (after.heapUsed - before.heapUsed) / 1024 / size,
  };
}

async function run(server, size, posts) {
  await server.ask({ probe: 'mark' }, 'probe'); // start of the measured window
  const started = now();
  const sent = [];
  for (let i = 0; i < posts; i++) {
    const due = started + i * INTERVAL_MS;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    sent.push(server.broadcast(i));
  }
  const t0s = Object.fromEntries((await Promise.all(sent)).map(({ id, t0 }) => [id, t0]));
  const expected = size * posts;
  const deadline = now() + 10_000;
  for (;;) {
    const counts = await Promise.all(server.clients.map((c) => c.ask({ count: true }, 'total')));
    if (counts.reduce((sum, c) => sum + c.total, 0) >= expected || now() > deadline) break;
    await sleep(50);
  }
  const probe = await server.ask({ probe: 'mark' }, 'probe');
  const collected = await Promise.all(server.clients.map((c) => c.ask({ collect: t0s }, 'collected')));

  const lastPerEvent = [];
  let delivered = 0;
  const all = [];
  for (const id of Object.keys(t0s)) {
    let last = -Infinity;
    for (const { collected: c } of collected) {
      const e = c.events[id];
      delivered += e.count;
      if (e.lastMs !== null && e.lastMs > last) last = e.lastMs;
    }
    lastPerEvent.push(last);
  }
  for (const { collected: c } of collected) for (const ms of c.latencies) all.push(ms);
  return {
    delivered,
    expected,
    last: { p50: percentile(lastPerEvent, 50), p99: percentile(lastPerEvent, 99) },
    each: { p50: percentile(all, 50), p99: percentile(all, 99) },
    busyMsPerBroadcast: probe.activeMs / posts,
    emitMsPerBroadcast: probe.broadcasts ? probe.broadcastMs / probe.broadcasts : 0,
  };
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = (values) => percentile(values, 50);

// ---------------------------------------------------------------------------------------------------------
// database

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function onceExit(child) {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const useRedis = !args['no-redis'] && (process.env.REDIS_URL || (await redisAnswers()));
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  let embedded = null;
  let adminUrl = process.env.DATABASE_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'ruche-bench-pg-'));
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dir: dataDir, port: await freePort(), persistent: true });
    adminUrl = embedded.adminUrl;
  }
  const pgVersion = await withClient(
    adminUrl,
    async (c) => (await c.query('SHOW server_version')).rows[0].server_version,
  );
  log(`PostgreSQL ${pgVersion}${embedded ? ' (embedded)' : ''}; Redis ${useRedis ? redisUrl : 'not used'}`);
  log(`${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}`);

  const report = { sizes: {}, pgVersion, node: process.version, cores: cpus().length, posts: POSTS, pairs: PAIRS };
  try {
    for (const size of SIZES) {
      const servers = [];
      if (SERVERS.includes('bare')) servers.push(await startBare());
      if (SERVERS.includes('bare-pg')) servers.push(await startBare(await adapterDatabase(adminUrl)));
      if (SERVERS.includes('pg')) servers.push(await startRuche('pg', adminUrl));
      if (useRedis && SERVERS.includes('redis')) servers.push(await startRuche('redis', adminUrl, redisUrl));
      try {
        for (const server of servers) {
          await connectClients(server, size);
          log(`${size} clients connected to ${server.label}`);
        }
        for (const server of servers) await run(server, size, WARMUP);
        const runs = Object.fromEntries(servers.map((s) => [s.label, []]));
        for (let pair = 0; pair < PAIRS; pair++) {
          // Rotate the order so drift on a noisy machine does not favour one side.
          const order = servers.map((_, i) => servers[(i + pair) % servers.length]);
          for (const server of order) {
            const result = await run(server, size, POSTS);
            runs[server.label].push(result);
            log(
              `${size} clients, pair ${pair + 1}, ${server.label}: ${result.delivered}/${result.expected} delivered, ` +
                `last client p50 ${result.last.p50.toFixed(1)} ms p99 ${result.last.p99.toFixed(1)} ms, ` +
                `busy ${result.busyMsPerBroadcast.toFixed(2)} ms/broadcast`,
            );
          }
        }
        report.sizes[size] = { runs, memory: Object.fromEntries(servers.map((s) => [s.label, s.memory])) };
      } finally {
        for (const server of servers) {
          for (const c of server.clients ?? []) c.child.kill('SIGKILL');
          await server.stop();
        }
      }
    }
  } finally {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(markdown(report));
}

/** Per pair, Ruche ÷ bare (or Redis ÷ PostgreSQL); the median of those ratios over the pairs. */
function ratio(runs, a, b, pick) {
  if (!runs[a] || !runs[b]) return NaN;
  return median(runs[a].map((run, i) => pick(run) / pick(runs[b][i])));
}

function markdown(report) {
  const BARE = 'bare socket.io';
  const BARE_PG = 'bare socket.io, PostgreSQL adapter';
  const PG = 'Ruche, PostgreSQL adapter';
  const REDIS = 'Ruche, Redis adapter';
  const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const lines = [
    `PostgreSQL ${report.pgVersion}, Node ${report.node}, ${report.cores} cores; ${report.posts} posts per run at ` +
      `${1000 / INTERVAL_MS}/s, ${report.pairs} interleaved rounds; medians over the rounds.`,
    '',
    '| clients | server | delivered | last client p50 | last client p99 | each client p50 | each client p99 | busy / broadcast | emit() / broadcast | RSS / socket | heap / socket |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [size, { runs, memory }] of Object.entries(report.sizes)) {
    for (const [label, list] of Object.entries(runs)) {
      const delivered = list.reduce((s, r) => s + r.delivered, 0);
      const expected = list.reduce((s, r) => s + r.expected, 0);
      lines.push(
        `| ${size} | ${label} | ${delivered}/${expected} | ${f(median(list.map((r) => r.last.p50)))} ms | ` +
          `${f(median(list.map((r) => r.last.p99)))} ms | ${f(median(list.map((r) => r.each.p50)))} ms | ` +
          `${f(median(list.map((r) => r.each.p99)))} ms | ${f(median(list.map((r) => r.busyMsPerBroadcast)), 2)} ms | ` +
          `${f(median(list.map((r) => r.emitMsPerBroadcast)), 2)} ms | ${f(memory[label].rssKiBPerSocket)} KiB | ` +
          `${f(memory[label].heapKiBPerSocket)} KiB |`,
      );
    }
  }
  lines.push('', '| clients | ratio | goal | measured |', '|---:|---|---:|---:|');
  for (const [size, { runs }] of Object.entries(report.sizes)) {
    const row = (name, goal, value) =>
      Number.isFinite(value) && lines.push(`| ${size} | ${name} | ≤ ${goal} | ${f(value, 2)} |`);
    row(
      'Ruche ÷ bare, last client p50',
      '1.5',
      ratio(runs, PG, BARE, (r) => r.last.p50),
    );
    row(
      'Ruche ÷ bare, last client p99',
      '2',
      ratio(runs, PG, BARE, (r) => r.last.p99),
    );
    row(
      'Ruche ÷ bare, event loop busy per broadcast',
      '1.2',
      ratio(runs, PG, BARE, (r) => r.busyMsPerBroadcast),
    );
    if (runs[BARE_PG]) {
      row(
        'Ruche ÷ bare on the same PostgreSQL adapter, last client p50',
        '1.5',
        ratio(runs, PG, BARE_PG, (r) => r.last.p50),
      );
      row(
        'Ruche ÷ bare on the same PostgreSQL adapter, busy per broadcast',
        '1.2',
        ratio(runs, PG, BARE_PG, (r) => r.busyMsPerBroadcast),
      );
    }
    if (runs[REDIS]) {
      row(
        'Redis ÷ PostgreSQL adapter, last client p50',
        '1.25',
        ratio(runs, REDIS, PG, (r) => r.last.p50),
      );
      row(
        'Ruche (Redis) ÷ bare, last client p50',
        '1.5',
        ratio(runs, REDIS, BARE, (r) => r.last.p50),
      );
      row(
        'Ruche (Redis) ÷ bare, last client p99',
        '2',
        ratio(runs, REDIS, BARE, (r) => r.last.p99),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
