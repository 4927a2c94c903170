// `npm run bench:analytics`: the engagement report on the load fixture (npm run seed:load) at 1M and 10M events,
// through the GraphQL API of the built server, against the same figures computed from the raw events in the
// same run, interleaved; ingestion through ruche_analytics_ingest, one day's incremental refresh, the full
// rebuild, and the report's cost growth from 1M to 10M. See BENCHMARKS.md ("Analytics").
// Options: --sizes 1000000,10000000 --rounds 30 --ingest-events 200000 --batch 10000 --refresh-days 5 --no-rebuild
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const require = createRequire(import.meta.url);
const { startEmbeddedPostgres } = require(join(ROOT, 'dist/libs/platform/database/src/embedded-postgres.js'));
const { toGlobalId } = require(join(ROOT, 'dist/libs/shared/kernel/src/global-id.js'));
const { freePort, withDatabase } = require(join(ROOT, 'dist/libs/testing/src/index.js'));
const fixture = require(join(ROOT, 'dist/apps/api/src/load-fixture.js'));

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    rounds: { type: 'string', default: '30' },
    'ingest-events': { type: 'string', default: '200000' },
    batch: { type: 'string', default: '10000' },
    'refresh-days': { type: 'string', default: '5' },
    'no-rebuild': { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const ROUNDS = Number(args.rounds);
const WARMUP = 5;
const INGEST_EVENTS = Number(args['ingest-events']);
const BATCH = Number(args.batch);
const REFRESH_DAYS = Number(args['refresh-days']);
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const APP_PASSWORD = 'bench-app-role-password';
const DAY_MS = 86_400_000;
const WEIGHTS = { POST: 5, IDEA: 5, COMMENT: 3, REACTION: 1, VOTE: 1, VIEW: 0.1 }; // the defaults: no settings row

const log = (m) => process.stderr.write(`${m}\n`);
const now = () => performance.now();
const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const percentile = (values, p) => {
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const median = (values) => percentile(values, 50);
const ms = (v) => `${v.toFixed(1)} ms`;
const addDays = (day, n) => fixture.isoDay(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);

// ---------------------------------------------------------------------------------------------------------
// the database: DATABASE_URL's server, or an embedded PostgreSQL kept in a folder so the fixtures survive runs

let embedded = null;
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  const dir = join(tmpdir(), 'ruche-bench-analytics-pg');
  mkdirSync(dir, { recursive: true });
  log(`DATABASE_URL not set: embedded PostgreSQL in ${dir} (kept between runs)`);
  embedded = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: true });
  adminUrl = embedded.adminUrl;
}

async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The fixture of `events` in its own database (built by seed:load when missing; it says when it is there). */
async function ensureFixture(events) {
  const database = `ruche_bench_analytics_${label(events).toLowerCase()}`;
  await withClient(adminUrl, async (c) => {
    const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount;
    if (!exists) await c.query(`CREATE DATABASE ${database}`);
  });
  const url = withDatabase(adminUrl, database);
  log(`${label(events)}: npm run seed:load -- --events ${events} (database ${database})…`);
  const out = execFileSync(process.execPath, ['dist/apps/api/src/seed-load.js', '--events', String(events)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATABASE_APP_PASSWORD: APP_PASSWORD, JWT_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  }).toString();
  log(out.split('\n')[0]);
  const result = JSON.parse(
    out
      .split('\n')
      .find((l) => l.startsWith('RESULT '))
      .slice(7),
  );
  return { events, database, url, result };
}

// ---------------------------------------------------------------------------------------------------------
// one Ruche server per fixture, as `npm start` runs it (jobs off: nothing else runs while we measure)

