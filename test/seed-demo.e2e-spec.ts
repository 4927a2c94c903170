import { toGlobalId } from '@ruche/kernel';
import {
  DEMO_DOMAIN,
  DEMO_PASSWORD,
  demoCredentials,
  describeDemo,
  seedDemo,
  type DemoSeedResult,
} from '../apps/api/src/demo/seed-demo';
import { SIGN_IN } from './support/identity';
import { createTestApp, type TestApp } from './support/test-app';

// The seed writes a whole organization, with 90 days of history, through the services.
jest.setTimeout(240_000);

const SPACES = `query { spaces(first: 50) { edges { node { id name kind viewerRole } } } }`;
const FEED = `query { feed(first: 100) { edges { node { id spaceId kind } } pageInfo { hasNextPage } } }`;
const QUEUE = `query { moderationQueue(first: 20) { edges { node { reason status } } } }`;
const REPORT = `query($input: EngagementReportInput!) { engagementReport(input: $input) {
  series { start suppressed activePeople contributions views }
  totals { suppressed activePeople contributions posts ideas comments reactions votes views score }
  responseTime { suppressed posts medianHours unansweredAfter24h }
  ideaFunnel { suppressed ideas customerShareOfIdeas stages { status current reached } }
  customerAccounts { name suppressed activePeople contributions score }
  roe { score effortHours effortCost perHour }
  roi { implementedIdeasValue kpiGains cost roi }
} }`;
const OBJECTIVES = `query($org: ID!) { objectives(organizationId: $org, first: 20) { edges { node {
  title kind kpis { name source metric progress { status actual } values { periodStart value } }
} } } }`;

/** Rows per table, to prove a second run writes nothing. */
const TABLES = [
  'users',
  'email_verifications',
  'organizations',
  'organization_domains',
  'organization_memberships',
  'customer_accounts',
  'spaces',
  'space_memberships',
  'space_consent_policies',
  'invitations',
  'consent_records',
  'posts',
  'post_revisions',
  'comments',
  'post_reactions',
  'post_follows',
  'idea_votes',
  'idea_status_changes',
  'campaigns',
  'uploads',
  'notifications',
  'reports',
  'audit_events',
  'outbox_events',
];

