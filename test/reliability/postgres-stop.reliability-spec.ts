import {
  envInt,
  fixtureViewer,
  http,
  mixedLoad,
  openLoop,
  outbox,
  ownPostgres,
  record,
  sleep,
  SpaceWatcher,
  startApi,
  stopApi,
  summary,
  tally,
  until,
  writtenRows,
  type Api,
  type Sample,
} from './support';

/**
 * 3. PostgreSQL stopped (fast shutdown) for 10 s under a mixed load of feed pages and posts, then started again;
 * the API is never restarted. While it is down every request answers SERVICE_UNAVAILABLE at once (never a
 * hang, INTERNAL_SERVER_ERROR or UNAUTHENTICATED) and /health/ready fails; afterwards everything answers again,
 * every acknowledged post is in the database, and a socket.io client subscribed to the space receives each
 * acknowledged post's event exactly once (duplicates dropped by seq, as docs/realtime.md says), with no gap.
 */
describe('PostgreSQL stopped under load', () => {
  let env: Awaited<ReturnType<typeof ownPostgres>>;
  let api: Api | undefined;
  let watcher: SpaceWatcher | undefined;
  afterAll(async () => {
    watcher?.close();
    await stopApi(api);
    await env?.cleanup();
  });

  it('answers SERVICE_UNAVAILABLE fast, recovers without a restart and loses nothing', async () => {
    const rate = envInt('RELIABILITY_OUTAGE_RATE', 40);
    const downMs = envInt('RELIABILITY_OUTAGE_MS', 10_000);
    env = await ownPostgres();
    api = await startApi(env.pg, env.root);
    const viewer = await fixtureViewer(env.pg, api.port, 1);
    viewer.spaces = viewer.spaces.slice(0, 1);
    watcher = new SpaceWatcher(() => api!.port, viewer.token, viewer.spaces[0]!.gid);
    await watcher.start();

    const tag = `outage-${Date.now()}`;
    const load = mixedLoad(viewer, tag, 0.25, ['createPost']);
    const BEFORE = 8_000;
    const AFTER = 12_000;
    let stopping = Infinity;
    let stoppedAt = Infinity;
    let restarting = Infinity;
    let restartedAt = Infinity;
    const readiness: { at: number; status: number }[] = [];
    const t0 = performance.now();
    const outage = (async () => {
      await sleep(BEFORE);
      stopping = performance.now() - t0;
      await env.pg.stop();
      stoppedAt = performance.now() - t0;
      const downUntil = stopping + downMs;
      while (performance.now() - t0 < downUntil) {
        const r = await http(api!.port, 'GET', '/health/ready', undefined, {}, 5000).catch(() => ({ status: 0 }));
        readiness.push({ at: performance.now() - t0, status: r.status });
        await sleep(500);
      }
      restarting = performance.now() - t0;
      await env.pg.start();
      restartedAt = performance.now() - t0;
    })();
    const run = await openLoop(rate, (BEFORE + downMs + AFTER) / 1000, (i) => load.send(i, api!.port));
    await outage.catch((e) => {
      throw new Error(`${e}\n${env.pg.log().slice(-3000)}`);
    });
    if (api.dead())
      throw new Error(`the API died (${api.child.exitCode ?? api.child.signalCode}):\n${api.output().slice(-4000)}`);
    const after = await http(api.port, 'GET', '/health/ready', undefined, {}, 5000);

    // Phases by send time; a request sent in the 3 s before the shutdown (DB_CONNECT_TIMEOUT_MS, on a loaded
    // machine) or during it may meet it, and one sent while the server starts may find it ready.
    const phase = (s: Sample) =>
      s.at < stopping - 3000
        ? 'before'
        : s.at < stoppedAt
          ? 'edge'
          : s.at < restarting
            ? 'down'
            : s.at < restartedAt
              ? 'starting'
              : s.at < restartedAt + 3000
                ? 'recovering'
                : 'after';
    const byPhase = tally(run.samples, phase);
    const down = run.samples.filter((s) => phase(s) === 'down');

    // Every committed event reaches the client.
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
    const ackedPosts = load.acked.createPost;
    const missing = ackedPosts.filter((id) => !told.includes(id));

    record('postgres-stop', {
      rate,
      downMs,
      shutdownMs: Math.round(stoppedAt - stopping),
      byPhase,
      downLatency: summary(down),
      readiness: readiness.map((r) => r.status),
      readyAfter: after.status,
      recoveredAfterMs: (() => {
        const firstOk = run.samples
          .filter((s) => s.at >= restartedAt && s.outcome === 'ok')
          .sort((a, b) => a.at - b.at)[0];
        return firstOk ? Math.round(firstOk.at + firstOk.ms - restartedAt) : null;
      })(),
      postsAcked: ackedPosts.length,
      postsUnacked: load.unacked.createPost,
      postsInDatabase: written.posts,
      events: rows.length,
      eventsApplied: watcher.events.size,
      duplicatesDropped: watcher.duplicates,
      socketDrops: watcher.drops,
      resubscribes: watcher.resubscribes,
      replayed: watcher.replayed,
    });

    const internal = api
      .output()
      .split('\n')
      .filter((l) => l.includes('"level":50') && !l.includes('Health Check'));
    if (internal.length) console.info(`API errors:\n${internal.slice(0, 4).join('\n').slice(0, 6000)}`);
    const codes = new Set(run.samples.map((s) => s.outcome));
    expect([...codes].filter((c) => c !== 'ok' && c !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(byPhase.before).toEqual({ ok: expect.any(Number) });
    expect(byPhase.after).toEqual({ ok: expect.any(Number) });
    // While down: refused at once (DB_CONNECT_TIMEOUT_MS is the worst case), never hung.
    expect(down.length).toBeGreaterThan(rate * (downMs / 1000) * 0.9);
    expect(down.every((s) => s.outcome === 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(summary(down).max).toBeLessThan(3500);
    expect(readiness.length).toBeGreaterThan(5);
    expect(readiness.every((r) => r.status === 503)).toBe(true);
    expect(after.status).toBe(200);
    // Nothing acknowledged is lost; the client got each acknowledged post once, and the stream has no gap.
    expect(written.posts).toBeGreaterThanOrEqual(ackedPosts.length);
    expect(missing).toEqual([]);
    expect(new Set(told).size).toBe(told.length);
    expect([...watcher.events.keys()].sort((a, b) => a - b)).toEqual(
      rows.map((r) => Number(r.seq)).filter((s) => s > watcher!.baseline),
    );
    expect(told.length).toBe(written.posts);
  });
});