async function startServer(f) {
  const port = await freePort();
  const { DATABASE_URL: _u, REDIS_URL: _r, ...parentEnv } = process.env;
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...parentEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: f.url,
      DATABASE_APP_PASSWORD: APP_PASSWORD,
      JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      AUTH_THROTTLE_PER_MINUTE: '100000',
      DIGEST_INTERVAL_MINUTES: '0',
      JOBS: 'off',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ruche-bench-analytics-')),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise((ok, fail) => {
    const onData = (c) => {
      out = (out + c).slice(-4000);
      if (out.includes('Ruche is ready')) ok();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`Ruche (${f.database}) exited with ${code}:\n${out}`)));
  });
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
  const { signIn } = await gql('mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
    i: { email: fixture.LOAD_MANAGER_EMAIL, password: fixture.LOAD_PASSWORD },
  });
  return {
    gql: (q, v) => gql(q, v, signIn.accessToken),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((ok) => (child.exitCode !== null ? ok() : child.once('exit', ok)));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// what is measured

// Everything the analytics page shows (the service computes every block whatever is selected).
const REPORT = `query($input: EngagementReportInput!) { engagementReport(input: $input) {
  series { start suppressed activePeople contributors dailyActive posts ideas comments reactions votes views contributions score }
  totals { suppressed activePeople dau wau mau stickiness contributionsPerActive posts ideas comments reactions votes views contributions score }
  participation { suppressed members creators contributors lurkers engagementRate top1PercentShare top10PercentShare }
  responseTime { suppressed posts medianHours byResponder { kind responses } }
  ideaFunnel { suppressed ideas customerShareOfIdeas customerShareOfVotes stages { status current reached conversion } }
  split { segment suppressed activePeople contributions score }
  customerAccounts { name suppressed activePeople ideas comments score }
  spaces { name suppressed activePeople roe { score effortHours effortCost perHour perCost } }
  roe { score effortHours effortCost perHour perCost }
  roi { implementedIdeasValue kpiGains cost roi currency }
} }`;

// The same figures straight from the raw events: per day and in total, active people, contributors,
// person-days (DAU), each count and the score with the default weights.
const RAW = `
  SELECT day::text, GROUPING(day) AS total,
         count(DISTINCT actor_id)::int AS people,
         count(DISTINCT actor_id) FILTER (WHERE type <> 'VIEW')::int AS contributors,
         count(DISTINCT (actor_id, day))::int AS person_days,
         count(*) FILTER (WHERE type = 'POST')::int AS posts, count(*) FILTER (WHERE type = 'IDEA')::int AS ideas,
         count(*) FILTER (WHERE type = 'COMMENT')::int AS comments,
         count(*) FILTER (WHERE type = 'REACTION')::int AS reactions,
         count(*) FILTER (WHERE type = 'VOTE')::int AS votes, count(*) FILTER (WHERE type = 'VIEW')::int AS views
  FROM engagement_events
  WHERE organization_id = $1 AND day BETWEEN $2::date AND $3::date
    AND ($4::uuid IS NULL OR space_id = $4) AND (NOT $5::boolean OR actor_kind = 'CUSTOMER')
  GROUP BY GROUPING SETS ((day), ())`;

// And the rest of what the report answers, from the same raw events: distinct person-weeks and -months (WAU,
// MAU), creators, each person's contributions (the top shares), people per kind (the split) and per space.
const RAW_REST = `
  WITH e AS MATERIALIZED (
    SELECT day, actor_id, space_id, actor_kind, type FROM engagement_events
    WHERE organization_id = $1 AND day BETWEEN $2::date AND $3::date
  ), scoped AS (SELECT * FROM e WHERE $4::uuid IS NULL OR space_id = $4),
  t AS (SELECT * FROM scoped WHERE NOT $5::boolean OR actor_kind = 'CUSTOMER')
  SELECT
    (SELECT count(DISTINCT (actor_id, date_trunc('week', day))) FROM t)::int AS week_people,
    (SELECT count(DISTINCT (actor_id, date_trunc('month', day))) FROM t)::int AS month_people,
    (SELECT count(DISTINCT actor_id) FILTER (WHERE type IN ('POST', 'IDEA')) FROM t)::int AS creators,
    (SELECT json_agg(n ORDER BY n DESC) FROM (SELECT count(*)::int AS n FROM t WHERE type <> 'VIEW' GROUP BY actor_id) r)
      AS ranked,
    (SELECT json_agg(k) FROM (SELECT actor_kind = 'CUSTOMER' AS customer, count(DISTINCT actor_id)::int AS people
                              FROM scoped GROUP BY 1) k) AS kinds,
    (SELECT json_agg(x) FROM (SELECT s.name, count(DISTINCT actor_id)::int AS people
                              FROM e JOIN spaces s ON s.id = e.space_id GROUP BY s.name) x) AS spaces`;

const scoreOf = (r) =>
  Math.round(
    (r.posts * WEIGHTS.POST +
      r.ideas * WEIGHTS.IDEA +
      r.comments * WEIGHTS.COMMENT +
      r.reactions * WEIGHTS.REACTION +
      r.votes * WEIGHTS.VOTE +
      r.views * WEIGHTS.VIEW) *
      100,
  ) / 100;
const contributionsOf = (r) => r.posts + r.ideas + r.comments + r.reactions + r.votes;

/** Differences between the report (rollups, through the API) and the raw figures: per day and totals. */
function compare(report, { rows: raw, rest }, from, days) {
  const diffs = [];
  const byDay = new Map(raw.filter((r) => !r.total).map((r) => [r.day, r]));
  for (const b of report.series) {
    const r = byDay.get(b.start) ?? {
      people: 0,
      contributors: 0,
      posts: 0,
      ideas: 0,
      comments: 0,
      reactions: 0,
      votes: 0,
      views: 0,
    };
    if (b.suppressed) continue; // fewer than five people: nothing to compare
    for (const [k, want] of [
      ['activePeople', r.people],
      ['contributors', r.contributors],
      ['contributions', contributionsOf(r)],
      ['score', scoreOf(r)],
    ]) {
      if (Math.abs(b[k] - want) > 0.011) diffs.push(`${b.start} ${k}: report ${b[k]}, raw ${want}`);
    }
  }
  const t = raw.find((r) => r.total);
  const want = {
    activePeople: t.people,
    contributions: contributionsOf(t),
    score: scoreOf(t),
    dau: Math.round((t.person_days / days) * 100) / 100,
    views: t.views,
  };
  for (const [k, v] of Object.entries(want))
    if (Math.abs(report.totals[k] - v) > 0.011) diffs.push(`total ${k}: report ${report.totals[k]}, raw ${v}`);
  // The rest: WAU and MAU over the period's weeks and months, creators, the top 10 %'s share, split, spaces.
  const starts = (unit) => {
    const seen = new Set();
    for (let d = 0; d < days; d++) {
      const day = new Date(Date.parse(`${from}T00:00:00Z`) + d * DAY_MS);
      if (unit === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
      else day.setUTCDate(1);
      seen.add(day.getTime());
    }
    return seen.size;
  };
  const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;
  const top = rest.ranked.slice(0, Math.ceil(rest.ranked.length * 0.1));
  const share = top.reduce((a, b) => a + b, 0) / rest.ranked.reduce((a, b) => a + b, 0);
  const checks = [
    ['wau', report.totals.wau, round(rest.week_people / starts('week'), 2)],
    ['mau', report.totals.mau, round(rest.month_people / starts('month'), 2)],
    ['creators', report.participation.creators, rest.creators],
    ['top10PercentShare', report.participation.top10PercentShare, round(share, 4)],
    ...report.split
      .filter((x) => !x.suppressed)
      .map((x) => [
        `split ${x.segment}`,
        x.activePeople,
        rest.kinds.find((k) => k.customer === (x.segment === 'CUSTOMERS'))?.people ?? 0,
      ]),
    ...report.spaces
      .filter((x) => !x.suppressed)
      .map((x) => [`space ${x.name}`, x.activePeople, rest.spaces.find((k) => k.name === x.name)?.people ?? 0]),
  ];
  for (const [k, got, v] of checks) if (Math.abs(got - v) > 0.011) diffs.push(`${k}: report ${got}, raw ${v}`);
  return { diffs, checked: report.series.filter((b) => !b.suppressed).length, figures: checks.length };
}

// ---------------------------------------------------------------------------------------------------------
// the run

const started = now();
const fixtures = [];
for (const events of SIZES) fixtures.push(await ensureFixture(events));

for (const f of fixtures) {
  f.sql = new pg.Pool({ connectionString: f.url, max: 2 });
  f.org = f.result.organizationId;
  f.lastDay = f.result.lastDay;
  // The busiest space, so that its daily figures are not suppressed.
  const [space] = (
    await f.sql.query(
      `SELECT space_id FROM engagement_daily WHERE organization_id = $1 GROUP BY 1 ORDER BY sum(views + posts + comments) DESC LIMIT 1`,
      [f.org],
    )
  ).rows;
  f.variants = [
    { name: 'org, ALL', input: { segment: 'ALL' }, space: null, customers: false },
    {
      name: 'one space, ALL',
      input: { segment: 'ALL', spaceId: toGlobalId('Space', space.space_id) },
      space: space.space_id,
      customers: false,
    },
    { name: 'org, CUSTOMERS', input: { segment: 'CUSTOMERS' }, space: null, customers: true },
  ];
  f.from90 = addDays(f.lastDay, -89);
  f.from30 = addDays(f.lastDay, -29);
  log(`${label(f.events)}: starting Ruche on ${f.database}…`);
  f.server = await startServer(f);
}
const [version] = (await fixtures[0].sql.query('SHOW server_version')).rows;

async function timeReport(f, v) {
  const t0 = now();
  const data = await f.server.gql(REPORT, {
    input: {
      organizationId: toGlobalId('Organization', f.org),
      from: f.from90,
      to: f.lastDay,
      granularity: 'DAY',
      ...v.input,
    },
  });
  return { ms: now() - t0, report: data.engagementReport };
}
async function timeRaw(f, v, from = f.from90) {
  const t0 = now();
  const args = [f.org, from, f.lastDay, v.space, v.customers];
  const { rows } = await f.sql.query(RAW, args);
  const [rest] = (await f.sql.query(RAW_REST, args)).rows;
  return { ms: now() - t0, rows, rest };
}

// Reports: warm-up, then rounds in which every fixture and variant runs the API and the raw query, the order
// rotating from round to round.
log('warming up…');
for (const f of fixtures) {
  for (const v of f.variants) {
    for (let i = 0; i < WARMUP; i++) {
      await timeReport(f, v);
      await timeRaw(f, v);
    }
  }
}
const results = new Map();
const key = (f, v) => `${f.events}|${v.name}`;
for (const f of fixtures) {
  for (const v of f.variants) results.set(key(f, v), { f, v, report: [], raw: [], ratios: [], check: null });
  f.raw30 = [];
}
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...fixtures].reverse() : fixtures;
  for (const f of order) {
    for (const v of f.variants) {
      const r = results.get(key(f, v));
      const pair =
        round % 2
          ? [await timeRaw(f, v), await timeReport(f, v)]
          : [await timeReport(f, v), await timeRaw(f, v)].reverse();
      const [raw, rep] = pair;
      r.raw.push(raw.ms);
      r.report.push(rep.ms);
      r.ratios.push(raw.ms / rep.ms);
      if (round === 0) r.check = compare(rep.report, raw, f.from90, 90);
    }
    f.raw30.push((await timeRaw(f, f.variants[0], f.from30)).ms);
  }
  log(`round ${round + 1}/${ROUNDS} done`);
}
for (const f of fixtures) await f.server.stop();

