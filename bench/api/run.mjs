// `npm run bench:api`: the API on the 1M-post load fixture (npm run seed:load) against bare baselines that give
// byte-identical answers, in interleaved rounds, medians of the per-round ratios. See BENCHMARKS.md ("API").
//   feed (home, space): Ruche (the web app's FeedMore query) vs bench/api/ceiling.cjs at 50 connections, and p99
//     of both at a fixed rate (open loop); page 50 vs page 1 p50 (keyset cursors)
//   me: Ruche (the web app's Viewer query) vs bench/api/bare-me.cjs
//   react, voteIdea/unvoteIdea: through the API vs pgbench running the same write transaction, equal concurrency;
//     every outbox event delivered by the relay
//   SQL round trips and statements per request, counted in a separate short phase (bench/api/count-sql.cjs)
// Every load run is taken under `flock /tmp/ruche-cpu.lock` (one at a time with other engineers' runs).
// Options: --database-url URL (else BENCH_API_DATABASE_URL, else the ruche_load_1m database of DATABASE_URL's
// server, built by seed:load when missing) --pairs 3 --seconds 5 --rate 300 --connections 50 --open-seconds 6
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'bench', 'api', 'ruche.cjs'); // dist/apps/api/src/main.js
const LOCK = '/tmp/ruche-cpu.lock';
const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    pairs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    'open-seconds': { type: 'string', default: '6' },
    rate: { type: 'string', default: '300' },
    connections: { type: 'string', default: '50' },
    // A subset of the phases while working on one of them: feed,open,depth,growth,me,writes (the report shows
    // those).
    only: { type: 'string', default: 'feed,open,depth,growth,me,writes' },
    // The 10M-post fixture for the growth phase (else the ruche_load_10m database of the fixture's server):
    // npm run seed:load -- --events 1000000 --posts 10000000 --comments 1000000 --reactions 3000000
    'database-url-10m': { type: 'string' },
  },
});
const PHASES = new Set(args.only.split(','));
const PAIRS = Number(args.pairs);
const SECONDS = Number(args.seconds);
const OPEN_SECONDS = Number(args['open-seconds']);
const RATE = Number(args.rate);
const CONNECTIONS = Number(args.connections);
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const APP_PASSWORD = 'bench-app-role-password';
const MANAGER = 'manager@load.ruche.test';
const PASSWORD = 'ruche-load-password';
const POOL_SIZE = 10; // Ruche's default DB_POOL_SIZE; the ceiling gets the same
const REACT_POSTS = 20_000;
const VOTE_IDEAS = 5_000;
const started = performance.now();
const log = (m) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
const tmp = mkdtempSync(join(tmpdir(), 'ruche-bench-api-'));
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (v) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(1));
const f2 = (v) => v.toFixed(2);
const int = (v) => Math.round(v).toLocaleString('en');

// ---------------------------------------------------------------------------------------------------------
// the fixture

function fixtureUrl() {
  if (args['database-url']) return args['database-url'];
  if (process.env.BENCH_API_DATABASE_URL) return process.env.BENCH_API_DATABASE_URL;
  const u = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  u.pathname = '/ruche_load_1m';
  return u.toString();
}
const DB_URL = fixtureUrl();
const appUrl = (() => {
  const u = new URL(DB_URL);
  u.username = 'ruche_app';
  u.password = APP_PASSWORD;
  return u.toString();
})();
const fixtureEnv = { ...process.env, DATABASE_URL: DB_URL, DATABASE_APP_PASSWORD: APP_PASSWORD, JWT_SECRET };

