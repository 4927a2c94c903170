/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  apiSignUp,
  apiVerify,
  horizontalOverflow,
  screenshot,
  seriousA11yViolations,
  startWebRuche,
  uiSignIn,
  type WebRuche,
} from './support';

/** A manager in a browser: objectives and a business KPI, effort and ROE, table views, the CSV; an employee is kept out. */
jest.setTimeout(180_000);

// The dashboard's number formats (en-US), to compare what is shown with what the API answers.
const fmt = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined ? '–' : new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(n);
const pct = (n: number | null | undefined) =>
  n === null || n === undefined
    ? '–'
    : new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(n);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('manager journeys', () => {
  let web: WebRuche;
  let orgId: string;
  let spaceId: string;
  let managerToken: string;

  beforeAll(async () => {
    web = await startWebRuche();
    // Acme with an owner, a MANAGER and a MEMBER, and one open space with a little activity.
    const owner = await apiSignUp(web, 'olivia@acme.test', 'Olivia Owner');
    await apiVerify(web, 'olivia@acme.test');
    const org = await web.gql(
      `mutation { createOrganization(input: { name: "Acme", emailDomains: ["acme.test"] }) { organization { id } } }`,
      {},
      owner,
    );
    orgId = org.createOrganization.organization.id;
    const space = await web.gql(
      `mutation($org: ID!) { createSpace(input: { organizationId: $org, name: "Support", kind: INTERNAL, visibility: OPEN }) { space { id } } }`,
      { org: orgId },
      owner,
    );
    spaceId = space.createSpace.space.id;
    managerToken = await apiSignUp(web, 'max@acme.test', 'Max Manager');
    await apiVerify(web, 'max@acme.test');
    const max = await web.gql(`query { me { id } }`, {}, managerToken);
    await web.gql(
      `mutation($input: SetOrganizationRoleInput!) { setOrganizationRole(input: $input) { member { role } } }`,
      { input: { organizationId: orgId, userId: max.me.id, role: 'MANAGER' } },
      owner,
    );
    await apiSignUp(web, 'eve@acme.test', 'Eve Employee');
    await apiVerify(web, 'eve@acme.test');
    await web.gql(
      `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
      { input: { spaceId, kind: 'DISCUSSION', title: 'Welcome to support', body: 'Ask anything here.' } },
      owner,
    );
    // Five more people posting, so that the score is over at least 5 people and not suppressed.
    for (const name of ['Ann', 'Ben', 'Cleo', 'Dan', 'Fay']) {
      const email = `${name.toLowerCase()}@acme.test`;
      const token = await apiSignUp(web, email, `${name} Employee`);
      await apiVerify(web, email);
      await web.gql(`mutation($id: ID!) { joinSpace(spaceId: $id) { space { id } } }`, { id: spaceId }, token);
      await web.gql(
        `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
        { input: { spaceId, kind: 'DISCUSSION', title: `Hello from ${name}`, body: 'Glad to be here.' } },
        token,
      );
    }
  }, 180_000);
  afterAll(() => web?.close());

  async function signedInPage(email: string, width = 1280) {
    const context = await web.newContext({ width });
    const page = await context.newPage();
    await uiSignIn(page, email);
    return { context, page };
  }

  const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

  async function report() {
    const to = isoDay(Date.now());
    const from = isoDay(Date.now() - 29 * 86_400_000);
    const data = await web.gql(
      `query($input: EngagementReportInput!) { engagementReport(input: $input) {
         series { start suppressed }
         roe { score effortHours effortCost perHour perCost }
         spaces { name suppressed roe { perHour } }
       } }`,
      { input: { organizationId: orgId, from, to, granularity: 'DAY', segment: 'ALL' } },
      managerToken,
    );
    return data.engagementReport as {
      series: { start: string; suppressed: string | null }[];
      roe: {
        score: number | null;
        effortHours: number;
        effortCost: number;
        perHour: number | null;
        perCost: number | null;
      };
      spaces: { name: string; suppressed: string | null; roe: { perHour: number | null } }[];
    };
  }

  it('opens Analytics, creates an objective with a business KPI, enters a value, logs effort and reads progress and ROE', async () => {
    // The rollups are filled by the ingestion job from the event stream: give it a few ticks.
    for (let i = 0; i < 10 && (await report()).roe.score === null; i++) await new Promise((r) => setTimeout(r, 1000));
    const { context, page } = await signedInPage('max@acme.test');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    await page.getByText('No objective yet.').waitFor();

    // An objective with one business KPI.
    await page.getByRole('button', { name: 'New objective' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Faster support');
    await page.getByLabel('KPI', { exact: true }).fill('Tickets deflected');
    await page.getByLabel('Baseline').fill('10');
    await page.getByLabel('Target').fill('100');
    await page.getByLabel('Value of one unit').fill('20');
    await page.getByRole('button', { name: 'Create objective' }).click();
    const objective = region(page, 'Faster support');
    await objective.waitFor();
    await objective.getByText('No data').first().waitFor();

    // A value for this period.
    await objective.getByRole('button', { name: 'Enter a value (Tickets deflected)' }).click();
    await objective.getByLabel('Value', { exact: true }).fill('40');
    await objective.getByRole('button', { name: 'Save value' }).click();
    await objective.getByRole('button', { name: 'Save value' }).waitFor({ state: 'detached' });

    const api = await web.gql(
      `query($org: ID!) { objectives(organizationId: $org, first: 10) { edges { node { title kpis { name progress { actual target progress status } } } } } }`,
      { org: orgId },
      managerToken,
    );
    const kpi = api.objectives.edges[0].node.kpis[0];
    expect(kpi.progress.actual).toBe(40);
    expect(kpi.progress.target).toBe(100);
    const shown = `${fmt(kpi.progress.actual)} of ${fmt(kpi.progress.target)} (${pct(kpi.progress.progress)})`;
    await objective.getByText(shown).waitFor();
    const statusLabel = { ON_TRACK: 'On track', AT_RISK: 'At risk', OFF_TRACK: 'Off track', NO_DATA: 'No data' }[
      kpi.progress.status as string
    ]!;
    await objective.locator('.status-badge', { hasText: statusLabel }).waitFor();

    // Effort for the space: ROE is the score per hour of it.
    const roe = region(page, 'Return on engagement (ROE)');
    await roe.getByRole('button', { name: 'Log effort' }).click();
    await roe.getByLabel('Space', { exact: true }).selectOption({ label: 'Support' });
    await roe.getByLabel('Hours', { exact: true }).fill('8');
    await roe.getByLabel('Cost', { exact: true }).fill('400');
    await roe.getByRole('button', { name: 'Save effort' }).click();
    await roe.getByRole('button', { name: 'Save effort' }).waitFor({ state: 'detached' });
    const after = await report();
    expect(after.roe.effortHours).toBe(8);
    expect(after.roe.effortCost).toBe(400);
    const expectedPerHour = after.roe.score === null ? null : after.roe.score / after.roe.effortHours;
    if (expectedPerHour === null) expect(after.roe.perHour).toBeNull();
    else expect(after.roe.perHour).toBeCloseTo(expectedPerHour, 2); // the API rounds ROE to two decimals
    // A score over fewer than 5 people is hidden, and says so, rather than shown as 0.
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="roe-per-hour"]')?.textContent === text,
      expectedPerHour === null ? 'hidden: fewer than 5 people' : fmt(after.roe.perHour!),
      { timeout: 10_000 },
    );

    // The ROE block as a table: the overall row carries the 8 hours and 400 of cost.
    // Without a visible per-space score there is no chart, and the block is a table already.
    const roeToggle = roe.getByRole('button', { name: 'Table view' });
    // The chart shows the spaces whose ROE is visible; with one, the table is behind the toggle.
    if (after.spaces.some((s) => !s.suppressed && s.roe.perHour !== null)) await roeToggle.click();
    const overall = roe.getByRole('row', { name: /^Overall/ });
    await overall.waitFor();
    expect(await overall.textContent()).toContain('8');
    expect(await overall.textContent()).toContain('400');

    await screenshot(page, 'analytics-1280');

    // Archiving, after a confirmation, takes the objective off the list (and out of the API's list).
    page.once('dialog', (d) => void d.accept());
    await objective.getByRole('button', { name: 'Archive (Faster support)' }).click();
    await objective.waitFor({ state: 'detached' });
    const left = await web.gql(
      `query($org: ID!) { objectives(organizationId: $org, first: 10) { edges { node { title } } } }`,
      { org: orgId },
      managerToken,
    );
    expect(left.objectives.edges.map((e: { node: { title: string } }) => e.node.title)).not.toContain('Faster support');
    await context.close();
  });

  it('shows the activity chart as a table, downloads the CSV, has no serious accessibility issue, and fits 375 px', async () => {
    const { context, page } = await signedInPage('max@acme.test', 375);
    await page.goto(`/o/${encodeURIComponent(orgId)}/analytics`);
    const activity = region(page, 'Activity over time');
    await activity.waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'analytics-375');

    const api = await report();
    // With every period hidden there is no chart to switch from: the block is its table.
    const toggle = activity.getByRole('button', { name: 'Table view' });
    if (api.series.some((p) => !p.suppressed)) {
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    } else expect(await toggle.count()).toBe(0);
    const table = activity.getByRole('table');
    await table.waitFor();
    expect(await table.getByRole('columnheader').first().textContent()).toBe('Period starting');
    // One row per day of the 30, each either with figures or saying they are hidden (never a 0 in their place).
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(api.series.length);
    const hidden = api.series.filter((p) => p.suppressed).length;
    expect(await table.getByText('hidden: fewer than 5 people').count()).toBe(hidden);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      activity.getByRole('button', { name: 'Download CSV (Activity over time)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toBe(
      'start,suppressed,activePeople,contributors,dailyActive,posts,ideas,comments,reactions,votes,views,contributions,score,medianFirstResponseHours',
    );
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(api.series.map((p) => p.start));
    expect(download.suggestedFilename()).toMatch(/^engagement-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  });

  it('a space moderator page links to the dashboard of that space', async () => {
    const { context, page } = await signedInPage('olivia@acme.test');
    await page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await page.getByRole('heading', { name: 'Support', level: 1 }).waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Analytics' }).click();
    await page.getByText('Space: Support').waitFor();
    expect(new URL(page.url()).searchParams.get('space')).toBe(spaceId);
    await context.close();
  });

  it('an employee (MEMBER) sees no Analytics link, and the URL itself shows "Not allowed"', async () => {
    const { context, page } = await signedInPage('eve@acme.test');
    await page.getByRole('heading', { name: 'Feed', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Analytics' }).count()).toBe(0);
    await page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await page.getByRole('heading', { name: 'Support', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Analytics' }).count()).toBe(0);
    await page.goto(`/o/${encodeURIComponent(orgId)}/analytics`);
    await page.getByRole('heading', { name: 'Not allowed', level: 1 }).waitFor();
    await screenshot(page, 'analytics-not-allowed-1280');
    await context.close();
  });
});
