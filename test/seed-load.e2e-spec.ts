import { Client } from 'pg';
import { toGlobalId } from '@ruche/kernel';
import {
  buildLoadFixture,
  LOAD_DEFAULTS,
  LOAD_MANAGER_EMAIL,
  LOAD_PASSWORD,
  type LoadResult,
} from '../apps/api/src/load-fixture';
import { SIGN_IN } from './support/identity';
import { createTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const REPORT = `query($input: EngagementReportInput!) { engagementReport(input: $input) {
  series { start activePeople contributions }
  totals { activePeople contributions views }
} }`;

describe('npm run seed:load (the analytics load fixture), at small scale', () => {
  let t: TestApp;
  let client: Client;
  let first: LoadResult;
  const small = { ...LOAD_DEFAULTS, events: 20_000, posts: 3_000, comments: 3_000, reactions: 9_000 };

  const one = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0];
  /** Rows of each rollup that differ from the same grouping of the raw events (both ways). */
  const disagreements = async () => {
    const person = `SELECT space_id, day, actor_id, count(*) FILTER (WHERE type = 'POST') AS posts,
                           count(*) FILTER (WHERE type = 'COMMENT') AS comments, count(*) FILTER (WHERE type = 'VIEW') AS views
                    FROM engagement_events GROUP BY 1, 2, 3`;
    const personRollup = `SELECT space_id, day, person_id, posts::bigint, comments::bigint, views::bigint FROM engagement_person_daily`;
    const daily = `SELECT space_id, day, actor_kind, customer_account_id, count(*) FILTER (WHERE type = 'VOTE') AS votes,
                          count(*) FILTER (WHERE type = 'IDEA') AS ideas, count(*) FILTER (WHERE type = 'REACTION') AS reactions
                   FROM engagement_events GROUP BY 1, 2, 3, 4`;
    const dailyRollup = `SELECT space_id, day, actor_kind, customer_account_id, votes::bigint, ideas::bigint, reactions::bigint FROM engagement_daily`;
    const n = async (a: string, b: string) =>
      (await one(`SELECT count(*)::int AS n FROM ((${a} EXCEPT ${b}) UNION ALL (${b} EXCEPT ${a})) d`)).n;
    return { person: await n(person, personRollup), daily: await n(daily, dailyRollup) };
  };

  beforeAll(async () => {
    t = await createTestApp();
    client = new Client({ connectionString: t.database.url });
    await client.connect();
    first = await buildLoadFixture(client, small);
  });

  afterAll(async () => {
    await client?.end();
    await t?.close();
  });

  it('writes the organization, its people and spaces, and exactly the events asked for, through the real ingestion', async () => {
    expect(first).toMatchObject({ created: true, events: 20_000, people: 2_000, spaces: 200, via: 'ingest' });
    const roles = await one(
      `SELECT count(*) FILTER (WHERE role = 'CUSTOMER')::int AS customers, count(*)::int AS people,
              count(DISTINCT customer_account_id)::int AS companies
       FROM organization_memberships WHERE organization_id = $1`,
      [first.organizationId],
    );
    expect(roles).toEqual({ customers: 300, people: 2_000, companies: 6 });
    const spaces = await one(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE kind = 'HYBRID')::int AS hybrid,
              (SELECT count(*)::int FROM space_memberships sm JOIN spaces s ON s.id = sm.space_id
               WHERE s.organization_id = $1 AND sm.role = 'OWNER') AS owners
       FROM spaces WHERE organization_id = $1`,
      [first.organizationId],
    );
    expect(spaces).toEqual({ n: 200, hybrid: 50, owners: 200 });
    expect((await one(`SELECT count(*)::int AS n FROM engagement_events`)).n).toBe(20_000);
    // Customers act only in hybrid spaces, as customers.
    const misplaced = await one(
      `SELECT count(*)::int AS n FROM engagement_events e JOIN spaces s ON s.id = e.space_id
       WHERE e.actor_kind = 'CUSTOMER' AND (s.kind <> 'HYBRID' OR e.customer_account_id IS NULL)`,
    );
    expect(misplaced.n).toBe(0);
    expect(await disagreements()).toEqual({ person: 0, daily: 0 });
  });

  it('is sparse and believable: about 15 % of people active on a day, mostly views, every kind of contribution', async () => {
    const days = await one(
      `SELECT avg(n)::float AS active FROM (SELECT day, count(DISTINCT actor_id) AS n FROM engagement_events
       WHERE day > $1 GROUP BY day) d`,
      [first.firstDay],
    );
    expect(days.active / 2_000).toBeGreaterThan(0.1);
    expect(days.active / 2_000).toBeLessThan(0.2);
    const mix = Object.fromEntries(
      (await client.query(`SELECT type, count(*)::int AS n FROM engagement_events GROUP BY type`)).rows.map((r) => [
        r.type,
        r.n,
      ]),
    );
    expect(Object.keys(mix).sort()).toEqual(['COMMENT', 'IDEA', 'POST', 'REACTION', 'VIEW', 'VOTE']);
    expect(mix.VIEW / 20_000).toBeGreaterThan(0.5);
    expect(mix.REACTION).toBeGreaterThan(mix.POST);
    expect(mix.POST).toBeGreaterThan(mix.IDEA);
  });

  it('writes posts with comments and reactions whose counters, score and rank are what the triggers keep', async () => {
    expect(first).toMatchObject({ posts: 3_000 });
    // About what was asked (drawn per post), and exactly what the rows say.
    expect(first.comments / 3_000).toBeGreaterThan(0.8);
    expect(first.comments / 3_000).toBeLessThan(1.2);
    expect(first.reactions / 9_000).toBeGreaterThan(0.8);
    expect(first.reactions / 9_000).toBeLessThan(1.2);
    const wrong = await one(
      `SELECT count(*) FILTER (WHERE p.comment_count <> c.n)::int AS comments,
              count(*) FILTER (WHERE p.reaction_count <> r.n OR p.reaction_counts <> r.kinds)::int AS reactions,
              count(*) FILTER (WHERE p.score <> p.reaction_count + 2 * p.comment_count + 2 * p.vote_count)::int AS score,
              count(*) FILTER (WHERE abs(p.hot_rank - (log(greatest(p.score, 1)) + extract(epoch FROM p.created_at) / 45000)) > 1e-9)::int AS rank,
              count(*) FILTER (WHERE (p.first_response_at IS NOT NULL) <> fr.answered)::int AS first_response,
              count(*) FILTER (WHERE author.space_id IS NULL)::int AS authors_outside,
              count(*) FILTER (WHERE p.search IS DISTINCT FROM setweight(to_tsvector('ruche_fr', p.title), 'A')
                || setweight(to_tsvector('ruche_en', p.title), 'A') || setweight(to_tsvector('ruche_fr', p.body), 'B')
                || setweight(to_tsvector('ruche_en', p.body), 'B'))::int AS search
       FROM posts p
       CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM comments WHERE post_id = p.id) c
       CROSS JOIN LATERAL (SELECT coalesce(sum(k), 0)::int AS n, coalesce(jsonb_object_agg(kind, k) FILTER (WHERE kind IS NOT NULL), '{}') AS kinds
                           FROM (SELECT kind, count(*)::int AS k FROM post_reactions WHERE post_id = p.id GROUP BY kind) x) r
       CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM comments x WHERE x.post_id = p.id AND NOT x.author_is_customer
                             AND x.author_id IS DISTINCT FROM p.author_id AND (p.author_is_customer OR p.kind = 'QUESTION')) AS answered) fr
       LEFT JOIN space_memberships author ON author.space_id = p.space_id AND author.user_id = p.author_id`,
    );
    expect(wrong).toEqual({
      comments: 0,
      reactions: 0,
      score: 0,
      rank: 0,
      first_response: 0,
      authors_outside: 0,
      search: 0,
    });
    // Over 180 days, pinned announcements in spaces, ideas in the communities, the triggers back on.
    const shape = await one(
      `SELECT (max(created_at) - min(created_at)) > interval '170 days' AS spread,
              count(*) FILTER (WHERE pinned_at IS NOT NULL)::int AS pinned, count(*) FILTER (WHERE kind = 'IDEA')::int AS ideas,
              (SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'comments'::regclass AND tgenabled = 'D') AS disabled
       FROM posts`,
    );
    expect(shape.spread).toBe(true);
    expect(shape.pinned).toBeGreaterThan(0);
    expect(shape.ideas).toBeGreaterThan(0);
    expect(shape.disabled).toBe(0);
  });

  it('gives the manager a report that matches the raw events', async () => {
    const signIn = await t.gql(SIGN_IN, { input: { email: LOAD_MANAGER_EMAIL, password: LOAD_PASSWORD } });
    expect(signIn.errors).toBeUndefined();
    const from = new Date(Date.parse(first.lastDay) - 6 * 86_400_000).toISOString().slice(0, 10);
    const res = await t.gql(
      REPORT,
      { input: { organizationId: toGlobalId('Organization', first.organizationId), from, to: first.lastDay } },
      signIn.data!.signIn.accessToken,
    );
    expect(res.errors).toBeUndefined();
    const raw = await one(
      `SELECT count(DISTINCT actor_id)::int AS people, count(*) FILTER (WHERE type <> 'VIEW')::int AS contributions,
              count(*) FILTER (WHERE type = 'VIEW')::int AS views
       FROM engagement_events WHERE day BETWEEN $1 AND $2`,
      [from, first.lastDay],
    );
    expect(res.data!.engagementReport.totals).toEqual({
      activePeople: raw.people,
      contributions: raw.contributions,
      views: raw.views,
    });
    expect(res.data!.engagementReport.series).toHaveLength(7);
  });

  it('says it is there on a second run, and rebuilds by COPY and ruche_analytics_rebuild() when forced', async () => {
    const again = await buildLoadFixture(client, small);
    expect(again).toMatchObject({ created: false, events: 20_000, organizationId: first.organizationId });
    const copied = await buildLoadFixture(client, { ...small, via: 'copy', force: true });
    expect(copied).toMatchObject({ created: true, events: 20_000, via: 'copy' });
    expect((await one(`SELECT count(*)::int AS n FROM engagement_events`)).n).toBe(20_000);
    expect((await one(`SELECT count(*)::int AS n FROM organizations`)).n).toBe(1);
    expect((await one(`SELECT count(*)::int AS n FROM posts`)).n).toBe(3_000);
    expect(await disagreements()).toEqual({ person: 0, daily: 0 });
  });
});
