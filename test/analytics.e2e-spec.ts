import fc from 'fast-check';
import { Pool } from 'pg';
import { EngagementIngestion, ANALYTICS_CONSUMER } from '@ruche/analytics';
import { EventStream } from '@ruche/events';
import { codeOf, signUp, uniqueEmail, type Person } from './support/identity';
import { JOIN } from './support/policy-world';
import { createOrganization, createSpace, customerOf, employeeOf, type Organization } from './support/spaces';
import { createTestApp, type TestApp } from './support/test-app';

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
const REACT = `mutation($input: ReactInput!) { react(input: $input) { post { id } } }`;
const VOTE = `mutation($id: ID!) { voteIdea(ideaId: $id) { post { id } } }`;
const VIEWS = `mutation($input: RecordViewsInput!) { recordViews(input: $input) { recorded } }`;
const SET_ORG_ROLE = `mutation($input: SetOrganizationRoleInput!) { setOrganizationRole(input: $input) { member { role } } }`;
const REPORT = `query($input: EngagementReportInput!) { engagementReport(input: $input) {
  series { start suppressed activePeople contributors dailyActive posts ideas comments reactions votes views contributions score }
  totals { suppressed activePeople visitors dau wau mau stickiness contributionsPerActive posts ideas comments reactions votes views contributions score }
  participation { suppressed members creators contributors lurkers engagementRate top1PercentShare top10PercentShare }
  responseTime { suppressed posts medianHours byResponder { kind responses } }
  ideaFunnel { suppressed ideas customerShareOfIdeas customerShareOfVotes stages { status current reached conversion } }
  split { segment suppressed activePeople contributions score }
  customerAccounts { name suppressed activePeople ideas comments score }
  spaces { name suppressed activePeople roe { score effortHours effortCost perHour perCost } }
  roe { score effortHours effortCost perHour perCost }
  roi { implementedIdeasValue kpiGains cost roi currency }
} }`;