describe('npm run seed:demo', () => {
  let t: TestApp;
  let first: DemoSeedResult;

  const rows = async (sql: string, params: unknown[] = []) => (await t.sql.query(sql, params)).rows;
  const one = async (sql: string, params: unknown[] = []) => (await rows(sql, params))[0];
  const signIn = async (email: string) => {
    const res = await t.gql(SIGN_IN, { input: { email, password: DEMO_PASSWORD } });
    if (res.errors) throw new Error(`signIn ${email}: ${JSON.stringify(res.errors)}`);
    return res.data!.signIn.accessToken as string;
  };
  const tableCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = (await one(`SELECT count(*)::int AS n FROM ${table}`)).n;
    return counts;
  };

  beforeAll(async () => {
    t = await createTestApp();
    first = await seedDemo(t.app);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('builds the organization: about 40 employees, 18 customers from 3 companies (five or more each), verified as the product requires', async () => {
    expect(first.created).toBe(true);
    const roles = Object.fromEntries(
      (await rows('SELECT role, count(*)::int AS n FROM organization_memberships GROUP BY role')).map((r) => [
        r.role,
        r.n,
      ]),
    );
    expect(roles).toEqual({ OWNER: 1, ADMIN: 1, MANAGER: 2, MEMBER: 36, CUSTOMER: 18 });
    expect((await one('SELECT count(*)::int AS n FROM customer_accounts')).n).toBe(3);
    // Every customer belongs to their company (linked by the invitation's e-mail domain).
    expect(
      (
        await one(
          `SELECT count(*)::int AS n FROM organization_memberships WHERE role = 'CUSTOMER' AND customer_account_id IS NULL`,
        )
      ).n,
    ).toBe(0);
    // Employees joined through a verified address of the organization's domain; customers verified by the invitation.
    const unverified = await rows('SELECT email FROM users WHERE email_verified_at IS NULL');
    expect(unverified).toEqual([]);
    const employees = await rows(
      `SELECT u.email FROM organization_memberships m JOIN users u ON u.id = m.user_id WHERE m.role <> 'CUSTOMER'`,
    );
    expect(employees.every((e) => e.email.endsWith(`@${DEMO_DOMAIN}`))).toBe(true);
    // Customers came in through invitations bound to their e-mail and accepted with explicit consent.
    const consents = await one(
      `SELECT count(*)::int AS n, count(withdrawn_at)::int AS withdrawn, count(DISTINCT subject_id)::int AS people
       FROM consent_records WHERE purpose = 'SPACE_PARTICIPATION' AND source = 'INVITATION'`,
    );
    expect(consents).toEqual({ n: 28, withdrawn: 1, people: 18 });
    const accepted = await one(
      `SELECT count(*)::int AS n FROM invitations i JOIN users u ON u.id = i.accepted_by AND u.email = i.email`,
    );
    expect(accepted.n).toBe(38); // 28 customers' and 10 employees' invitations
    expect(
      (await one('SELECT count(*)::int AS n FROM invitations WHERE accepted_at IS NULL AND revoked_at IS NULL')).n,
    ).toBe(1);
  });

  it('fills internal and hybrid, open and private spaces with every kind of content', async () => {
    const spaces = await rows('SELECT kind, visibility, count(*)::int AS n FROM spaces GROUP BY 1, 2 ORDER BY 1, 2');
    expect(spaces.map((s) => `${s.kind}/${s.visibility}`)).toEqual([
      'HYBRID/OPEN',
      'HYBRID/PRIVATE',
      'INTERNAL/OPEN',
      'INTERNAL/PRIVATE',
    ]);
    const kinds = await rows('SELECT kind, count(*)::int AS n FROM posts GROUP BY kind ORDER BY kind');
    expect(kinds.map((k) => k.kind)).toEqual(['ANNOUNCEMENT', 'DISCUSSION', 'IDEA', 'QUESTION']);
    const totals = await one(
      `SELECT (SELECT count(*) FROM posts)::int AS posts,
              (SELECT count(*) FROM posts WHERE body_html LIKE '%<strong>%' OR body_html LIKE '%<li>%')::int AS markdown,
              (SELECT count(*) FROM posts WHERE pinned_at IS NOT NULL)::int AS pinned,
              (SELECT count(*) FROM posts WHERE edited_by_moderator)::int AS moderated,
              (SELECT count(*) FROM uploads WHERE post_id IS NOT NULL)::int AS images,
              (SELECT count(*) FROM uploads u JOIN organization_memberships m ON m.user_id = u.owner_id AND m.role = 'CUSTOMER')::int AS customer_images,
              (SELECT count(*) FROM comments)::int AS comments,
              (SELECT count(*) FROM comments WHERE parent_id IS NOT NULL)::int AS replies,
              (SELECT count(*) FROM post_reactions)::int AS reactions,
              (SELECT count(DISTINCT kind) FROM post_reactions)::int AS reaction_kinds,
              (SELECT count(*) FROM idea_votes WHERE customer_account_id IS NOT NULL)::int AS customer_votes,
              (SELECT count(*) FROM idea_votes WHERE customer_account_id IS NULL)::int AS employee_votes`,
    );
    expect(totals.posts).toBeGreaterThanOrEqual(50);
    expect(totals.markdown).toBeGreaterThanOrEqual(15);
    expect(totals.pinned).toBeGreaterThanOrEqual(3);
    expect(totals.moderated).toBe(1);
    expect(totals.images).toBeGreaterThanOrEqual(4);
    expect(totals.customer_images).toBeGreaterThanOrEqual(1);
    expect(totals.comments).toBeGreaterThanOrEqual(120);
    expect(totals.replies).toBeGreaterThanOrEqual(10);
    expect(totals.reactions).toBeGreaterThanOrEqual(300);
    expect(totals.reaction_kinds).toBe(5);
    expect(totals.customer_votes).toBeGreaterThanOrEqual(20);
    expect(totals.employee_votes).toBeGreaterThanOrEqual(100);

    // Dates are spread over the last 90 days, never in the future, more on weekdays than at weekends.
    const span = await one('SELECT min(created_at) AS first, max(created_at) AS last FROM posts');
    expect(Date.now() - new Date(span.first).getTime()).toBeGreaterThan(80 * 86_400_000);
    expect(new Date(span.last).getTime()).toBeLessThanOrEqual(Date.now());
    const rhythm = await one(
      `SELECT count(*) FILTER (WHERE extract(isodow FROM created_at) < 6)::float / 5 AS weekday,
              count(*) FILTER (WHERE extract(isodow FROM created_at) >= 6)::float / 2 AS weekend
       FROM posts`,
    );
    expect(rhythm.weekday).toBeGreaterThan(1.5 * rhythm.weekend);
  });

  it('has ideas in every status, with their history, campaigns, notifications and a report to moderate', async () => {
    const statuses = await rows(`SELECT DISTINCT idea_status FROM posts WHERE kind = 'IDEA' ORDER BY 1`);
    expect(statuses.map((s) => s.idea_status)).toEqual([
      'DECLINED',
      'IMPLEMENTED',
      'IN_PROGRESS',
      'MERGED',
      'NEW',
      'PLANNED',
      'UNDER_REVIEW',
    ]);
    // Every idea that left NEW has a history with a note, and the implemented ones went through each stage.
    const undocumented = await one(
      `SELECT count(*)::int AS n FROM posts p WHERE p.kind = 'IDEA' AND p.idea_status <> 'NEW'
         AND NOT EXISTS (SELECT 1 FROM idea_status_changes c WHERE c.post_id = p.id AND c.to_status = p.idea_status AND c.note <> '')`,
    );
    expect(undocumented.n).toBe(0);
    const implemented = await rows(
      `SELECT p.id, count(c.*)::int AS steps FROM posts p JOIN idea_status_changes c ON c.post_id = p.id
       WHERE p.idea_status = 'IMPLEMENTED' GROUP BY p.id`,
    );
    expect(implemented.length).toBeGreaterThanOrEqual(1);
    expect(implemented.every((i) => i.steps === 4)).toBe(true);
    const campaigns = await rows('SELECT question, deadline FROM campaigns');
    expect(campaigns).toHaveLength(4);
    expect(campaigns.every((c) => c.question.endsWith('?') && c.deadline instanceof Date)).toBe(true);
    expect((await one(`SELECT count(*)::int AS n FROM posts WHERE campaign_id IS NOT NULL`)).n).toBeGreaterThanOrEqual(
      10,
    );

    const notifications = await rows('SELECT kind, count(*)::int AS n FROM notifications GROUP BY kind ORDER BY kind');
    expect(notifications.map((n) => n.kind)).toEqual(['COMMENT', 'IDEA_STATUS', 'MENTION']);
    expect((await one(`SELECT count(*)::int AS n FROM reports WHERE status = 'OPEN'`)).n).toBe(1);

    // The community manager finds the open report in her queue.
    const lea = demoCredentials().find((c) => c.persona.startsWith('Community manager'))!;
    const queue = await t.gql(QUEUE, {}, await signIn(lea.email));
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.moderationQueue.edges.map((e: any) => e.node)).toEqual([{ reason: 'SPAM', status: 'OPEN' }]);
    // Everything went through the services: audited, and published through the outbox.
    expect((await one('SELECT count(*)::int AS n FROM audit_events')).n).toBeGreaterThan(50);
    expect((await one('SELECT count(*)::int AS n FROM outbox_events')).n).toBeGreaterThan(500);
  });

  it('signs in one person per persona with the printed password', async () => {
    const personas = first.credentials.map((c) => c.persona);
    expect(personas).toHaveLength(5);
    expect(personas.join(' ')).toMatch(/Admin.*Manager.*Community manager.*Employee.*Customer/);
    for (const c of first.credentials) {
      const res = await t.gql(SIGN_IN, { input: { email: c.email, password: first.password } });
      expect(res.errors).toBeUndefined();
    }
    const printed = describeDemo(first, 'http://localhost:3000');
    expect(printed).toContain(first.password);
    for (const c of first.credentials) expect(printed).toContain(c.email);
  });

  it('shows a customer only the hybrid spaces they accepted, and only their content', async () => {
    const emma = demoCredentials().find((c) => c.persona.startsWith('Customer'))!;
    const token = await signIn(emma.email);
    const spaces = await t.gql(SPACES, {}, token);
    expect(spaces.errors).toBeUndefined();
    const visible = spaces.data!.spaces.edges.map((e: any) => e.node);
    // She accepted the board and the lab; the rental lounge only invited her (not accepted yet).
    expect(visible.map((s: any) => s.name).sort()).toEqual(['Customer Advisory Board', 'Fleet Innovation Lab']);
    expect(visible.every((s: any) => s.kind === 'HYBRID' && s.viewerRole === 'CUSTOMER')).toBe(true);
    const feed = await t.gql(FEED, {}, token);
    expect(feed.errors).toBeUndefined();
    const spaceIds = new Set(visible.map((s: any) => s.id));
    expect(feed.data!.feed.edges.length).toBeGreaterThan(10);
    expect(feed.data!.feed.edges.every((e: any) => spaceIds.has(e.node.spaceId))).toBe(true);

    // Nina withdrew her consent to the board: she keeps only the rental lounge.
    const nina = (
      await one(
        `SELECT u.email FROM consent_records c JOIN users u ON u.id = c.subject_id WHERE c.withdrawn_at IS NOT NULL`,
      )
    ).email;
    const hers = await t.gql(SPACES, {}, await signIn(nina));
    expect(hers.data!.spaces.edges.map((e: any) => e.node.name)).toEqual(['Rental Partners Lounge']);
  });

  it('fills every dashboard: 90 days of engagement, objectives with KPIs and effort, for the manager only', async () => {
    const org = toGlobalId('Organization', (await one('SELECT id FROM organizations')).id);
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const input = { organizationId: org, from: day(89), to: day(0), granularity: 'WEEK' };
    const persona = (prefix: string) => demoCredentials().find((c) => c.persona.startsWith(prefix))!;
    const manager = await signIn(persona('Manager').email);
    const res = await t.gql(REPORT, { input }, manager);
    expect(res.errors).toBeUndefined();
    const r = res.data!.engagementReport;

    expect(r.totals.suppressed).toBeNull();
    expect(r.totals.activePeople).toBeGreaterThanOrEqual(50);
    expect(r.totals.contributions).toBeGreaterThan(1500);
    expect(r.totals.views).toBeGreaterThan(1000);
    // Activity on (nearly) every week, growing: the last month busier than the first.
    const weeks = r.series as { suppressed: string | null; contributions: number | null }[];
    expect(weeks.filter((w) => !w.suppressed && (w.contributions ?? 0) > 0).length).toBeGreaterThanOrEqual(
      weeks.length - 2,
    );
    const sum = (ws: typeof weeks) => ws.reduce((s, w) => s + (w.contributions ?? 0), 0);
    expect(sum(weeks.slice(-5, -1))).toBeGreaterThan(sum(weeks.slice(1, 5)));
    const active = (ws: typeof r.series) => ws.reduce((s: number, w: any) => s + (w.activePeople ?? 0), 0);
    expect(active(r.series.slice(-4, -1))).toBeGreaterThan(1.3 * active(r.series.slice(1, 4)));
    // The 2027 range campaign makes the busiest week.
    const campaign = await one(`SELECT starts_at, deadline FROM campaigns WHERE title = 'Co-create the 2027 range'`);
    const busiest = [...r.series].sort((a: any, b: any) => (b.contributions ?? 0) - (a.contributions ?? 0))[0];
    const weekStart = Date.parse(`${busiest.start}T00:00:00Z`);
    expect(weekStart).toBeGreaterThan(campaign.starts_at.getTime() - 7 * 86_400_000);
    expect(weekStart).toBeLessThan(campaign.deadline.getTime());
    // Customers' questions answered with varied delays: some after more than 24 h, some never.
    expect(r.responseTime.suppressed).toBeNull();
    expect(r.responseTime.medianHours).toBeGreaterThan(0);
    expect(r.responseTime.unansweredAfter24h).toBeGreaterThan(0.05);
    expect(r.responseTime.unansweredAfter24h).toBeLessThan(0.6);
    // Ideas in the funnel, customers among their authors.
    expect(r.ideaFunnel.suppressed).toBeNull();
    expect(r.ideaFunnel.ideas).toBeGreaterThanOrEqual(40);
    expect(r.ideaFunnel.customerShareOfIdeas).toBeGreaterThan(0.1);
    const stage = (s: string) => r.ideaFunnel.stages.find((x: any) => x.status === s);
    for (const s of ['UNDER_REVIEW', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED'])
      expect(stage(s).reached).toBeGreaterThan(0);
    expect(stage('NEW').current).toBeGreaterThan(0);
    // Velocity Fleet Services engages more than the other two companies; no company is suppressed.
    const companies = r.customerAccounts as { name: string; suppressed: string | null; score: number }[];
    expect(companies.map((c) => c.suppressed)).toEqual([null, null, null]);
    const velocity = companies.find((c) => c.name === 'Velocity Fleet Services')!;
    for (const other of companies.filter((c) => c !== velocity))
      expect(velocity.score).toBeGreaterThan(1.5 * other.score);
    // Effort logged every week: ROE and ROI have their terms.
    expect(r.roe.effortHours).toBeGreaterThan(100);
    expect(r.roe.perHour).toBeGreaterThan(0);
    expect(r.roi.implementedIdeasValue).toBeGreaterThan(0);
    expect(r.roi.kpiGains).toBeGreaterThan(0);
    expect(r.roi.cost).toBeGreaterThan(0);

    const objectives = await t.gql(OBJECTIVES, { org }, manager);
    expect(objectives.errors).toBeUndefined();
    const nodes = objectives.data!.objectives.edges.map((e: any) => e.node);
    expect(nodes.map((o: any) => o.kind).sort()).toEqual(['AWARENESS', 'CUSTOMER_CARE', 'INNOVATION', 'SALES']);
    const kpis = nodes.flatMap((o: any) => o.kpis);
    expect(kpis.filter((k: any) => k.source === 'COMPUTED').length).toBeGreaterThanOrEqual(4);
    expect(kpis.filter((k: any) => k.source === 'BUSINESS').every((k: any) => k.values.length === 3)).toBe(true);
    const statuses = new Set(kpis.map((k: any) => k.progress.status));
    expect(statuses.has('ON_TRACK')).toBe(true);
    expect(statuses.has('AT_RISK') || statuses.has('OFF_TRACK')).toBe(true);

    // An employee without a managed space sees none of it.
    const member = await signIn(persona('Employee').email);
    const denied = await t.gql(REPORT, { input }, member);
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('finds the organization on a second run, says so and changes nothing', async () => {
    const before = await tableCounts();
    const second = await seedDemo(t.app);
    expect(second).toEqual({ ...first, created: false, counts: null });
    expect(describeDemo(second, 'http://localhost:3000')).toContain('The demo organization is already there');
    expect(await tableCounts()).toEqual(before);
  });
});