// Ingestion: batches of BATCH events for days after the fixture's last one (removed afterwards), generated
// beforehand; only the ruche_analytics_ingest calls are timed (each its own transaction, as durable as the
// server's default). Interleaved across the fixtures.
log('ingestion…');
const model = fixture.modelOf({ people: fixtures[0].result.people, spaces: fixtures[0].result.spaces, seed: 1 });
function eventsFor(f, firstDay, count, seed) {
  const r = fixture.rng(seed);
  const counters = { event: 4e9, view: 4e9 };
  const out = [];
  for (let d = 0; out.length < count; d++)
    out.push(...fixture.dayEvents({ ...model, organizationId: f.org }, addDays(firstDay, d), r, counters));
  return out.slice(0, count);
}
for (const f of fixtures) {
  const events = eventsFor(f, addDays(f.lastDay, 1 + REFRESH_DAYS), INGEST_EVENTS, 42);
  f.batches = [];
  for (let i = 0; i < events.length; i += BATCH) f.batches.push(fixture.ingestJson(f.org, events.slice(i, i + BATCH)));
  f.ingestMs = 0;
  f.ingested = 0;
}
for (let i = 0; i < fixtures[0].batches.length; i++) {
  for (const f of i % 2 ? [...fixtures].reverse() : fixtures) {
    const t0 = now();
    const { rows } = await f.sql.query('SELECT ruche_analytics_ingest($1::jsonb) AS n', [f.batches[i]]);
    f.ingestMs += now() - t0;
    f.ingested += rows[0].n;
  }
}