async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function ensureFixture() {
  const admin = new URL(DB_URL);
  const database = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), async (c) => {
    if (!(await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount) {
      log(`creating database ${database}`);
      await c.query(`CREATE DATABASE "${database}"`);
    }
  });
  log(`migrations on ${database}`);
  execFileSync(process.execPath, ['dist/apps/api/src/migrate.js'], {
    cwd: ROOT,
    env: fixtureEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const present = await withClient(
    DB_URL,
    async (c) => (await c.query(`SELECT count(*)::int AS n FROM posts`)).rows[0].n,
  );
  if (present < 1_000_000) {
    log(`the fixture is missing (${present} posts): npm run seed:load -- --events 1000000 (about 5 minutes)…`);
    execFileSync('flock', [LOCK, process.execPath, 'dist/apps/api/src/seed-load.js', '--events', '1000000'], {
      cwd: ROOT,
      env: fixtureEnv,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
}

/** Helper tables for the write phase (the same posts and ideas for the API and pgbench), made once. */
async function helperTables(c, managerId) {
  await c.query(
    `CREATE TABLE IF NOT EXISTS bench_api_posts (n int PRIMARY KEY, id uuid NOT NULL, space_id uuid NOT NULL)`,
  );
  await c.query(
    `CREATE TABLE IF NOT EXISTS bench_api_ideas (n int PRIMARY KEY, id uuid NOT NULL, space_id uuid NOT NULL)`,
  );
  const fill = async (table, extra, limit) => {
    if ((await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n === limit) return;
    await c.query(`TRUNCATE ${table}`);
    // Posts of the spaces the manager belongs to, visible and not deleted, spread over history.
    await c.query(
      `INSERT INTO ${table} (n, id, space_id)
       SELECT row_number() OVER (ORDER BY md5(p.id::text)), p.id, p.space_id FROM (
         SELECT p.id, p.space_id FROM posts p JOIN space_memberships sm ON sm.space_id = p.space_id AND sm.user_id = $1
         WHERE p.deleted_at IS NULL AND p.hidden_at IS NULL ${extra}
         ORDER BY md5(p.id::text) LIMIT $2) p`,
      [managerId, limit],
    );
  };
  await fill('bench_api_posts', '', REACT_POSTS);
  await fill('bench_api_ideas', `AND p.kind = 'IDEA' AND p.idea_status <> 'MERGED'`, VOTE_IDEAS);
  await c.query(`GRANT SELECT ON bench_api_posts, bench_api_ideas TO ruche_app`);
  const ids = async (t) => (await c.query(`SELECT id FROM ${t} ORDER BY n`)).rows.map((r) => r.id);
  return { posts: await ids('bench_api_posts'), ideas: await ids('bench_api_ideas') };
}

// ---------------------------------------------------------------------------------------------------------
// processes

const rateLimits = Object.fromEntries(
  ['POSTS', 'COMMENTS', 'REACTIONS', 'VOTES', 'INVITATIONS', 'SEARCH', 'UPLOADS', 'SOCKETS'].map((b) => [
    `RATE_LIMIT_${b}`,
    '100000000/100000000',
  ]),
);
let nextPort = 3400 + Math.floor(Math.random() * 500);

async function startProcess(name, argv, env, readyText) {
  const port = nextPort++;
  const { DATABASE_URL: _u, REDIS_URL: _r, ...parentEnv } = process.env;
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...parentEnv, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  await new Promise((ok, fail) => {
    const onData = (c) => {
      out = (out + c).slice(-4000);
      if (readyText && out.includes(readyText)) ok();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('message', (m) => m === 'ready' && ok());
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code}:\n${out}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return {
    name,
    port,
    pid: child.pid,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    },
  };
}

const startRuche = (extra = {}, nodeArgs = []) =>
  startProcess(
    'Ruche',
    [...nodeArgs, MAIN],
    {
      DATABASE_URL: DB_URL,
      DATABASE_APP_PASSWORD: APP_PASSWORD,
      JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      AUTH_THROTTLE_PER_MINUTE: '100000000',
      DIGEST_INTERVAL_MINUTES: '0',
      JOBS: 'off',
      DATA_DIR: mkdtempSync(join(tmp, 'data-')),
      LOG_LEVEL: 'info', // as npm start runs it: the request log is part of each request's cost
      ...rateLimits,
      ...extra,
    },
    'Ruche is ready',
  );

// ---------------------------------------------------------------------------------------------------------
// the web app's own operations (apps/web/src/gql/gql.ts holds every document the app sends)

const gqlSource = readFileSync(join(ROOT, 'apps/web/src/gql/gql.ts'), 'utf8');
const documents = [...gqlSource.matchAll(/^\s+"(\\n {2}(?:query|mutation|fragment) [^"]*)": typeof/gm)].map((m) =>
  JSON.parse(`"${m[1]}"`),
);
const findDoc = (head) => {
  const d = documents.find((x) => x.includes(head));
  if (!d) throw new Error(`no document ${head} in apps/web/src/gql/gql.ts`);
  return d;
};
const withFragments = (d, seen = new Set()) => {
  let out = d;
  for (const [, name] of d.matchAll(/\.\.\.(\w+)/g)) {
    if (seen.has(name)) continue;
    seen.add(name);
    out += withFragments(findDoc(`fragment ${name} on`), seen);
  }
  return out;
};
const FEED = withFragments(findDoc('query FeedMore('));
const VIEWER = withFragments(findDoc('query Viewer {'));
const REACT = withFragments(findDoc('mutation PostReact('));
const VOTE = withFragments(findDoc('mutation PostVoteIdea('));
const UNVOTE = withFragments(findDoc('mutation PostUnvoteIdea('));

async function post(port, query, variables, token) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'apollo-require-preflight': '1',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return res.text();
}
async function data(port, query, variables, token) {
  const body = JSON.parse(await post(port, query, variables, token));
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

// ---------------------------------------------------------------------------------------------------------
// measuring

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const cpuOf = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime + stime
  } catch {
    return 0;
  }
};
const postgresCpu = () => {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.includes('(postgres)')) sum += cpuOf(pid);
    } catch {}
  }
  return sum;
};