async function must(t: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await t.gql(query, variables, token);
  if (res.errors) throw new Error(`${query.slice(0, 50)}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

const today = () => new Date().toISOString().slice(0, 10);

describe('Engagement analytics', () => {
  let t: TestApp;
  let drain: () => Promise<number>;
  beforeAll(async () => {
    t = await createTestApp();
    const ingestion = t.app.get(EngagementIngestion);
    // The consumer stops at the commit horizon, which a long transaction of another test file (same cluster)
    // holds back: drain until nothing committed before this call is left.
    drain = async () => {
      const deadline = Date.now() + 120_000;
      let read = 0;
      for (;;) {
        read += await ingestion.drain();
        const { rows } = await t.sql.query(
          `SELECT count(*)::int AS n FROM outbox_events e, outbox_consumers c
           WHERE c.name = 'analytics' AND (e.xid, e.id) > (c.position_xid, c.position_id)`,
        );
        if (rows[0].n === 0 || Date.now() > deadline) return read;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
  });
  afterAll(() => t.close());

  async function manager(org: Organization): Promise<Person> {
    const m = await employeeOf(t, org, 'Mia Manager');
    await must(
      t,
      SET_ORG_ROLE,
      { input: { organizationId: org.id, userId: m.id, role: 'MANAGER' } },
      org.owner.accessToken,
    );
    return m;
  }

  const report = (org: Organization, viewer: Person, extra: Record<string, unknown> = {}) =>
    t.gql(REPORT, { input: { organizationId: org.id, from: today(), to: today(), ...extra } }, viewer.accessToken);

  describe('a small fixture computed by hand', () => {
    let org: Organization;
    let mia: Person;
    let spaceId: string;
    beforeAll(async () => {
      // The owner O (who owns the hybrid space: community staff), manager M, employees E1–E5, customers C1–C5
      // of the company Velo.
      org = await createOrganization(t, 'Hand');
      mia = await manager(org);
      spaceId = (await createSpace(t, org.owner, org, { name: 'Co-design', kind: 'HYBRID' })).id;
      await must(
        t,
        `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id } } }`,
        { input: { organizationId: org.id, name: 'Velo', domain: 'velo.test' } },
        org.owner.accessToken,
      );
      const employees: Person[] = [];
      for (let i = 1; i <= 5; i++) {
        const e = await employeeOf(t, org, `E${i}`);
        await must(t, JOIN, { id: spaceId }, e.accessToken);
        employees.push(e);
      }
      const customers: Person[] = [];
      for (let i = 1; i <= 5; i++)
        customers.push(await customerOf(t, org.owner, spaceId, `C${i}`, uniqueEmail('velo.test')));

      const posts: string[] = [];
      for (const e of employees) {
        posts.push(
          (await must(t, CREATE_POST, { input: { spaceId, title: 'Post', body: 'b' } }, e.accessToken)).createPost.post
            .id,
        );
      }
      const ideas: string[] = [];
      for (const c of customers) {
        ideas.push(
          (await must(t, CREATE_POST, { input: { spaceId, kind: 'IDEA', title: 'Idea', body: 'b' } }, c.accessToken))
            .createPost.post.id,
        );
        await must(t, ADD_COMMENT, { input: { postId: posts[0], body: 'c' } }, c.accessToken);
      }
      for (const e of employees) {
        await must(t, REACT, { input: { postId: ideas[0], kind: 'LIKE' } }, e.accessToken);
        await must(t, VOTE, { id: ideas[0] }, e.accessToken);
      }
      await must(t, ADD_COMMENT, { input: { postId: ideas[1], body: 'Thanks, we look at it' } }, org.owner.accessToken);
      expect(
        (await must(t, VIEWS, { input: { postIds: posts.slice(0, 3) } }, mia.accessToken)).recordViews.recorded,
      ).toBe(3);
      // Seen again the same day: still one view per person and post.
      expect(
        (await must(t, VIEWS, { input: { postIds: posts.slice(0, 3) } }, mia.accessToken)).recordViews.recorded,
      ).toBe(0);
      await drain();
    });

    it('gives every metric of PRODUCT.md as computed by hand', async () => {
      const res = await report(org, mia);
      expect(res.errors).toBeUndefined();
      const r = res.data!.engagementReport;
      // Activity: 5 posts (E1–E5), 5 ideas (C1–C5), 6 comments (C1–C5 + O), 5 reactions and 5 votes (E1–E5), 3 views (M).
      // Active: E1–E5, C1–C5, O, M = 12. Contributors: all but M = 11. Creators: E1–E5, C1–C5 = 10.
      // Score = 5×5 + 5×5 + 6×3 + 5×1 + 5×1 + 3×0.1 = 78.3; contributions = 5+5+6+5+5 = 26; 26 / 12 = 2.17.
      // Visitors: the same twelve people each made authenticated requests today.
      expect(r.totals).toEqual({
        suppressed: null,
        activePeople: 12,
        visitors: 12,
        dau: 12,
        wau: 12,
        mau: 12,
        stickiness: 1,
        contributionsPerActive: 2.17,
        posts: 5,
        ideas: 5,
        comments: 6,
        reactions: 5,
        votes: 5,
        views: 3,
        contributions: 26,
        score: 78.3,
      });
      expect(r.series).toEqual([
        expect.objectContaining({ start: today(), activePeople: 12, contributors: 11, dailyActive: 12, score: 78.3 }),
      ]);
      // Members: O, M, E1–E5 and C1–C5 = 12; creators 10, contributors only O = 1, lurkers M = 1; rate 11 / 12.
      // Top 1 % and 10 % of 11 contributors are 1 and 2 people: hidden (under 5).
      expect(r.participation).toEqual({
        suppressed: null,
        members: 12,
        creators: 10,
        contributors: 1,
        lurkers: 1,
        engagementRate: 0.9167,
        top1PercentShare: null,
        top10PercentShare: null,
      });
      // Employees: O, M, E1–E5 = 7 people; 5 posts + 1 comment + 5 reactions + 5 votes = 16; 25 + 3 + 5 + 5 + 0.3 = 38.3.
      // Customers: 5 people; 5 ideas + 5 comments = 10; 25 + 15 = 40.
      expect(r.split).toEqual([
        { segment: 'EMPLOYEES', suppressed: null, activePeople: 7, contributions: 16, score: 38.3 },
        { segment: 'CUSTOMERS', suppressed: null, activePeople: 5, contributions: 10, score: 40 },
      ]);
      expect(r.customerAccounts).toEqual([
        { name: 'Velo', suppressed: null, activePeople: 5, ideas: 5, comments: 5, score: 40 },
      ]);
      // Five customer ideas measured; one answered, by the space's owner (staff).
      expect(r.responseTime).toEqual(
        expect.objectContaining({ suppressed: null, posts: 5, byResponder: [{ kind: 'STAFF', responses: 1 }] }),
      );
      expect(r.responseTime.medianHours).toBeGreaterThanOrEqual(0);
      // All five ideas are NEW, all by customers; no customer voted (0 of 5 votes).
      expect(r.ideaFunnel).toEqual(
        expect.objectContaining({ suppressed: null, ideas: 5, customerShareOfIdeas: 1, customerShareOfVotes: 0 }),
      );
      expect(r.ideaFunnel.stages.slice(0, 2)).toEqual([
        { status: 'NEW', current: 5, reached: 5, conversion: null },
        { status: 'UNDER_REVIEW', current: 0, reached: 0, conversion: 0 },
      ]);
    });

    it('buckets by ISO week and calendar month', async () => {
      const d = new Date(`${today()}T00:00:00Z`);
      const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
      const first = `${today().slice(0, 8)}01`;
      for (const [granularity, start] of [
        ['WEEK', monday],
        ['MONTH', first],
      ] as const) {
        const r = (await report(org, mia, { granularity })).data!.engagementReport;
        expect(r.series).toEqual([expect.objectContaining({ start, activePeople: 12, contributors: 11, score: 78.3 })]);
      }
    });

    it('turns effort into ROE and ROI, each term shown', async () => {
      const logged = await t.gql(
        `mutation($input: LogEffortInput!) { logEffort(input: $input) { effortLog { hours cost } } }`,
        { input: { spaceId, periodStart: today(), periodEnd: today(), hours: 4, cost: 200 } },
        mia.accessToken,
      );
      expect(logged.errors).toBeUndefined();
      const r = (await report(org, mia)).data!.engagementReport;
      // ROE = 78.3 / 4 h = 19.58 per hour; 78.3 / 200 = 0.3915 per unit of cost. ROI = (0 + 0 − 200) / 200 = −1.
      expect(r.roe).toEqual({ score: 78.3, effortHours: 4, effortCost: 200, perHour: 19.58, perCost: 0.3915 });
      expect(r.spaces).toEqual([
        {
          name: 'Co-design',
          suppressed: null,
          activePeople: 12,
          roe: { score: 78.3, effortHours: 4, effortCost: 200, perHour: 19.58, perCost: 0.3915 },
        },
      ]);
      expect(r.roi).toEqual({ implementedIdeasValue: 0, kpiGains: 0, cost: 200, roi: -1, currency: 'EUR' });
    });

    it('counts an event committed exactly once, through a consumer crash', async () => {
      const stream = t.app.get(EventStream);
      const before = (await report(org, mia)).data!.engagementReport.totals.comments;
      const post = await must(t, CREATE_POST, { input: { spaceId, title: 'Late', body: 'b' } }, org.owner.accessToken);
      // The consumer reads the new event, writes it, then dies before committing: nothing of it stays. (It reads
      // nothing while another file's transaction holds the commit horizon: try again until it has read it.)
      const crash = () =>
        stream.consume(ANALYTICS_CONSUMER, 100, async (events) => {
          expect(events.some((e) => e.type === 'post:created')).toBe(true);
          await t.app.get(EngagementIngestion)['ingest'](events);
          throw new Error('crash');
        });
      let crashed = false;
      for (let tries = 0; !crashed && tries < 240; tries++) {
        crashed = await crash().then(
          () => false,
          (error: Error) => error.message === 'crash',
        );
        if (!crashed) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(crashed).toBe(true);
      await drain();
      await drain();
      const after = (await report(org, mia)).data!.engagementReport.totals;
      expect(after.posts).toBe(6);
      expect(after.comments).toBe(before);
      expect(post.createPost.post.id).toBeDefined();
    });

    it('keeps the second wall: the database itself shows analytics rows to analysts only, and refuses forged counts', async () => {
      const app = new Pool({ connectionString: t.config.database.appUrl, max: 1 });
      const idOf = async (email: string) =>
        (await t.sql.query(`SELECT id FROM users WHERE email = $1`, [email])).rows[0].id;
      const as = async <T>(email: string, fn: (q: (sql: string) => Promise<any>) => Promise<T>) => {
        const c = await app.connect();
        try {
          await c.query('BEGIN');
          await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [await idOf(email)]);
          return await fn((sql) => c.query(sql));
        } finally {
          await c.query('ROLLBACK');
          c.release();
        }
      };
      const tables = [
        'engagement_events',
        'engagement_daily',
        'engagement_person_daily',
        'engagement_org_person_daily',
        'engagement_space_people',
        'engagement_visits',
        'effort_logs',
      ];
      const count = (email: string) =>
        as(email, async (q) => {
          const out: Record<string, number> = {};
          for (const table of tables) out[table] = (await q(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
          return out;
        });
      try {
        const analyst = await count(mia.email);
        for (const table of tables) expect([table, analyst[table] > 0]).toEqual([table, true]);
        const employee = await employeeOf(t, org, 'Wall');
        const customer = (await t.sql.query(`SELECT u.email FROM users u WHERE u.display_name = 'C1'`)).rows[0].email;
        for (const email of [employee.email, customer]) {
          expect(Object.values(await count(email)).every((n) => n === 0)).toBe(true);
        }
        const forged = (email: string) =>
          as(email, (q) =>
            q(`INSERT INTO engagement_daily (organization_id, space_id, day, actor_kind, posts)
               SELECT organization_id, space_id, day, actor_kind, 1000 FROM engagement_daily LIMIT 1`).then(
              () => 'written',
              (e: { code: string }) => e.code,
            ),
          );
        expect(await forged(mia.email)).toBe('42501');
      } finally {
        await app.end();
      }
    });

    it('records the read in the audit trail', async () => {
      const { rows } = await t.sql.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'analytics.report_read' AND actor_id = $1`,
        [(await t.sql.query(`SELECT id FROM users WHERE email = $1`, [mia.email])).rows[0].id],
      );
      expect(rows[0].n).toBeGreaterThan(0);
    });

    it('exports the series as CSV, safe for spreadsheets, for managers only', async () => {
      const url = `/exports/engagement.csv?organizationId=${encodeURIComponent(org.id)}&from=${today()}&to=${today()}`;
      const csv = await t.http().get(url).set('authorization', `Bearer ${mia.accessToken}`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const [header, row] = csv.text.trim().split('\n');
      expect(header).toBe(
        'start,suppressed,activePeople,contributors,dailyActive,posts,ideas,comments,reactions,votes,views,contributions,score,medianFirstResponseHours',
      );
      expect(row.startsWith(`${today()},,12,`)).toBe(true);
      const employee = await employeeOf(t, org, 'Nosy');
      expect((await t.http().get(url).set('authorization', `Bearer ${employee.accessToken}`)).status).toBe(403);
      expect((await t.http().get(url)).status).toBe(401);
    });
  });

  describe('nobody is exposed', () => {
    let org: Organization;
    let mia: Person;
    let hybrid: string;
    beforeAll(async () => {
      // Six employees and three customers active in the hybrid space; two employees alone in an internal one.
      org = await createOrganization(t, 'Small');
      mia = await manager(org);
      hybrid = (await createSpace(t, org.owner, org, { name: 'Lab', kind: 'HYBRID' })).id;
      const internal = (await createSpace(t, org.owner, org, { name: 'Back office', kind: 'INTERNAL' })).id;
      for (let i = 0; i < 6; i++) {
        const e = await employeeOf(t, org, `Emp ${i}`);
        await must(t, JOIN, { id: hybrid }, e.accessToken);
        await must(t, CREATE_POST, { input: { spaceId: hybrid, title: 'p', body: 'b' } }, e.accessToken);
      }
      for (let i = 0; i < 3; i++) {
        const c = await customerOf(t, org.owner, hybrid, `Cust ${i}`);
        await must(t, CREATE_POST, { input: { spaceId: hybrid, kind: 'IDEA', title: 'i', body: 'b' } }, c.accessToken);
      }
      for (let i = 0; i < 2; i++) {
        const e = await employeeOf(t, org, `Back ${i}`);
        await must(t, CREATE_POST, { input: { spaceId: internal, title: 'p', body: 'b' } }, e.accessToken);
      }
      await drain();
    });

    it('hides a figure over fewer than five people', async () => {
      const r = (await report(org, mia, { segment: 'CUSTOMERS' })).data!.engagementReport;
      expect(r.totals).toEqual(
        expect.objectContaining({ suppressed: 'FEWER_THAN_FIVE_PEOPLE', activePeople: null, score: null, ideas: null }),
      );
      expect(r.series[0]).toEqual(expect.objectContaining({ suppressed: 'FEWER_THAN_FIVE_PEOPLE', posts: null }));
      expect(r.split.find((s: any) => s.segment === 'CUSTOMERS')).toEqual(
        expect.objectContaining({ suppressed: 'FEWER_THAN_FIVE_PEOPLE', score: null }),
      );
    });

    it('refuses the differencing attack: everyone minus employees would be the three customers', async () => {
      const all = (await report(org, mia)).data!.engagementReport.totals;
      expect(all).toEqual(expect.objectContaining({ suppressed: null, activePeople: 11 }));
      const employees = (await report(org, mia, { segment: 'EMPLOYEES' })).data!.engagementReport.totals;
      expect(employees).toEqual(
        expect.objectContaining({ suppressed: 'SMALL_COMPLEMENT', activePeople: null, ideas: null }),
      );
      // The organization minus the hybrid space would be the two people of the back office.
      const space = (await report(org, mia, { spaceId: hybrid })).data!.engagementReport.totals;
      expect(space).toEqual(expect.objectContaining({ suppressed: 'SMALL_COMPLEMENT', score: null }));
    });

    it('answers members and customers with nothing', async () => {
      const employee = await employeeOf(t, org, 'Curious');
      expect(codeOf(await report(org, employee))).toBe('FORBIDDEN');
      const customer = await customerOf(t, org.owner, hybrid, 'Peeking');
      expect(codeOf(await report(org, customer))).toBe('FORBIDDEN');
      expect(codeOf(await report(org, customer, { spaceId: hybrid }))).toBe('FORBIDDEN');
      const stranger = await signUp(t, { email: uniqueEmail(), verify: true });
      expect(codeOf(await report(org, stranger))).toBe('NOT_FOUND');
    });

    it('refuses bad input with field errors', async () => {
      const res = await report(org, mia, { from: today(), to: '2000-01-01' });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(codeOf(await report(org, mia, { from: 'yesterday' }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await report(org, mia, { segment: 'CUSTOMER_ACCOUNT' }))).toBe('BAD_USER_INPUT');
    });
  });

  it('keeps rollups equal to a recomputation from raw events, whatever the order, batches and late days', async () => {
    const org = await createOrganization(t, 'Property');
    const space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL' })).id;
    const ids = await t.sql.query(
      `SELECT s.organization_id, s.id AS space_id FROM spaces s JOIN organizations o ON o.id = s.organization_id
       WHERE o.name = 'Property'`,
    );
    const { organization_id, space_id } = ids.rows[0];
    void space;
    const people = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    const event = fc.record({
      dayOffset: fc.integer({ min: 0, max: 70 }),
      person: fc.constantFrom(...people),
      kind: fc.constantFrom('EMPLOYEE', 'CUSTOMER', 'STAFF'),
      type: fc.constantFrom('POST', 'IDEA', 'COMMENT', 'REACTION', 'VOTE', 'VIEW'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(event, { maxLength: 15 }), { maxLength: 6 }), async (batches) => {
        for (const batch of batches) {
          const rows = batch.map((e, i) => {
            const at = new Date(Date.now() - e.dayOffset * 86_400_000);
            return {
              day: at.toISOString().slice(0, 10),
              occurred_at: at.toISOString(),
              organization_id,
              space_id,
              actor_id: e.person,
              actor_kind: e.kind,
              customer_account_id: null,
              type: e.type,
              subject_id: null,
              dedupe: e.type === 'VIEW' ? Number.parseInt(e.person.slice(-1), 16) * 1000 + i : null,
            };
          });
          await t.sql.query('SELECT ruche_analytics_ingest($1::jsonb)', [JSON.stringify(rows)]);
        }
        const rollup = await t.sql.query(
          `SELECT day::text, person_id, posts, ideas, comments, reactions, votes, views FROM engagement_person_daily
           WHERE space_id = $1 ORDER BY day, person_id`,
          [space_id],
        );
        const raw = await t.sql.query(
          `SELECT day::text, actor_id AS person_id,
                  count(*) FILTER (WHERE type = 'POST')::int AS posts, count(*) FILTER (WHERE type = 'IDEA')::int AS ideas,
                  count(*) FILTER (WHERE type = 'COMMENT')::int AS comments, count(*) FILTER (WHERE type = 'REACTION')::int AS reactions,
                  count(*) FILTER (WHERE type = 'VOTE')::int AS votes, count(*) FILTER (WHERE type = 'VIEW')::int AS views
           FROM engagement_events WHERE space_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
          [space_id],
        );
        expect(rollup.rows).toEqual(raw.rows);
        const daily = await t.sql.query(
          `SELECT sum(posts + ideas + comments + reactions + votes + views)::int AS n FROM engagement_daily WHERE space_id = $1`,
          [space_id],
        );
        const stored = await t.sql.query(`SELECT count(*)::int AS n FROM engagement_events WHERE space_id = $1`, [
          space_id,
        ]);
        expect(daily.rows[0].n ?? 0).toBe(stored.rows[0].n);
        // The organization's rollup: one row per person and day, a customer when any event was, the smallest company.
        const organization = await t.sql.query(
          `SELECT day::text, person_id, customer, posts, ideas, comments, reactions, votes, views
           FROM engagement_org_person_daily WHERE organization_id = $1 ORDER BY day, person_id`,
          [organization_id],
        );
        const organizationRaw = await t.sql.query(
          `SELECT day::text, actor_id AS person_id, bool_or(actor_kind = 'CUSTOMER') AS customer,
                  count(*) FILTER (WHERE type = 'POST')::int AS posts, count(*) FILTER (WHERE type = 'IDEA')::int AS ideas,
                  count(*) FILTER (WHERE type = 'COMMENT')::int AS comments, count(*) FILTER (WHERE type = 'REACTION')::int AS reactions,
                  count(*) FILTER (WHERE type = 'VOTE')::int AS votes, count(*) FILTER (WHERE type = 'VIEW')::int AS views
           FROM engagement_events WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
          [organization_id],
        );
        expect(organization.rows).toEqual(organizationRaw.rows);
        // The space's people: a bit for each day a person was active (bit 0 is 1 January).
        const bits = await t.sql.query(
          `SELECT (make_date(year, 1, 1) + d - 1)::text AS day, person_id::text
           FROM engagement_space_people, generate_series(1, 366) d
           WHERE space_id = $1 AND substring(active FROM d FOR 1) = B'1' ORDER BY 1, 2`,
          [space_id],
        );
        expect(bits.rows).toEqual(rollup.rows.map((r: any) => ({ day: r.day, person_id: r.person_id })));
      }),
      { numRuns: 15, seed: 42 },
    );
    // And the rebuild recomputes the same rollups from the raw events.
    const rollups = () =>
      Promise.all(
        ['engagement_daily', 'engagement_person_daily', 'engagement_org_person_daily', 'engagement_space_people'].map(
          async (table) => (await t.sql.query(`SELECT r::text AS row FROM ${table} r ORDER BY 1`)).rows,
        ),
      );
    const before = await rollups();
    expect(before.every((rows) => rows.length > 0)).toBe(true);
    await t.sql.query('SELECT ruche_analytics_rebuild()');
    expect(await rollups()).toEqual(before);
  });
});
