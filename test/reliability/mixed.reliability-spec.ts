import {
  envInt,
  FEED,
  gql,
  fixtureViewer,
  mixedLoad,
  openLoop,
  ownPostgres,
  record,
  startApi,
  stopApi,
  summary,
  tally,
  writtenRows,
  type Api,
} from './support';

/**
 * 2. A mixed load, 80 % feed pages and 20 % writes (createPost, addComment, react in turn), at a fixed rate
 * (RELIABILITY_MIXED_RATE, RELIABILITY_MIXED_SECONDS): zero errors, and afterwards the rows in the database are
 * exactly the acknowledged mutations, kind by kind.
 */
describe('mixed 80/20 read/write load', () => {
  let env: Awaited<ReturnType<typeof ownPostgres>>;
  let api: Api | undefined;
  afterAll(async () => {
    await stopApi(api);
    await env?.cleanup();
  });

  it('writes exactly the acknowledged mutations', async () => {
    const rate = envInt('RELIABILITY_MIXED_RATE', 50);
    const seconds = envInt('RELIABILITY_MIXED_SECONDS', 30);
    env = await ownPostgres();
    api = await startApi(env.pg, env.root);
    const viewer = await fixtureViewer(env.pg, api.port, Math.ceil((rate * seconds) / 10));
    // Warm-up (prepared statements on every pooled connection, the JIT): the first seconds of a cold process are slow.
    await openLoop(rate, 5, async () => ({
      kind: 'feed',
      ...(await gql(api!.port, FEED, { first: 20 }, viewer.token)),
    }));
    const tag = `mixed-${Date.now()}`;
    const load = mixedLoad(viewer, tag, 0.2);
    const run = await openLoop(rate, seconds, (i) => load.send(i, api!.port));
    const rows = await writtenRows(env.pg, viewer, tag, load.reacted);
    const acked = {
      posts: load.acked.createPost.length,
      comments: load.acked.addComment.length,
      reactions: load.acked.react.length,
    };
    const s = summary(run.samples);
    record('mixed', {
      rate,
      seconds,
      ...s,
      byKind: tally(run.samples, (x) => x.kind),
      writesP99: summary(run.samples.filter((x) => x.kind !== 'feed')).p99,
      acked,
      rows,
    });
    expect(s.outcomes).toEqual({ ok: rate * seconds });
    expect(rows).toEqual(acked);
    expect(acked.posts + acked.comments + acked.reactions).toBe(Math.round(rate * seconds * 0.2));
  });
});