/** One load run under the CPU lock; with the server's and PostgreSQL's CPU per request. */
function load(target, work, { connections = CONNECTIONS, seconds = SECONDS, rate, as = token } = {}) {
  const file = join(tmp, 'work.json');
  writeFileSync(
    file,
    JSON.stringify({ port: target.port, path: '/graphql', token: as, work, connections, seconds, rate }),
  );
  return new Promise((ok, fail) => {
    const child = spawn('flock', [LOCK, process.execPath, join(ROOT, 'bench/api/load.cjs'), `@${file}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let before = null;
    // The lock may be held by someone else's run: CPU counts from the generator's first line ("start").
    child.stdout.on('data', (c) => {
      out += c;
      if (!before && out.startsWith('start\n')) before = { node: cpuOf(target.pid), pg: postgresCpu() };
    });
    child.once('exit', (code) => {
      const after = { node: cpuOf(target.pid), pg: postgresCpu() };
      if (code !== 0) return fail(new Error(`load generator exited with ${code}`));
      const r = JSON.parse(out.slice('start\n'.length));
      if (before && r.n) {
        r.nodeCpuMs = (after.node - before.node) / r.n;
        r.pgCpuMs = (after.pg - before.pg) / r.n;
      }
      ok(r);
    });
  });
}

function pgbench(script, seconds = SECONDS, clients = CONNECTIONS) {
  const file = join(tmp, 'pgbench.sql');
  writeFileSync(file, script);
  const out = execFileSync(
    'flock',
    [
      LOCK,
      'pgbench',
      '-n',
      '-M',
      'prepared',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      file,
      appUrl,
    ],
    { env: { ...process.env, PGAPPNAME: 'bench-api-pgbench' }, stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString();
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
  return { perSecond: tps, latency, failed };
}

// ---------------------------------------------------------------------------------------------------------
// the run

await ensureFixture();
/** The manager, and the space feed's space: theirs with the most pinned posts (two lanes), then the most posts. */
const managerAndSpace = (url) =>
  withClient(url, async (c) => {
    const [m] = (await c.query('SELECT id FROM users WHERE email = $1', [MANAGER])).rows;
    const [s] = (
      await c.query(
        `SELECT s.id, s.name FROM spaces s JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = $1
         ORDER BY (SELECT count(*) FROM posts p WHERE p.space_id = s.id AND p.pinned_at IS NOT NULL) DESC,
                  (SELECT count(*) FROM posts p WHERE p.space_id = s.id) DESC, s.name LIMIT 1`,
        [m.id],
      )
    ).rows;
    return { managerId: m.id, spaceId: s.id, spaceName: s.name };
  });
const { managerId, spaceId, spaceName } = await managerAndSpace(DB_URL);
const helpers = await withClient(DB_URL, (c) => helperTables(c, managerId));
const gid = (type, id) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
const postIds = helpers.posts.map((id) => gid('Post', id));
const ideaIds = helpers.ideas.map((id) => gid('Post', id));
const spaceGid = gid('Space', spaceId);
const [pgVersion] = await withClient(DB_URL, async (c) => [(await c.query('SELECT version()')).rows[0].version]);
const outboxMark = await withClient(
  DB_URL,
  async (c) => (await c.query('SELECT coalesce(max(id), 0)::bigint AS m FROM outbox_events')).rows[0].m,
);

// 1. Statements per request: a Ruche with the counting preload, relay off (the main server's relay delivers
// these events later), sequential requests.
log('statements per request (a separate Ruche with bench/api/count-sql.cjs)…');
const countFile = join(tmp, 'count.json');
let token;
const statements = {};
{
  const counted = await startRuche({ REALTIME_RELAY: 'false', COUNT_SQL_FILE: countFile }, [
    '-r',
    join(ROOT, 'bench/api/count-sql.cjs'),
  ]);
  token = (
    await data(counted.port, 'mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
      i: { email: MANAGER, password: PASSWORD },
    })
  ).signIn.accessToken;
  const snapshot = async () => {
    rmSync(countFile, { force: true });
    counted.child.kill('SIGUSR2');
    while (!existsSync(countFile)) await sleep(5);
    await sleep(5);
    return JSON.parse(readFileSync(countFile, 'utf8'));
  };
  const N = 20;
  let i = 0;
  const voted = [];
  const cases = {
    'home feed': () => [FEED, { order: 'NEW', first: 20 }],
    'space feed': () => [FEED, { order: 'NEW', first: 20, spaceId: spaceGid }],
    me: () => [VIEWER, {}],
    react: () => [REACT, { input: { postId: postIds[i % postIds.length], kind: i % 2 ? 'LIKE' : 'CURIOUS' } }],
    voteIdea: () => {
      voted.push(ideaIds[i % ideaIds.length]);
      return [VOTE, { ideaId: ideaIds[i % ideaIds.length] }];
    },
  };
  for (const [name, make] of Object.entries(cases)) {
    for (let w = 0; w < 3; w++, i++) await post(counted.port, ...make(), token);
    await snapshot();
    for (let k = 0; k < N; k++, i++) {
      const body = await post(counted.port, ...make(), token);
      if (body.includes('"errors"')) throw new Error(`${name}: ${body.slice(0, 300)}`);
    }
    const rows = await snapshot();
    const sum = (f) => rows.reduce((a, [, s]) => a + s[f], 0) / N;
    statements[name] = {
      roundTrips: sum('roundTrips'),
      statements: sum('statements'),
      texts: rows.map(([text, s]) => `${f1(s.roundTrips / N)}× ${text.slice(0, 70)}`),
    };
    log(`${name}: ${f1(statements[name].roundTrips)} round trips\n    ${statements[name].texts.join('\n    ')}`);
  }
  // Put the votes back (they are toggled in the write phase).
  for (const ideaId of voted) await post(counted.port, UNVOTE, { ideaId }, token);
  await counted.stop();
}

// 2. The servers.
log('starting Ruche, the ceiling and the bare me endpoint…');
const ruche = await startRuche();
const ceiling = await startProcess('ceiling', [join(ROOT, 'bench/api/ceiling.cjs')], {
  DATABASE_URL: appUrl,
  DB_POOL_SIZE: String(POOL_SIZE),
  JWT_SECRET,
});
const bareMe = await startProcess('bare me', [join(ROOT, 'bench/api/bare-me.cjs')], {
  DATABASE_URL: appUrl,
  VIEWER_ID: managerId,
  JWT_SECRET,
});
// The counted phase left events for the relay: let it deliver them before anything is measured.
const pendingSince = (c, mark) =>
  c.query(
    'SELECT count(*)::int AS pending, (SELECT count(*)::int FROM outbox_events WHERE id > $1) AS total FROM outbox_events WHERE id > $1 AND dispatched_at IS NULL',
    [mark],
  );
async function drain(mark, timeoutMs) {
  return withClient(DB_URL, async (c) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [r] = (await pendingSince(c, mark)).rows;
      if (r.pending === 0 || Date.now() > until) return r;
      await sleep(200);
    }
  });
}
await drain(outboxMark, 60_000);

// 3. Byte identity, and the page-50 cursors.
const feeds = { home: { order: 'NEW', first: 20 }, space: { order: 'NEW', first: 20, spaceId: spaceGid } };
const identical = {};
const deep = {};
for (const [name, vars] of Object.entries(feeds)) {
  let v = vars;
  identical[name] = true;
  for (let page = 1; page <= 50; page++) {
    const a = await post(ruche.port, FEED, v, token);
    if (page <= 3) {
      const b = await post(ceiling.port, FEED, v, token);
      if (a !== b) {
        identical[name] = false;
        log(`${name} feed page ${page}: the ceiling's answer differs from Ruche's`);
      }
      if (page === 1) feeds[name].bytes = a.length;
    }
    if (page === 50) deep[name] = v;
    v = { ...vars, after: JSON.parse(a).data.feed.pageInfo.endCursor };
  }
}
identical.me = (await post(ruche.port, VIEWER, {}, token)) === (await post(bareMe.port, VIEWER, {}, token));
log(`byte-identical: ${JSON.stringify(identical)}`);

const fixed = (query, variables) => ({ kind: 'fixed', body: JSON.stringify({ query, variables }) });
const work = {
  home: fixed(FEED, feeds.home),
  space: fixed(FEED, { order: feeds.space.order, first: 20, spaceId: spaceGid }),
  home50: fixed(FEED, deep.home),
  space50: fixed(FEED, deep.space),
  me: fixed(VIEWER, {}),
  react: { kind: 'react', posts: postIds, query: REACT },
  vote: { kind: 'vote', ideas: ideaIds, vote: VOTE, unvote: UNVOTE },
};

// Warm-up (JIT, plans, pools).
log('warm-up…');
for (const [t, w] of [
  [ruche, work.home],
  [ceiling, work.home],
  [ruche, work.space],
  [ceiling, work.space],
  [ruche, work.me],
  [bareMe, work.me],
]) {
  await load(t, w, { seconds: 2 });
}

// Interleaved rounds: the order alternates from round to round.
async function pairs(label, a, b, runA, runB) {
  const rounds = [];
  for (let r = 0; r < PAIRS; r++) {
    const out = {};
    for (const side of r % 2 ? ['b', 'a'] : ['a', 'b']) out[side] = await (side === 'a' ? runA() : runB());
    rounds.push(out);
    log(
      `${label} round ${r + 1}/${PAIRS}: ${a} ${int(out.a.perSecond)}/s p99 ${f1(out.a.p99 ?? out.a.latency)} errors ${out.a.errors ?? out.a.failed} · ${b} ${int(out.b.perSecond)}/s p99 ${f1(out.b.p99 ?? out.b.latency)} errors ${out.b.errors ?? out.b.failed}`,
    );
  }
  return rounds;
}
const results = {};
if (PHASES.has('feed')) {
  for (const feed of ['home', 'space']) {
    results[`${feed} throughput`] = await pairs(
      `${feed} feed, ${CONNECTIONS} connections`,
      'Ruche',
      'ceiling',
      () => load(ruche, work[feed]),
      () => load(ceiling, work[feed]),
    );
  }
}
if (PHASES.has('open')) {
  for (const feed of ['home', 'space']) {
    results[`${feed} open`] = await pairs(
      `${feed} feed at ${RATE}/s`,
      'Ruche',
      'ceiling',
      () => load(ruche, work[feed], { rate: RATE, seconds: OPEN_SECONDS }),
      () => load(ceiling, work[feed], { rate: RATE, seconds: OPEN_SECONDS }),
    );
  }
}
if (PHASES.has('depth')) {
  for (const feed of ['home', 'space']) {
    results[`${feed} depth`] = await pairs(
      `${feed} feed page 50 vs page 1, 1 connection`,
      'page 50',
      'page 1',
      () => load(ruche, work[`${feed}50`], { connections: 1, seconds: 3 }),
      () => load(ruche, work[feed], { connections: 1, seconds: 3 }),
    );
  }
}
// Growth: the same pages on a fixture ten times larger, one connection, interleaved with the 1M one.
const DB_URL_10M =
  args['database-url-10m'] ??
  (() => {
    const u = new URL(DB_URL);
    u.pathname = '/ruche_load_10m';
    return u.toString();
  })();
let growthNote = 'not measured: no 10M fixture (--database-url-10m, or the ruche_load_10m database)';
if (PHASES.has('growth')) {
  const posts10m = await withClient(DB_URL_10M, async (c) => {
    const present = await c.query(`SELECT to_regclass('posts') IS NOT NULL AS ok`);
    return present.rows[0].ok ? (await c.query('SELECT count(*)::int AS n FROM posts')).rows[0].n : 0;
  }).catch(() => 0);
  if (posts10m < 10_000_000) log(`growth: ${growthNote}`);
  else {
    growthNote = `${int(posts10m)} posts`;
    execFileSync(process.execPath, ['dist/apps/api/src/migrate.js'], {
      cwd: ROOT,
      env: { ...fixtureEnv, DATABASE_URL: DB_URL_10M },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const big = await startRuche({ DATABASE_URL: DB_URL_10M, REALTIME_RELAY: 'false' });
    const bigToken = (
      await data(big.port, 'mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
        i: { email: MANAGER, password: PASSWORD },
      })
    ).signIn.accessToken;
    const bigSpace = gid('Space', (await managerAndSpace(DB_URL_10M)).spaceId);
    const bigWork = {
      home: work.home,
      space: fixed(FEED, { order: feeds.space.order, first: 20, spaceId: bigSpace }),
    };
    for (const [t, as] of [
      [big, bigToken],
      [ruche, token],
    ])
      await load(t, t === big ? bigWork.home : work.home, { seconds: 2, connections: 1, as });
    for (const feed of ['home', 'space']) {
      results[`${feed} growth`] = await pairs(
        `${feed} feed page 1, 1 connection, 10M vs 1M posts`,
        '10M',
        '1M',
        () => load(big, bigWork[feed], { connections: 1, seconds: 3, as: bigToken }),
        () => load(ruche, work[feed], { connections: 1, seconds: 3 }),
      );
    }
    await big.stop();
  }
}
if (PHASES.has('me')) {
  results.me = await pairs(
    'me',
    'Ruche',
    'bare',
    () => load(ruche, work.me),
    () => load(bareMe, work.me),
  );
}

// Writes: the same transaction in pgbench, as ruche_app with the manager as the acting user, on the same posts.
const REACT_SQL = `\\set n random(1, ${helpers.posts.length})
BEGIN;
SELECT set_config('ruche.user_id', '${managerId}', true);
INSERT INTO post_reactions (post_id, space_id, user_id, kind, created_at)
SELECT b.id, b.space_id, '${managerId}', CASE WHEN random() < 0.5 THEN 'LIKE' ELSE 'CURIOUS' END, now() FROM bench_api_posts b WHERE b.n = :n
ON CONFLICT (post_id, user_id) DO UPDATE SET kind = EXCLUDED.kind;
END;
`;
// voteIdea then unvoteIdea of the same idea, as the API side does (two transactions per script: tps × 2).
const VOTE_SQL = `\\set n random(1, ${helpers.ideas.length})
BEGIN;
SELECT set_config('ruche.user_id', '${managerId}', true);
WITH vote AS (
  INSERT INTO idea_votes (post_id, space_id, user_id, customer_account_id, created_at)
  SELECT b.id, b.space_id, '${managerId}', sm.customer_account_id, now() FROM bench_api_ideas b
  LEFT JOIN space_memberships sm ON sm.space_id = b.space_id AND sm.user_id = '${managerId}' WHERE b.n = :n
  ON CONFLICT (post_id, user_id) DO NOTHING RETURNING 1
), follow AS (
  INSERT INTO post_follows (post_id, space_id, user_id, created_at)
  SELECT b.id, b.space_id, '${managerId}', now() FROM bench_api_ideas b WHERE b.n = :n ON CONFLICT DO NOTHING
) SELECT count(*) FROM vote;
END;
BEGIN;
SELECT set_config('ruche.user_id', '${managerId}', true);
DELETE FROM idea_votes WHERE post_id = (SELECT id FROM bench_api_ideas WHERE n = :n) AND user_id = '${managerId}';
END;
`;
const writeMark = await withClient(
  DB_URL,
  async (c) => (await c.query('SELECT coalesce(max(id), 0)::bigint AS m FROM outbox_events')).rows[0].m,
);
if (PHASES.has('writes')) {
  results.react = await pairs(
    `react, ${CONNECTIONS} clients`,
    'API',
    'pgbench',
    () => load(ruche, work.react),
    () => pgbench(REACT_SQL),
  );
  results.vote = await pairs(
    `voteIdea/unvoteIdea, ${CONNECTIONS} clients`,
    'API',
    'pgbench',
    () => load(ruche, work.vote),
    async () => {
      const r = pgbench(VOTE_SQL);
      return { ...r, perSecond: r.perSecond * 2 };
    },
  );
}
log('waiting for the relay to deliver every event…');
const delivery = await drain(outboxMark, 60_000);
const writeEvents = await withClient(DB_URL, async (c) => (await pendingSince(c, writeMark)).rows[0]);

await Promise.all([ruche.stop(), ceiling.stop(), bareMe.stop()]);
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------------------
// report (Markdown on stdout)

// A phase left out (--only) has no rounds: its rows and goals are not printed.
const ratios = (rounds, f = (r) => r.a.perSecond / r.b.perSecond) => median((rounds ?? []).map(f));
const med = (rounds, side, key) => median((rounds ?? []).map((r) => r[side][key]).filter((x) => x !== undefined));
const errorsOf = (rounds, side) => (rounds ?? []).reduce((a, r) => a + (r[side].errors ?? r[side].failed ?? 0), 0);
const minutes = ((performance.now() - started) / 60000).toFixed(1);
console.log(
  `${pgVersion.split(' on ')[0]}, Node ${process.version}, ${cpus().length} cores (${cpus()[0].model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
    `fixture ${new URL(DB_URL).pathname.slice(1)}; ${PAIRS} interleaved pairs, ${SECONDS} s per run (open loop ${OPEN_SECONDS} s); ` +
    `space feed: ${spaceName}; ${minutes} min.\n`,
);
console.log('| measure | Ruche | baseline | Ruche ÷ baseline (median of rounds) | errors (Ruche / baseline) |');
console.log('| --- | ---: | ---: | ---: | --- |');
const row = (name, rounds, unitA, unitB, ratio, digits = 2) =>
  rounds &&
  console.log(
    `| ${name} | ${unitA} | ${unitB} | ${ratio.toFixed(digits)} | ${errorsOf(rounds, 'a')} / ${errorsOf(rounds, 'b')} |`,
  );
for (const feed of ['home', 'space']) {
  const t = results[`${feed} throughput`];
  if (t) {
    row(
      `${feed} feed, ${CONNECTIONS} connections: pages/s (ceiling)`,
      t,
      int(med(t, 'a', 'perSecond')),
      int(med(t, 'b', 'perSecond')),
      ratios(t),
    );
    console.log(
      `| ${feed} feed, ${CONNECTIONS} connections: p50 / p99 | ${f1(med(t, 'a', 'p50'))} / ${f1(med(t, 'a', 'p99'))} ms | ${f1(med(t, 'b', 'p50'))} / ${f1(med(t, 'b', 'p99'))} ms | | |`,
    );
    console.log(
      `| ${feed} feed: Node CPU per page / PostgreSQL CPU per page | ${f1(med(t, 'a', 'nodeCpuMs'))} / ${f1(med(t, 'a', 'pgCpuMs'))} ms | ${f1(med(t, 'b', 'nodeCpuMs'))} / ${f1(med(t, 'b', 'pgCpuMs'))} ms | | |`,
    );
  }
  const o = results[`${feed} open`];
  row(
    `${feed} feed at ${RATE}/s (open loop): p99`,
    o,
    `${f1(med(o, 'a', 'p99'))} ms`,
    `${f1(med(o, 'b', 'p99'))} ms`,
    ratios(o, (r) => r.a.p99 / r.b.p99),
  );
  const d = results[`${feed} depth`];
  row(
    `${feed} feed, 1 connection: page 50 p50 (page 1)`,
    d,
    `${f1(med(d, 'a', 'p50'))} ms`,
    `${f1(med(d, 'b', 'p50'))} ms`,
    ratios(d, (r) => r.a.p50 / r.b.p50),
  );
  const g = results[`${feed} growth`];
  row(
    `${feed} feed, 1 connection: page 1 p50 on 10M posts (1M)`,
    g,
    `${f1(med(g, 'a', 'p50'))} ms`,
    `${f1(med(g, 'b', 'p50'))} ms`,
    ratios(g, (r) => r.a.p50 / r.b.p50),
  );
}
const m = results.me;
row(
  'me (web Viewer query), req/s (bare JWT endpoint)',
  m,
  int(med(m, 'a', 'perSecond')),
  int(med(m, 'b', 'perSecond')),
  ratios(m),
  3,
);
if (m)
  console.log(
    `| me: Node CPU per request | ${f2(med(m, 'a', 'nodeCpuMs'))} ms | ${f2(med(m, 'b', 'nodeCpuMs'))} ms | | |`,
  );
for (const [name, label] of [
  ['react', 'react'],
  ['vote', 'voteIdea / unvoteIdea'],
]) {
  const w = results[name];
  if (!w) continue;
  row(
    `${label}, ${CONNECTIONS} clients: transactions/s (pgbench)`,
    w,
    int(med(w, 'a', 'perSecond')),
    int(med(w, 'b', 'perSecond')),
    ratios(w),
  );
  console.log(
    `| ${label}: API p50 / p99; pgbench average latency | ${f1(med(w, 'a', 'p50'))} / ${f1(med(w, 'a', 'p99'))} ms | ${f1(med(w, 'b', 'latency'))} ms | | |`,
  );
}
console.log(
  `\nOutbox: ${writeEvents.total - writeEvents.pending} of ${writeEvents.total} events of the write phase delivered (dispatched by the relay), ` +
    `${delivery.total - delivery.pending} of ${delivery.total} since the run began. Byte-identical answers: home feed ${identical.home ? 'yes' : 'NO'} ` +
    `(${feeds.home.bytes} bytes, pages 1–3), space feed ${identical.space ? 'yes' : 'NO'} (${feeds.space.bytes} bytes), me ${identical.me ? 'yes' : 'NO'}.\n`,
);
console.log('| request | SQL round trips | statements | what (per request) |');
console.log('| --- | ---: | ---: | --- |');
for (const [name, s] of Object.entries(statements)) {
  console.log(
    `| ${name} | ${f1(s.roundTrips)} | ${f1(s.statements)} | ${s.texts.map((t) => `\`${t.replace(/\|/g, '\\|').replace(/`/g, "'")}\``).join('<br>')} |`,
  );
}
const goals = [];
const goal = (name, value, ok) => goals.push(`| ${name} | ${value} | ${ok ? 'yes' : 'no'} |`);
const had = (...keys) => keys.every((k) => results[k]);
for (const feed of ['home', 'space']) {
  const t = results[`${feed} throughput`];
  const r = ratios(t);
  if (had(`${feed} throughput`))
    goal(`${feed} feed ≥ 40 % of the ceiling's throughput (aim 60 %)`, `${(r * 100).toFixed(0)} %`, r >= 0.4);
  if (had(`${feed} throughput`, `${feed} open`))
    goal(
      `${feed} feed: zero errors`,
      String(errorsOf(t, 'a') + errorsOf(results[`${feed} open`], 'a')),
      errorsOf(t, 'a') + errorsOf(results[`${feed} open`], 'a') === 0,
    );
  const p99 = med(results[`${feed} open`], 'a', 'p99');
  if (had(`${feed} open`))
    goal(
      `${feed} feed p99 ≤ 100 ms at ${RATE}/s`,
      `${f1(p99)} ms (ceiling ${f1(med(results[`${feed} open`], 'b', 'p99'))} ms)`,
      p99 <= 100,
    );
  const d = ratios(results[`${feed} depth`], (x) => x.a.p50 / x.b.p50);
  if (had(`${feed} depth`)) goal(`${feed} feed page 50 p50 ≤ 1.5 × page 1`, f2(d), d <= 1.5);
}
if (had('home growth', 'space growth')) {
  const [h, sp] = ['home', 'space'].map((f) => ratios(results[`${f} growth`], (x) => x.a.p50 / x.b.p50));
  goal('feed p50 on 10M posts ≤ 1.5 × 1M', `home ${f2(h)}, space ${f2(sp)} (${growthNote})`, h <= 1.5 && sp <= 1.5);
} else if (PHASES.has('growth')) goal('feed p50 on 10M posts ≤ 1.5 × 1M', growthNote, false);
const meRatio = ratios(results.me);
if (had('me')) goal('me ≥ 10 % of the bare JWT endpoint (aim 20 %)', `${(meRatio * 100).toFixed(1)} %`, meRatio >= 0.1);
for (const [name, label] of [
  ['react', 'react'],
  ['vote', 'voteIdea'],
]) {
  if (!had(name)) continue;
  const r = ratios(results[name]);
  goal(`${label} ≥ 40 % of pgbench at equal concurrency`, `${(r * 100).toFixed(0)} %`, r >= 0.4);
  const api = med(results[name], 'a', 'perSecond');
  const bench = med(results[name], 'b', 'perSecond');
  goal(`${label}: pgbench ≥ 1,000/s`, int(bench), bench >= 1000);
  goal(`${label}: API ≥ 500/s`, int(api), api >= 500);
  goal(`${label}: zero errors`, String(errorsOf(results[name], 'a')), errorsOf(results[name], 'a') === 0);
}
goal(
  'every outbox event delivered',
  `${writeEvents.total - writeEvents.pending} / ${writeEvents.total}`,
  writeEvents.pending === 0,
);
goal(
  'feed page in ≤ 3 SQL round trips',
  `home ${f1(statements['home feed'].roundTrips)}, space ${f1(statements['space feed'].roundTrips)}`,
  Math.max(statements['home feed'].roundTrips, statements['space feed'].roundTrips) <= 3,
);
goal(
  'react / voteIdea in ≤ 4 round trips',
  `${f1(statements.react.roundTrips)} / ${f1(statements.voteIdea.roundTrips)}`,
  Math.max(statements.react.roundTrips, statements.voteIdea.roundTrips) <= 4,
);
console.log('\n| goal (issue 17) | measured | met |\n| --- | ---: | --- |');
console.log(goals.join('\n'));
