import {
  CREATE_POST,
  fixtureViewer,
  gql,
  ownPostgres,
  record,
  sleep,
  sql,
  startApi,
  stopApi,
  type Api,
  type GqlAnswer,
} from './support';

/**
 * 6. kill -9 of the API while writers keep createPost mutations in flight, each with its own Idempotency-Key;
 * then a new server on the same database, and every mutation that got no answer is sent again with the same key
 * and variables: each key ends with exactly one post, whether the first attempt had committed (the retry replays
 * its answer) or not (the retry creates it). Acknowledged keys replay the post they created.
 */
describe('kill -9 mid-mutation, then a retry with the same Idempotency-Key', () => {
  let env: Awaited<ReturnType<typeof ownPostgres>>;
  let first: Api | undefined;
  let second: Api | undefined;
  afterAll(async () => {
    await stopApi(first);
    await stopApi(second);
    await env?.cleanup();
  });

  it('ends with exactly one post per key', async () => {
    env = await ownPostgres();
    first = await startApi(env.pg, env.root);
    const viewer = await fixtureViewer(env.pg, first.port, 1);
    const space = viewer.spaces[0]!.gid;
    const tag = `kill9-${Date.now()}`;
    const variables = (key: string) => ({ input: { spaceId: space, title: `${tag} ${key}`, body: 'reliability' } });
    const send = (port: number, key: string): Promise<GqlAnswer> =>
      gql(port, CREATE_POST, variables(key), viewer.token, { 'idempotency-key': key });

    // 16 writers, one mutation after another each, until the process dies under them.
    const answered = new Map<string, string>(); // key → post id
    const unanswered: string[] = [];
    const otherOutcomes: string[] = [];
    let n = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const key = `${tag}-${n++}`;
        const a = await send(first!.port, key);
        if (a.outcome === 'ok') answered.set(key, a.data.createPost.post.id);
        else if (a.outcome.startsWith('net-')) unanswered.push(key);
        else otherOutcomes.push(a.outcome);
      }
    };
    const writers = Array.from({ length: 16 }, writer);
    await sleep(3000);
    killed = true;
    first.child.kill('SIGKILL');
    await Promise.all(writers);

    const rowsOf = async () =>
      new Map(
        (
          await sql<{ title: string; n: number }>(
            env.pg.url,
            `SELECT title, count(*)::int AS n FROM posts WHERE title LIKE $1 GROUP BY title`,
            [`${tag} %`],
          )
        ).map((r) => [r.title.slice(tag.length + 1), r.n]),
      );
    const beforeRetry = await rowsOf();
    const committedUnanswered = unanswered.filter((k) => beforeRetry.has(k)).length;

    // A new server; the clients retry what got no answer, and replay a few that did.
    second = await startApi(env.pg, env.root);
    const retries = await Promise.all(unanswered.map((k) => send(second!.port, k)));
    const replays = await Promise.all([...answered.keys()].slice(0, 20).map((k) => send(second!.port, k)));
    const after = await rowsOf();
    const keys = [...answered.keys(), ...unanswered];
    const counts = keys.map((k) => after.get(k) ?? 0);

    record('kill9', {
      mutationsAnswered: answered.size,
      inFlightAtKill: unanswered.length,
      committedButUnanswered: committedUnanswered,
      retriesOk: retries.filter((r) => r.outcome === 'ok').length,
      retriesReplayed: retries.filter((r) => r.headers?.['idempotent-replayed'] === 'true').length,
      replaysOfAnswered: replays.filter((r) => r.headers?.['idempotent-replayed'] === 'true').length,
      otherOutcomes,
      keys: keys.length,
      postsForThoseKeys: counts.reduce((a, b) => a + b, 0),
    });
    expect(otherOutcomes).toEqual([]);
    expect(unanswered.length).toBeGreaterThan(0);
    expect(retries.map((r) => r.outcome)).toEqual(unanswered.map(() => 'ok'));
    // A retry of a mutation that had committed replays it; one that had not runs now.
    expect(retries.filter((r) => r.headers?.['idempotent-replayed'] === 'true').length).toBe(committedUnanswered);
    expect(replays.map((r) => [r.headers?.['idempotent-replayed'], r.data?.createPost.post.id])).toEqual(
      [...answered.entries()].slice(0, 20).map(([, id]) => ['true', id]),
    );
    expect(counts).toEqual(keys.map(() => 1));
    expect(after.size).toBe(keys.length);
  });
});
