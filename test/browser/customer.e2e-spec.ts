/// <reference lib="dom" />
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { apiSignUp, apiVerify, screenshot, seriousA11yViolations, startWebRuche, uiSignIn, type WebRuche } from './support';

/**
 * A customer in a browser, from the invitation mail to withdrawal, with an employee on the other side; every
 * GraphQL answer and socket frame the customer's browser receives is recorded and searched for anything internal.
 */
// Journeys in a real browser take longer than API tests.
jest.setTimeout(180_000);

describe('customer journey', () => {
  let web: WebRuche;
  let hybridId: string;
  const SECRET = 'FALCONSECRET';
  const internalIds: string[] = [];
  const received: string[] = [];

  /** Records every GraphQL answer and socket frame this browser context receives. */
  function record(context: BrowserContext) {
    context.on('response', (res) => {
      if (res.url().includes('/graphql')) void res.text().then((t) => received.push(t), () => undefined);
    });
    context.on('page', (page) => watchSockets(page));
  }
  function watchSockets(page: Page) {
    page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
  }

  beforeAll(async () => {
    web = await startWebRuche();
    const owner = await apiSignUp(web, 'olivia@acme.test', 'Olivia Owner');
    await apiVerify(web, 'olivia@acme.test');
    const { createOrganization } = await web.gql(
      `mutation { createOrganization(input: { name: "Acme", emailDomains: ["acme.test"] }) { organization { id } } }`,
      {},
      owner,
    );
    const org = createOrganization.organization.id;
    const space = (name: string, kind: string) =>
      web.gql(
        `mutation($org: ID!, $name: String!, $kind: SpaceKind!) { createSpace(input: { organizationId: $org, name: $name, kind: $kind, visibility: OPEN }) { space { id } } }`,
        { org, name, kind },
        owner,
      );
    hybridId = (await space('Co-design Lab', 'HYBRID')).createSpace.space.id;
    const internal = (await space(`Project ${SECRET}`, 'INTERNAL')).createSpace.space.id;
    internalIds.push(internal);
    const post = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
    const secretPost = await web.gql(
      post,
      { input: { spaceId: internal, kind: 'DISCUSSION', title: `Margins of ${SECRET}`, body: `Internal only: ${SECRET}.` } },
      owner,
    );
    internalIds.push(secretPost.createPost.post.id);
    await web.gql(
      post,
      { input: { spaceId: hybridId, kind: 'DISCUSSION', title: 'Welcome to the lab', body: 'Tell us what you need.' } },
      owner,
    );
  }, 180_000);
  afterAll(() => web?.close());

  it('invited by an admin, consents, co-creates an idea that moves on the board, is told live, then withdraws', async () => {
    // The admin invites the customer from the space's settings.
    const admin = await web.newContext();
    const adminPage = await admin.newPage();
    await uiSignIn(adminPage, 'olivia@acme.test');
    await adminPage.goto(`/s/${encodeURIComponent(hybridId)}/settings`);
    await adminPage.getByRole('tab', { name: 'Invitations' }).click();
    await adminPage.getByLabel('E-mail address').fill('carla@client.test');
    await adminPage.getByRole('button', { name: 'Send invitation' }).click();
    await adminPage.getByText('Invitation sent to carla@client.test.').waitFor();
    await screenshot(adminPage, 'space-invitations-1280');

    // The customer opens the link from the mail, at phone size.
    const link = await web.mailbox.linkTo('carla@client.test', '/invitation');
    const customer = await web.newContext({ width: 375, height: 800 });
    record(customer);
    const page = await customer.newPage();
    watchSockets(page);
    await page.goto(link.pathname + link.search + link.hash);
    await page.getByRole('heading', { name: 'What you agree to' }).waitFor();
    expect(new URL(page.url()).hash).toBe(''); // the token leaves the address bar
    await screenshot(page, 'invitation-375');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel('Your name').fill('Carla Client');
    await page.getByLabel('E-mail').fill('carla@client.test');
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    const accept = page.getByRole('button', { name: 'Accept and join the space' });
    const consent = page.getByRole('checkbox', { name: 'I have read and accept this consent text' });
    expect(await consent.isChecked()).toBe(false);
    expect(await accept.isDisabled()).toBe(true); // no way on without ticking consent
    await page.getByText('I have read and accept this consent text').click();
    expect(await consent.isChecked()).toBe(true);
    await accept.click();
    await page.waitForURL(/\/s\//);
    expect(decodeURIComponent(page.url())).toContain(hybridId);
    await page.getByRole('heading', { name: 'Co-design Lab', level: 1 }).waitFor();
    // Every author carries a badge.
    await page.getByRole('article').filter({ hasText: 'Welcome to the lab' }).getByText('Employee').waitFor();
    await screenshot(page, 'customer-space-375');

    // Only the space they accepted exists for them.
    await page.goto('/spaces');
    await page.getByRole('link', { name: 'Co-design Lab' }).first().waitFor();
    expect(await page.getByText(SECRET).count()).toBe(0);
    await page.goto(`/s/${encodeURIComponent(internalIds[0]!)}`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.goto(`/search?q=${SECRET}`);
    await page.waitForLoadState('networkidle');
    expect(await page.getByText(`Margins of ${SECRET}`).count()).toBe(0);

    // The customer proposes an idea with a photo.
    await page.goto(`/s/${encodeURIComponent(hybridId)}`);
    await page.getByRole('button', { name: 'Write a post' }).click();
    await page.getByRole('radio', { name: 'Idea' }).check();
    await page.getByLabel('Title').fill('A rack for cargo bikes');
    await page.getByLabel('Text', { exact: true }).fill('Our couriers need one at each depot.');
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3a7' } }).png().toBuffer();
    await page.locator('input[type=file]').first().setInputFiles({ name: 'rack.png', mimeType: 'image/png', buffer: png });
    await page.locator('[role=progressbar][aria-valuetext="Uploaded"]').first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.getByRole('article').filter({ hasText: 'A rack for cargo bikes' }).locator('img').first().waitFor();
    expect(await page.getByTestId('unread-count').count()).toBe(0);

    // The admin, as the space's community manager, plans it with a note.
    await adminPage.goto(`/s/${encodeURIComponent(hybridId)}/ideas`);
    const card = adminPage.getByRole('article').filter({ hasText: 'A rack for cargo bikes' });
    await card.getByText('Customer').first().waitFor();
    await card.getByRole('button', { name: /Change status/ }).click();
    await adminPage.getByRole('dialog').getByText('Planned', { exact: true }).click();
    await adminPage.getByLabel('Note').fill('Budgeted for the March depot works.');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Change status' }).click();
    await adminPage.getByRole('dialog').waitFor({ state: 'detached' });
    await screenshot(adminPage, 'idea-board-1280');

    // The customer's unread count rises live, and the notification opens the idea with the note.
    await page.getByTestId('unread-count').filter({ hasText: '1' }).waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: /Notifications/ }).click();
    await page.getByText(/A rack for cargo bikes/).first().click();
    await page.waitForURL(/\/p\//);
    await page.getByText('Budgeted for the March depot works.').waitFor();
    await screenshot(page, 'idea-post-375');

    // Withdrawal, with the space open in another tab: that tab loses it at once.
    const spaceTab = await customer.newPage();
    watchSockets(spaceTab);
    await spaceTab.goto(`/s/${encodeURIComponent(hybridId)}`);
    await spaceTab.getByRole('heading', { name: 'Co-design Lab', level: 1 }).waitFor();
    await page.goto('/me/consents');
    await page.getByRole('heading', { name: 'My spaces and consents', level: 1 }).waitFor();
    await screenshot(page, 'consents-375');
    await page.getByRole('button', { name: 'Withdraw my consent' }).click();
    await page.getByRole('button', { name: 'Withdraw and leave' }).click();
    await spaceTab.getByRole('heading', { name: 'You no longer have access to this space' }).waitFor({ timeout: 15_000 });
    await page.goto('/spaces');
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('link', { name: 'Co-design Lab' }).count()).toBe(0);

    // Nothing internal ever reached the customer's browser.
    await page.waitForTimeout(300);
    const everything = received.join('\n');
    expect(received.length).toBeGreaterThan(10);
    expect(everything).not.toContain(SECRET);
    for (const id of internalIds) {
      expect(everything).not.toContain(id);
      expect(everything).not.toContain(Buffer.from(id, 'base64').toString('utf8').split(':').pop()!);
    }
    await customer.close();
    await admin.close();
  });
});
