import {
  envInt,
  fixtureViewer,
  mixedLoad,
  openLoop,
  ownPostgres,
  record,
  sleep,
  startApi,
  stopApi,
  summary,
  tally,
  type Api,
  type Sample,
} from './support';

/**
 * 4. PostgreSQL frozen (SIGSTOP to the postmaster and every backend: connections stay open, nothing answers) for
 * about 8 s under load, then SIGCONT. No request waits much longer than REQUEST_TIMEOUT_MS (5 s here), the
 * answers are SERVICE_UNAVAILABLE, and everything answers again after SIGCONT without restarting the API.
 */
describe('PostgreSQL frozen under load', () => {
  let env: Awaited<ReturnType<typeof ownPostgres>>;
  let api: Api | undefined;
  afterAll(async () => {
    env?.pg.thaw();
    await stopApi(api);
    await env?.cleanup();
  });

  it('answers within the request deadline, then recovers', async () => {
    const rate = envInt('RELIABILITY_FREEZE_RATE', 40);
    const frozenMs = envInt('RELIABILITY_FREEZE_MS', 8000);
    const deadline = 5000;
    env = await ownPostgres();
    api = await startApi(env.pg, env.root, { REQUEST_TIMEOUT_MS: String(deadline) });
    const viewer = await fixtureViewer(env.pg, api.port, 1);
    const load = mixedLoad(viewer, `freeze-${Date.now()}`, 0.25, ['createPost']);
    const BEFORE = 6000;
    const AFTER = 14_000;
    let frozenAt = Infinity;
    let thawedAt = Infinity;
    let processes = 0;
    const t0 = performance.now();
    const freeze = (async () => {
      await sleep(BEFORE);
      frozenAt = performance.now() - t0;
      processes = env.pg.freeze();
      await sleep(frozenMs);
      env.pg.thaw();
      thawedAt = performance.now() - t0;
    })();
    // The client gives up after 30 s: a request still unanswered then counts as a hang.
    const run = await openLoop(rate, (BEFORE + frozenMs + AFTER) / 1000, (i) => load.send(i, api!.port));
    await freeze;
    const phase = (s: Sample) =>
      s.at < frozenAt - deadline
        ? 'before'
        : s.at < thawedAt
          ? 'frozen'
          : s.at < thawedAt + 6000
            ? 'recovering'
            : 'after';
    const byPhase = tally(run.samples, phase);
    const frozen = run.samples.filter((s) => phase(s) === 'frozen');
    record('postgres-freeze', {
      rate,
      frozenMs,
      requestTimeoutMs: deadline,
      processesStopped: processes,
      byPhase,
      frozenLatency: summary(frozen),
      overall: summary(run.samples),
    });
    expect(processes).toBeGreaterThan(3);
    expect(api.dead()).toBe(false);
    const codes = new Set(run.samples.map((s) => s.outcome));
    expect([...codes].filter((c) => c !== 'ok' && c !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(byPhase.frozen!.SERVICE_UNAVAILABLE).toBeGreaterThan(0);
    // Nobody waits past the deadline (plus a second of slack for a loaded 2-core machine).
    expect(summary(run.samples).max).toBeLessThan(deadline + 1000);
    expect(byPhase.after).toEqual({ ok: expect.any(Number) });
  });
});
