import type { PoolClient } from 'pg';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf } from './support/identity';
import { createOrganization, createSpace, type Organization } from './support/spaces';

const FEED = `query($spaceId: ID) { feed(spaceId: $spaceId, first: 5) { edges { node { id title } } } }`;

/**
 * Overload is honest: with one pooled connection, a short wait for it and a short request deadline, requests
 * that cannot get a connection or finish in time answer SERVICE_UNAVAILABLE with retryAfter — never
 * UNAUTHENTICATED for a valid token, never INTERNAL_SERVER_ERROR — readiness says the pool is saturated, the
 * deadline cancels the request's SQL, and everything answers again once the database does.
 */
describe('overload', () => {
  let t: TestApp;
  let org: Organization;
  let space: string;

  beforeAll(async () => {
    t = await createTestApp({
      DB_POOL_SIZE: '1',
      DB_CONNECT_TIMEOUT_MS: '300',
      REQUEST_TIMEOUT_MS: '1500',
      DB_STATEMENT_TIMEOUT_MS: '20000',
    });
    org = await createOrganization(t, 'Busy Co');
    space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Busy' })).id;
    const res = await t.gql(
      `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
      { input: { spaceId: space, title: 'Hello', body: 'World' } },
      org.owner.accessToken,
    );
    expect(res.errors).toBeUndefined();
  });
  afterAll(() => t.close());

  /** Holds a lock every feed statement waits for, until released. */
  async function lockPosts(): Promise<PoolClient> {
    const c = await t.sql.connect();
    await c.query('BEGIN');
    await c.query('LOCK TABLE posts IN ACCESS EXCLUSIVE MODE');
    return c;
  }

  it('answers SERVICE_UNAVAILABLE with retryAfter when no connection comes or the deadline passes, and recovers', async () => {
    const lock = await lockPosts();
    let answers: Awaited<ReturnType<TestApp['gql']>>[];
    let readiness: number;
    const started = Date.now();
    try {
      const requests = Array.from({ length: 4 }, () => t.gql(FEED, { spaceId: space }, org.owner.accessToken));
      // While the first request holds the only connection and the others wait for it.
      await new Promise((resolve) => setTimeout(resolve, 150));
      readiness = (await t.http().get('/health/ready')).status;
      answers = await Promise.all(requests);
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
    const elapsed = Date.now() - started;
    expect(answers.map(codeOf)).toEqual(Array(4).fill('SERVICE_UNAVAILABLE'));
    for (const a of answers) {
      expect(a.errors![0].extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(a.errors![0].message).not.toMatch(/lock|timeout|canceling|posts/i);
    }
    expect(readiness).toBe(503);
    // The request deadline (1.5 s), not the statement timeout (20 s), ended the one that held the connection.
    expect(elapsed).toBeLessThan(10_000);
    const leftover = await t.sql.query(
      // This app's database only: other test files run on the same server at the same time.
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE usename = 'ruche_app' AND state = 'active' AND datname = current_database()`,
    );
    expect(leftover.rows[0].n).toBe(0);

    // Recovered, without a restart.
    const again = await t.gql(FEED, { spaceId: space }, org.owner.accessToken);
    expect(again.errors).toBeUndefined();
    expect(again.data!.feed.edges).toHaveLength(1);
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });

  it('still tells a signed-out session from an overloaded database', async () => {
    const SIGN_OUT = `mutation { signOut { ok } }`;
    const person = await createOrganization(t, 'Leaving Co');
    expect((await t.gql(SIGN_OUT, {}, person.owner.accessToken)).errors).toBeUndefined();
    expect(codeOf(await t.gql(FEED, {}, person.owner.accessToken))).toBe('UNAUTHENTICATED');
  });
});
