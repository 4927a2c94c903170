import { Client } from 'pg';
import {
  envInt,
  exited,
  fixtureViewer,
  mixedLoad,
  openLoop,
  outbox,
  ownPostgres,
  record,
  sleep,
  SpaceWatcher,
  sql,
  startApi,
  stopApi,
  summary,
  tally,
  until,
  writtenRows,
  type Api,
} from './support';

/**
 * 5. Two API processes on one database, a load of feed pages and posts spread over both, and a socket.io client
 * on the first. SIGTERM to the first, with a burst of requests in flight on it: the load balancer (the driver
 * here) sends new requests to the second from then on (it took the first out just before the signal, as a
 * balancer draining a node does); every request the first had accepted finishes, and the
 * client comes back on the second with `since` = its last seq, missing nothing and seeing nothing twice.
 */
describe('SIGTERM to one of two API processes under load', () => {
  let env: Awaited<ReturnType<typeof ownPostgres>>;
  let a: Api | undefined;
  let b: Api | undefined;
  let watcher: SpaceWatcher | undefined;
  afterAll(async () => {
    watcher?.close();
    await stopApi(a);
    await stopApi(b);
    await env?.cleanup();
  });

  const IN_FLIGHT = 8;

  it('finishes in-flight requests and resumes sockets on the other node without a gap', async () => {
    const rate = envInt('RELIABILITY_SIGTERM_RATE', 40);
    env = await ownPostgres();
    a = await startApi(env.pg, env.root);
    b = await startApi(env.pg, env.root);
    const viewer = await fixtureViewer(env.pg, a.port, 1);
    viewer.spaces = viewer.spaces.slice(0, 1);
    let terminated = false;
    watcher = new SpaceWatcher(() => (terminated ? b!.port : a!.port), viewer.token, viewer.spaces[0]!.gid);
    await watcher.start();

    const tag = `sigterm-${Date.now()}`;
    const load = mixedLoad(viewer, tag, 0.25, ['createPost']);
    const sentTo = { a: 0, b: 0 };
    const BEFORE = 8000;
    const AFTER = 10_000;
    let burst: Promise<{ outcome: string }[]> = Promise.resolve([]);
    let exitMs = 0;
    let waitingAtSigterm = 0;
    const kill = (async () => {
      await sleep(BEFORE);
      // The balancer takes the first node out (new requests go to the second), while requests it accepted are
      // still running there: posts held by a lock on the posts table, so they are surely in flight at SIGTERM.
      const lock = new Client({ connectionString: env.pg.url });
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE posts IN EXCLUSIVE MODE');
      terminated = true;
      burst = Promise.all(Array.from({ length: IN_FLIGHT }, () => load.send(3, a!.port)));
      await until('posts waiting on the lock', async () => {
        const [{ n }] = await sql<{ n: number }>(
          env.pg.url,
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND usename = 'ruche_app'`,
        );
        waitingAtSigterm = n;
        return n >= IN_FLIGHT;
      });
      const signalled = performance.now();
      a!.child.kill('SIGTERM');
      await sleep(1000); // shutting down, its requests still waiting
      await lock.query('COMMIT');
      await lock.end();
      await exited(a!.child, 15_000);
      exitMs = performance.now() - signalled;
    })();
    const run = await openLoop(rate, (BEFORE + AFTER) / 1000, (i) => {
      const node = terminated ? b! : i % 2 ? a! : b!;
      sentTo[node === a ? 'a' : 'b']++;
      return load.send(i, node.port);
    });
    await kill;
    const inFlight = await burst;

    let events = 0;
    await until(
      () => `the client to catch up (${watcher!.last} of ${events})`,
      async () => {
        const rows = await outbox(env.pg, watcher!.stream);
        events = rows.length ? Number(rows.at(-1)!.seq) : 0;
        return watcher!.last >= events;
      },
      20_000,
    );
    const rows = await outbox(env.pg, watcher.stream);
    const written = await writtenRows(env.pg, viewer, tag, load.reacted);
    const told = watcher.postsCreated();
    record('sigterm', {
      rate,
      sentTo,
      inFlightAtSigterm: inFlight.length,
      waitingOnTheLockAtSigterm: waitingAtSigterm,
      inFlightOutcomes: inFlight.reduce<Record<string, number>>(
        (m, r) => ((m[r.outcome] = (m[r.outcome] ?? 0) + 1), m),
        {},
      ),
      exitCode: a.child.exitCode,
      shutdownMs: Math.round(exitMs),
      outcomes: tally(run.samples, (s) => (s.at < BEFORE ? 'before' : 'after')),
      latency: summary(run.samples),
      postsAcked: load.acked.createPost.length,
      postsInDatabase: written.posts,
      events: rows.length,
      eventsApplied: watcher.events.size,
      socketDrops: watcher.drops,
      replayed: watcher.replayed,
      duplicatesDropped: watcher.duplicates,
      socketNowOn: watcher.connectedTo === b.port ? 'second node' : 'first node',
    });
    expect(a.child.exitCode).toBe(0);
    expect(inFlight.map((r) => r.outcome)).toEqual(Array(IN_FLIGHT).fill('ok'));
    expect(summary(run.samples).outcomes).toEqual({ ok: run.samples.length });
    expect(watcher.drops).toBe(1);
    expect(watcher.connectedTo).toBe(b.port);
    expect(written.posts).toBe(load.acked.createPost.length);
    expect(new Set(told).size).toBe(told.length);
    expect(load.acked.createPost.filter((id) => !told.includes(id))).toEqual([]);
    expect([...watcher.events.keys()].sort((x, y) => x - y)).toEqual(
      rows.map((r) => Number(r.seq)).filter((s) => s > watcher!.baseline),
    );
  });
});