// Incremental refresh: one whole day's events (one call, as the consumer's batch of 5,000 holds a day), for
// REFRESH_DAYS new days.
log('incremental refresh…');
for (const f of fixtures) f.refresh = [];
for (let d = 1; d <= REFRESH_DAYS; d++) {
  for (const f of fixtures) {
    const r = fixture.rng(1000 + d);
    const day = addDays(f.lastDay, d);
    const events = fixture.dayEvents({ ...model, organizationId: f.org }, day, r, {
      event: 5e9 + d * 1e5,
      view: 5e9 + d * 1e5,
    });
    const json = fixture.ingestJson(f.org, events);
    const t0 = now();
    await f.sql.query('SELECT ruche_analytics_ingest($1::jsonb)', [json]);
    f.refresh.push({ ms: now() - t0, events: events.length });
  }
}

// The rollups as the fixture left them, to check the rebuild gives them back (a digest of every row).
const rollupDigest = async (f) =>
  (
    await f.sql.query(
      `SELECT ${fixture.ROLLUPS.map((t) => `(SELECT count(*) || ':' || coalesce(sum(hashtext(r::text)::bigint), 0) FROM ${t} r)`).join(" || ' ' || ")} AS digest`,
    )
  ).rows[0].digest;
const vacuum = (f) => f.sql.query(`VACUUM (ANALYZE) ${fixture.ROLLUPS.join(', ')}`);
for (const f of fixtures) {
  for (const t of ['engagement_events', ...fixture.ROLLUPS.filter((r) => r !== 'engagement_space_people')]) {
    await f.sql.query(`DELETE FROM ${t} WHERE organization_id = $1 AND day > $2`, [f.org, f.lastDay]);
  }
  // A bit per day and year: the later years' rows go, the last year's later bits are cleared.
  const year = Number(f.lastDay.slice(0, 4));
  const bits = Math.round((Date.parse(`${f.lastDay}T00:00:00Z`) - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
  await f.sql.query(`DELETE FROM engagement_space_people WHERE organization_id = $1 AND year > $2`, [f.org, year]);
  await f.sql.query(
    `UPDATE engagement_space_people SET active = active & (repeat('1', $3) || repeat('0', 366 - $3))::bit(366)
     WHERE organization_id = $1 AND year = $2`,
    [f.org, year, bits],
  );
  await f.sql.query(`DELETE FROM engagement_space_people WHERE organization_id = $1 AND bit_count(active) = 0`, [
    f.org,
  ]);
  await vacuum(f);
}

if (!args['no-rebuild']) {
  for (const f of fixtures) {
    log(`${label(f.events)}: full rebuild…`);
    const before = await rollupDigest(f);
    const c = await f.sql.connect();
    try {
      const t0 = now();
      await c.query('BEGIN');
      await c.query('SELECT ruche_analytics_rebuild()');
      await c.query('COMMIT');
      f.rebuildMs = now() - t0;
    } finally {
      c.release();
    }
    await vacuum(f);
    const after = await rollupDigest(f);
    f.rebuildSame = before === after;
  }
}

// ---------------------------------------------------------------------------------------------------------
// tables

const fmt = (n, d = 2) => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
console.log(
  `PostgreSQL ${version.server_version} (${embedded ? 'embedded' : 'DATABASE_URL'}), Node ${process.version}, ${cpus().length} cores (${cpus()[0].model.trim()}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB; 90 days by DAY, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up; ` +
    `${((now() - started) / 60000).toFixed(1)} min.\n`,
);
console.log(
  '| events | report | engagementReport p50 | p95 | raw events SQL p50 | p95 | raw ÷ report (median of rounds) | days and other figures compared | agree |',
);
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of results.values()) {
  const agree = r.check.diffs.length ? `no: ${r.check.diffs.slice(0, 3).join('; ')}` : 'yes';
  console.log(
    `| ${label(r.f.events)} | ${r.v.name} | ${ms(median(r.report))} | ${ms(percentile(r.report, 95))} | ${ms(median(r.raw))} | ${ms(percentile(r.raw, 95))} | ${fmt(median(r.ratios))} × | ${r.check.checked} + ${r.check.figures} | ${agree} |`,
  );
}
console.log(
  '\n| events | ingestion (ruche_analytics_ingest) | one day refresh (median) | raw 30 days, org ALL (median) | refresh ÷ raw 30 days | full rebuild | rebuild gives the same rollups |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const f of fixtures) {
  const refresh = median(f.refresh.map((x) => x.ms));
  f.eventsPerSecond = (f.ingested / f.ingestMs) * 1000;
  f.refreshRatio = refresh / median(f.raw30);
  console.log(
    `| ${label(f.events)} | ${Math.round(f.eventsPerSecond).toLocaleString('en')} events/s (${f.ingested.toLocaleString('en')} in batches of ${BATCH.toLocaleString('en')}) | ${ms(refresh)} (${Math.round(median(f.refresh.map((x) => x.events)))} events) | ${ms(median(f.raw30))} | ${fmt(f.refreshRatio, 3)} | ${f.rebuildMs ? `${fmt(f.rebuildMs / 1000, 1)} s` : 'not run'} | ${f.rebuildMs ? (f.rebuildSame ? 'yes' : 'NO') : ''} |`,
  );
}
console.log('\n| goal | measured | met |');
console.log('| --- | ---: | --- |');
const goal = (name, value, ok) => console.log(`| ${name} | ${value} | ${ok ? 'yes' : 'no'} |`);
for (const r of results.values()) {
  const p95 = percentile(r.report, 95);
  goal(`${label(r.f.events)} ${r.v.name}: report p95 ≤ 100 ms`, ms(p95), p95 <= 100);
}
for (const r of results.values()) {
  const x = median(r.ratios);
  goal(`${label(r.f.events)} ${r.v.name}: raw ÷ rollup path ≥ 100 ×`, `${fmt(x)} ×`, x >= 100);
}
for (const f of fixtures)
  goal(
    `${label(f.events)}: ingestion ≥ 40,000 events/s`,
    Math.round(f.eventsPerSecond).toLocaleString('en'),
    f.eventsPerSecond >= 40_000,
  );
for (const f of fixtures)
  goal(`${label(f.events)}: one day refresh ≤ 0.15 × raw 30 days`, fmt(f.refreshRatio, 3), f.refreshRatio <= 0.15);
for (const f of fixtures)
  if (f.rebuildMs)
    goal(`${label(f.events)}: full rebuild ≤ 120 s`, `${fmt(f.rebuildMs / 1000, 1)} s`, f.rebuildMs <= 120_000);
if (fixtures.length > 1) {
  const [small, big] = [fixtures[0], fixtures.at(-1)];
  for (const v of small.variants) {
    const g =
      percentile(
        results.get(
          key(
            big,
            big.variants.find((x) => x.name === v.name),
          ),
        ).report,
        95,
      ) / percentile(results.get(key(small, v)).report, 95);
    goal(`${v.name}: report p95 ${label(big.events)} ÷ ${label(small.events)} ≤ 1.5`, fmt(g), g <= 1.5);
  }
}

for (const f of fixtures) await f.sql.end();
await embedded?.stop();
