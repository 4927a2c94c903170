import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { fromGlobalId, toGlobalId } from '@ruche/kernel';
import { freePort, withDatabase } from '@ruche/testing';
import { LOAD_MANAGER_EMAIL, LOAD_PASSWORD } from '../../apps/api/src/load-fixture';
import { alive, exited, MAIN, RELAXED_LIMITS, sleep, sql } from '../support/processes';

export { exited, sleep, sql };
import { TEST_JWT_SECRET } from '../support/test-app';

/** Set by the global setup: a stopped PostgreSQL data folder with the migrated schema and the load fixture. */
export const TEMPLATE_DIR_ENV = 'RUCHE_RELIABILITY_TEMPLATE';
/** The application role's password in the template cluster. */
export const APP_PASSWORD = 'ruche-reliability-app-role';
export const DATABASE = 'ruche';
export const LAUNCHER = join(
  __dirname,
  '..',
  '..',
  'dist',
  'libs',
  'platform',
  'database',
  'src',
  'embedded-postgres.js',
);
/** Where each scenario writes its figures (docs/reliability.md quotes them). */
export const RESULTS_DIR = join(__dirname, '..', '..', 'test-output', 'reliability');

export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL the test owns

/**
 * embedded-postgres is ESM only and Jest's sandbox cannot load it, so each life of a server is run by a small
 * Node process calling the built `startEmbeddedPostgres`. It prints `READY <adminUrl>`, forwards the server's log
 * to stderr, and stops the server (fast shutdown) on SIGTERM.
 */
const PG_RUNNER = `
const { startEmbeddedPostgres } = require(process.env.LAUNCHER);
startEmbeddedPostgres({
  dir: process.env.PG_DIR,
  port: Number(process.env.PG_PORT),
  persistent: true,
  settings: JSON.parse(process.env.PG_SETTINGS),
  onLog: (message) => process.stderr.write(message),
}).then(
  (pg) => {
    process.once('SIGTERM', () => pg.stop().then(() => process.exit(0)));
    process.stdout.write('READY ' + pg.adminUrl + '\\n');
  },
  (error) => {
    process.stderr.write(String((error && error.stack) || error) + '\\n');
    process.exit(1);
  },
);`;

export interface Postgres {
  dir: string;
  port: number;
  adminUrl: string;
  /** The owner's URL of the `ruche` database. */
  url: string;
  /** The application role's URL of the `ruche` database. */
  appUrl: string;
  log(): string;
  /** Fast shutdown (as `pg_ctl stop -m fast`); resolves once the postmaster is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: connections stay open, nothing answers. */
  freeze(): number;
  thaw(): void;
  /** Stops everything for good (cleanup). */
  destroy(): Promise<void>;
}

function postmasterPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** The postmaster and its children (backends, checkpointer, walwriter…), from /proc. */
function postgresPids(dir: string): number[] {
  const root = postmasterPid(dir);
  if (!root) return [];
  const pids = [root];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === root) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function runPostgres(dir: string, port: number, settings: Record<string, string>) {
  const runner = spawn(process.execPath, ['-e', PG_RUNNER], {
    env: { ...process.env, LAUNCHER, PG_DIR: dir, PG_PORT: String(port), PG_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let log = '';
  runner.stdout!.on('data', (c) => (out += c));
  runner.stderr!.on('data', (c) => (log += c));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PostgreSQL not ready:\n${log.slice(-2000)}`)), 60_000);
    const check = setInterval(() => {
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(m[1]!);
      }
    }, 20);
    runner.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`PostgreSQL runner exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
  return { runner, ready, log: () => log };
}

/** Server settings of every cluster here: durable commits (a write acknowledged is on disk), room for two APIs. */
export const PG_SETTINGS = { max_connections: '100', shared_buffers: '128MB' };

/** Starts PostgreSQL on `dir` (an existing cluster, or a new one) on a free port. */
export async function startPostgres(dir: string): Promise<Postgres> {
  const port = await freePort();
  let life = runPostgres(dir, port, PG_SETTINGS);
  let logs = '';
  const adminUrl = await life.ready;
  const appUrl = new URL(withDatabase(adminUrl, DATABASE));
  appUrl.username = 'ruche_app';
  appUrl.password = APP_PASSWORD;
  let frozen: number[] = [];
  const pg: Postgres = {
    dir,
    port,
    adminUrl,
    url: withDatabase(adminUrl, DATABASE),
    appUrl: appUrl.toString(),
    log: () => logs + life.log(),
    async stop() {
      const pid = postmasterPid(dir);
      life.runner.kill('SIGTERM');
      await exited(life.runner, 20_000);
      const started = Date.now();
      while (pid && alive(pid) && Date.now() - started < 20_000) await sleep(20);
      logs += life.log();
    },
    async start() {
      life = runPostgres(dir, port, PG_SETTINGS);
      await life.ready;
    },
    freeze() {
      frozen = postgresPids(dir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      return frozen.length;
    },
    thaw() {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // exited
        }
      }
      frozen = [];
    },
    async destroy() {
      pg.thaw();
      if (life.runner.exitCode === null && life.runner.signalCode === null) {
        life.runner.kill('SIGTERM');
        if (!(await exited(life.runner, 15_000))) life.runner.kill('SIGKILL');
      }
      const pid = postmasterPid(dir);
      if (pid) process.kill(pid, 'SIGKILL');
    },
  };
  return pg;
}

/** A scenario's own PostgreSQL: a copy of the template cluster (schema and fixture), started on a free port. */
export async function ownPostgres(): Promise<{ pg: Postgres; root: string; cleanup: () => Promise<void> }> {
  const template = process.env[TEMPLATE_DIR_ENV];
  if (!template || !existsSync(template)) throw new Error('the reliability global setup did not run');
  const root = mkdtempSync(join(tmpdir(), 'ruche-reliability-'));
  const dir = join(root, 'pg');
  cpSync(template, dir, { recursive: true, preserveTimestamps: true });
  if (process.getuid?.() === 0) chownTree(dir);
  const pg = await startPostgres(dir);
  return {
    pg,
    root,
    cleanup: async () => {
      await pg.destroy();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Under root the embedded server runs as `postgres`, which must own the copy (cpSync does not keep owners). */
function chownTree(dir: string): void {
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  execFileSync('chmod', ['0700', dir]);
}

// ---------------------------------------------------------------------------------------------------------
// API processes

export interface Api {
  port: number;
  child: ChildProcess;
  output(): string;
  dead(): boolean;
}

/**
 * The built server (`node dist/apps/api/src/main.js`, as `npm start` runs it) on `pg`, ready once /health/ready
 * answers 200. LOG_LEVEL defaults to warn here: the request log of a load run would cost the API CPU the
 * measurement is about (RELIABILITY_LOG_LEVEL=info to see it).
 */
export async function startApi(pg: Postgres, root: string, env: Record<string, string> = {}): Promise<Api> {
  const port = await freePort();
  const {
    DATABASE_URL: _u,
    DATABASE_APP_URL: _a,
    DATABASE_APP_PASSWORD: _p,
    REDIS_URL: _r,
    ...parentEnv
  } = process.env;
  const dataDir = join(root, `data-${port}`);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...parentEnv,
      // As deployed: production mode (no GraphiQL or introspection, OWASP Argon2id, mail to files here).
      NODE_ENV: 'production',
      MAIL_TRANSPORT: 'file',
      AUTH_THROTTLE_PER_MINUTE: '1000000',
      ...RELAXED_LIMITS,
      PORT: String(port),
      DATABASE_URL: pg.url,
      DATABASE_APP_URL: pg.appUrl,
      DB_MIGRATE_ON_START: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.RELIABILITY_LOG_LEVEL ?? 'warn',
      DIGEST_INTERVAL_MINUTES: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (c: Buffer) => {
    out += c;
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const api: Api = {
    port,
    child,
    output: () => out,
    dead: () => child.exitCode !== null || child.signalCode !== null,
  };
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (api.dead()) throw new Error(`the API exited (${child.exitCode ?? child.signalCode}):\n${out.slice(-3000)}`);
    const res = await http(port, 'GET', '/health/ready', undefined, {}, 1000).catch(() => null);
    if (res?.status === 200) return api;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`the API was not ready in 60 s:\n${out.slice(-3000)}`);
}

export async function stopApi(api: Api | undefined): Promise<void> {
  if (!api || api.dead()) return;
  api.child.kill('SIGKILL');
  await exited(api.child, 5000);
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

/**
 * Keep-alive, with idle sockets dropped after 4 s: the server closes them after 5 s (Node's keepAliveTimeout), and
 * a request sent on a socket the server is closing that instant fails with ECONNRESET, a client-side race that
 * says nothing about the server.
 */
export const agent = new Agent({ keepAlive: true, maxSockets: 512, timeout: 4000 });

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request on the keep-alive agent; rejects on a network error or after `timeoutMs`. */
export function http(
  port: number,
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

export interface GqlAnswer {
  /** `ok`, an error code (`SERVICE_UNAVAILABLE`…), `http-<status>`, `net-<code>` or `TIMEOUT`. */
  outcome: string;
  data?: any;
  errors?: any[];
  ms: number;
  headers?: HttpAnswer['headers'];
}

/** GraphQL over HTTP; never throws: the outcome says what happened. */
export async function gql(
  port: number,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
  extraHeaders: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<GqlAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extraHeaders,
  };
  try {
    const res = await http(port, 'POST', '/graphql', JSON.stringify({ query, variables }), headers, timeoutMs);
    const ms = performance.now() - started;
    let parsed: { data?: any; errors?: any[] };
    try {
      parsed = JSON.parse(res.body);
    } catch {
      return { outcome: `http-${res.status}`, ms, headers: res.headers };
    }
    if (parsed.errors?.length) {
      return {
        outcome: String(parsed.errors[0]?.extensions?.code ?? 'UNKNOWN'),
        errors: parsed.errors,
        data: parsed.data,
        ms,
        headers: res.headers,
      };
    }
    if (res.status !== 200) return { outcome: `http-${res.status}`, ms, headers: res.headers };
    return { outcome: 'ok', data: parsed.data, ms, headers: res.headers };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    return { outcome: code === 'TIMEOUT' ? 'TIMEOUT' : `net-${code}`, ms: performance.now() - started };
  }
}

/** The data of a GraphQL call that must succeed. */
export async function must(port: number, query: string, variables: Record<string, unknown>, token?: string) {
  const a = await gql(port, query, variables, token);
  if (a.outcome !== 'ok') throw new Error(`${a.outcome}: ${JSON.stringify(a.errors ?? '')}`);
  return a.data;
}

// ---------------------------------------------------------------------------------------------------------
// The fixture's viewer and what they write to

export const FEED = `query Feed($first: Int!) {
  feed(first: $first) {
    edges { cursor node {
      id spaceId kind title bodyHtml createdAt editedAt pinned hidden deleted tags commentCount reactionCount
      viewerReaction author { id displayName } authorBadge { kind label }
      idea { status voteCount viewerVoted }
      viewerCan { react comment update delete pin report }
    } }
    pageInfo { endCursor hasNextPage }
  }
}`;
export const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
export const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
export const REACT = `mutation($input: ReactInput!) { react(input: $input) { post { id reactionCount } } }`;

export interface Viewer {
  token: string;
  userId: string;
  /** Internal spaces the viewer belongs to (uuid and global id). */
  spaces: { id: string; gid: string }[];
  /** Posts in those spaces the viewer has not reacted to (global ids), for writes one row each. */
  freshPosts: string[];
}

/** Signs the fixture's manager in; the spaces and posts they write to. */
export async function fixtureViewer(pg: Postgres, port: number, posts = 2000): Promise<Viewer> {
  const { signIn } = await must(port, `mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }`, {
    input: { email: LOAD_MANAGER_EMAIL, password: LOAD_PASSWORD },
  });
  const [{ id: userId }] = await sql<{ id: string }>(pg.url, `SELECT id FROM users WHERE email = $1`, [
    LOAD_MANAGER_EMAIL,
  ]);
  const spaces = await sql<{ id: string }>(
    pg.url,
    `SELECT s.id FROM spaces s JOIN space_memberships m ON m.space_id = s.id
      WHERE m.user_id = $1 AND s.kind = 'INTERNAL' ORDER BY s.id LIMIT 8`,
    [userId],
  );
  if (!spaces.length) throw new Error('the fixture manager belongs to no internal space');
  const fresh = await sql<{ id: string }>(
    pg.url,
    `SELECT p.id FROM posts p WHERE p.space_id = ANY($1::uuid[]) AND p.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM post_reactions r WHERE r.post_id = p.id AND r.user_id = $2)
      ORDER BY p.id LIMIT $3`,
    [spaces.map((s) => s.id), userId, posts],
  );
  return {
    token: signIn.accessToken,
    userId,
    spaces: spaces.map((s) => ({ id: s.id, gid: toGlobalId('Space', s.id) })),
    freshPosts: fresh.map((p) => toGlobalId('Post', p.id)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Open-loop load

export interface Sample {
  /** Scheduled send time, ms from the start of the run. */
  at: number;
  /** From the scheduled time (queueing in the client included: no coordinated omission). */
  ms: number;
  outcome: string;
  kind: string;
}

/**
 * Sends `rate` requests per second for `seconds`, each at its scheduled time whether or not earlier ones have
 * answered (open loop), and waits for all answers. `send(i)` returns the request's kind and outcome.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  send: (i: number) => Promise<{ kind: string; outcome: string }>,
  stop?: () => boolean,
): Promise<{ samples: Sample[]; wallSeconds: number }> {
  const samples: Sample[] = [];
  const inFlight: Promise<void>[] = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let i = 0;
  while (i < total && !stop?.()) {
    const now = performance.now() - start;
    while (i < total && (i * 1000) / rate <= now) {
      const at = (i * 1000) / rate;
      const n = i++;
      inFlight.push(
        send(n).then((r) => {
          samples.push({ at, ms: performance.now() - start - at, outcome: r.outcome, kind: r.kind });
        }),
      );
    }
    await sleep(Math.max(1, (i * 1000) / rate - (performance.now() - start)));
  }
  await Promise.all(inFlight);
  return { samples, wallSeconds: (performance.now() - start) / 1000 };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summary(samples: Sample[]) {
  const ms = samples.map((s) => s.ms);
  const outcomes: Record<string, number> = {};
  for (const s of samples) outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    requests: samples.length,
    outcomes,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    p99: round(percentile(ms, 99)),
    max: round(Math.max(...ms)),
    /** Seconds of the run (by send time) whose slowest answer took over a second. */
    slowSeconds: [...new Set(samples.filter((x) => x.ms > 1000).map((x) => Math.floor(x.at / 1000)))].sort(
      (a, b) => a - b,
    ),
  };
}

/** Writes a scenario's figures to test-output/reliability/<name>.json and prints them. */
export function record(name: string, figures: Record<string, unknown>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const entry = { scenario: name, at: new Date().toISOString(), ...figures };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  console.info(`${name}: ${JSON.stringify(figures)}`);
}

// ---------------------------------------------------------------------------------------------------------
// A realtime client that follows docs/realtime.md

export interface SpaceEvent {
  type: string;
  stream: string;
  seq: number;
  payload: { postId?: string };
}

/**
 * Subscribed to one space: keeps every event by seq (a duplicate is counted and dropped), the contiguous prefix
 * as `last`, and resubscribes with `since = last` when a seq jumps or the socket drops (on `port()`, which may
 * name another node by then).
 */
export class SpaceWatcher {
  readonly events = new Map<number, SpaceEvent>();
  stream = '';
  baseline = 0;
  last = 0;
  duplicates = 0;
  drops = 0;
  resubscribes = 0;
  replayed = 0;
  private socket: Socket | undefined;
  private closing = false;
  private resubscribing = false;

  constructor(
    private readonly port: () => number,
    private readonly token: string,
    private readonly spaceId: string,
  ) {}

  async start(): Promise<void> {
    await this.connect(undefined);
  }

  close(): void {
    this.closing = true;
    this.socket?.disconnect();
  }

  /** The port the socket is connected to now. */
  connectedTo = 0;

  private advance(): void {
    while (this.events.has(this.last + 1)) this.last++;
  }

  private async connect(since: number | undefined): Promise<void> {
    const port = this.port();
    const socket = io(`http://127.0.0.1:${port}/rt`, {
      auth: { token: this.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket = socket;
    socket.onAny((type: string, e: SpaceEvent) => {
      if (!e || typeof e.seq !== 'number' || e.stream !== this.stream) return;
      if (e.seq <= this.last || this.events.has(e.seq)) {
        this.duplicates++;
        return;
      }
      this.events.set(e.seq, { ...e, type });
      this.advance();
      if (e.seq > this.last + 1) void this.resubscribe();
    });
    socket.on('disconnect', () => {
      if (this.closing || this.socket !== socket) return;
      this.drops++;
      void this.reconnect();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket connect timed out')), 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (e) => {
        clearTimeout(timer);
        socket.disconnect();
        reject(e);
      });
    });
    this.connectedTo = port;
    await this.subscribe(socket, since);
  }

  private async subscribe(socket: Socket, since: number | undefined): Promise<void> {
    const ack = await socket
      .timeout(10_000)
      .emitWithAck('subscribe', { spaceId: this.spaceId, ...(since !== undefined ? { since } : {}) });
    if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
    if (since === undefined) {
      this.stream = ack.stream;
      this.baseline = this.last = ack.seq;
    } else {
      this.replayed += ack.replayed;
    }
  }

  private async reconnect(): Promise<void> {
    while (!this.closing) {
      try {
        return await this.connect(this.last);
      } catch {
        await sleep(200);
      }
    }
  }

  /** A seq jumped: what is missing is asked again (once at a time). */
  private async resubscribe(): Promise<void> {
    if (this.resubscribing || !this.socket) return;
    this.resubscribing = true;
    try {
      await sleep(300); // an event merely overtaken arrives meanwhile
      if (this.closing) return;
      if ([...this.events.keys()].some((s) => s > this.last + 1)) {
        this.resubscribes++;
        await this.subscribe(this.socket, this.last).catch(() => undefined);
      }
    } finally {
      this.resubscribing = false;
    }
  }

  /** Post ids announced by `post:created`, one per seq. */
  postsCreated(): string[] {
    return [...this.events.values()].filter((e) => e.type === 'post:created').map((e) => e.payload.postId!);
  }

  /** Whether every seq from the subscription to `upTo` arrived. */
  contiguousTo(upTo: number): boolean {
    return this.last >= upTo;
  }
}

export async function until(what: string | (() => string), check: () => boolean | Promise<boolean>, ms = 15_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(50);
  }
}

/** The outbox of one stream, in seq order. */
export function outbox(pg: Postgres, stream: string) {
  return sql<{ seq: string; type: string; postId: string | null }>(
    pg.url,
    `SELECT seq, type, payload->>'postId' AS "postId" FROM outbox_events WHERE stream = $1 ORDER BY seq`,
    [stream],
  );
}

// ---------------------------------------------------------------------------------------------------------
// A mixed load: feed reads and createPost / addComment / react writes

export type WriteKind = 'createPost' | 'addComment' | 'react';

export interface Mixed {
  /** Acknowledged writes, by kind: the post id (createPost, react) or the comment id. */
  acked: Record<WriteKind, string[]>;
  /** Writes not acknowledged (any other outcome), by kind. */
  unacked: Record<WriteKind, number>;
  /** Posts reacted to (acknowledged or not). */
  reacted: Set<string>;
  send(i: number, port: number): Promise<{ kind: string; outcome: string }>;
}

/**
 * `writeShare` of the requests are writes, the rest feed pages. Writes are tagged with `tag` (post titles and
 * comment bodies), so their rows can be counted; each react goes to a post the viewer had not reacted to, so
 * every acknowledged react is one new row. `kinds` limits the writes (the realtime scenarios post only).
 */
export function mixedLoad(
  viewer: Viewer,
  tag: string,
  writeShare: number,
  kinds: WriteKind[] = ['createPost', 'addComment', 'react'],
): Mixed {
  const acked: Mixed['acked'] = { createPost: [], addComment: [], react: [] };
  const unacked: Mixed['unacked'] = { createPost: 0, addComment: 0, react: 0 };
  const reacted = new Set<string>();
  let nextFresh = 0;
  let writes = 0;
  const every = Math.round(1 / writeShare);
  return {
    acked,
    unacked,
    reacted,
    async send(i, port) {
      if (i % every !== every - 1) {
        const a = await gql(port, FEED, { first: 20 }, viewer.token);
        return { kind: 'feed', outcome: a.outcome };
      }
      const n = writes++;
      const kind = kinds[n % kinds.length]!;
      const space = viewer.spaces[n % viewer.spaces.length]!;
      const target = viewer.freshPosts[n % viewer.freshPosts.length]!;
      let a: GqlAnswer;
      let id: () => string;
      if (kind === 'createPost') {
        a = await gql(
          port,
          CREATE_POST,
          { input: { spaceId: space.gid, title: `${tag} ${n}`, body: 'reliability' } },
          viewer.token,
        );
        id = () => a.data.createPost.post.id;
      } else if (kind === 'addComment') {
        a = await gql(port, ADD_COMMENT, { input: { postId: target, body: `${tag} ${n}` } }, viewer.token);
        id = () => a.data.addComment.comment.id;
      } else {
        const post = viewer.freshPosts[nextFresh++];
        if (!post) throw new Error('not enough posts to react to');
        reacted.add(post);
        a = await gql(port, REACT, { input: { postId: post, kind: 'LIKE' } }, viewer.token);
        id = () => post;
      }
      if (a.outcome === 'ok') acked[kind].push(id());
      else unacked[kind]++;
      return { kind, outcome: a.outcome };
    },
  };
}

/** Rows the database has for a mixed load's writes. */
export async function writtenRows(pg: Postgres, viewer: Viewer, tag: string, reacted: Set<string>) {
  const uuid = (gid: string) => fromGlobalId(gid, 'Post');
  const [counts] = await sql<{ posts: number; comments: number; reactions: number }>(
    pg.url,
    `SELECT (SELECT count(*)::int FROM posts WHERE title LIKE $1) AS posts,
            (SELECT count(*)::int FROM comments WHERE body LIKE $1) AS comments,
            (SELECT count(*)::int FROM post_reactions WHERE user_id = $2 AND post_id = ANY($3::uuid[])) AS reactions`,
    [`${tag} %`, viewer.userId, [...reacted].map(uuid)],
  );
  return counts!;
}

/** Outcomes by kind and phase. */
export function tally(samples: Sample[], phaseOf: (s: Sample) => string) {
  const out: Record<string, Record<string, number>> = {};
  for (const s of samples) {
    const p = (out[phaseOf(s)] ??= {});
    p[s.outcome] = (p[s.outcome] ?? 0) + 1;
  }
  return out;
}
