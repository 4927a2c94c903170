/// <reference lib="dom" />
import sharp from 'sharp';
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

/** Employees in a browser: live feed, phone size, keyboard only, French, accessibility of the main pages. */
// Journeys in a real browser take longer than API tests.
jest.setTimeout(180_000);

describe('employee journeys', () => {
  let web: WebRuche;
  let spaceId: string;
  let orgId: string;

  const photo = () =>
    sharp({ create: { width: 1600, height: 1000, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .png()
      .toBuffer();

  beforeAll(async () => {
    web = await startWebRuche();
    // An organization with two employees and one open internal space, set up through the API.
    const owner = await apiSignUp(web, 'olivia@acme.test', 'Olivia Owner');
    await apiVerify(web, 'olivia@acme.test');
    const org = await web.gql(
      `mutation { createOrganization(input: { name: "Acme", emailDomains: ["acme.test"] }) { organization { id } } }`,
      {},
      owner,
    );
    orgId = org.createOrganization.organization.id;
    const space = await web.gql(
      `mutation($org: ID!) { createSpace(input: { organizationId: $org, name: "Product", kind: INTERNAL, visibility: OPEN }) { space { id } } }`,
      { org: orgId },
      owner,
    );
    spaceId = space.createSpace.space.id;
    for (const [email, name] of [
      ['eve@acme.test', 'Eve Employee'],
      ['bob@acme.test', 'Bob Builder'],
    ]) {
      const token = await apiSignUp(web, email, name);
      await apiVerify(web, email);
      await web.gql(`mutation($id: ID!) { joinSpace(spaceId: $id) { space { id } } }`, { id: spaceId }, token);
    }
  }, 180_000);
  afterAll(() => web?.close());

  async function signedInPage(email: string, size: { width?: number; locale?: string } = {}) {
    const context = await web.newContext(size);
    const page = await context.newPage();
    await uiSignIn(page, email);
    return { context, page };
  }

  async function writePost(page: import('playwright-core').Page, title: string, body: string) {
    await page.getByRole('button', { name: 'Write a post' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Text', { exact: true }).fill(body);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  it('a post appears to a colleague with the page open as "1 new post", without reloading', async () => {
    const bob = await signedInPage('bob@acme.test');
    await bob.page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await bob.page.getByRole('heading', { name: 'Product', level: 1 }).waitFor();
    const navigations: string[] = [];
    bob.page.on('framenavigated', (f) => f === bob.page.mainFrame() && navigations.push(f.url()));

    const eve = await signedInPage('eve@acme.test');
    await eve.page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await writePost(eve.page, 'Roadmap for the spring', 'Here is what we plan.');
    await eve.page.getByRole('link', { name: 'Roadmap for the spring' }).waitFor();

    const banner = bob.page.getByRole('button', { name: '1 new post' });
    await banner.waitFor({ timeout: 15_000 });
    // The new post is announced, not pushed into the list under the reader's eyes.
    expect(await bob.page.getByRole('link', { name: 'Roadmap for the spring' }).count()).toBe(0);
    await banner.click();
    await bob.page.getByRole('link', { name: 'Roadmap for the spring' }).waitFor();
    expect(navigations).toEqual([]);
    await screenshot(bob.page, 'space-feed-1280');
    await bob.context.close();
    await eve.context.close();
  });

  it('at 375 px: signs in, reads the feed, posts with a photo and opens the idea board, with no sideways scroll', async () => {
    const { context, page } = await signedInPage('eve@acme.test', { width: 375 });
    await page.getByRole('heading', { name: 'Feed', level: 1 }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'home-feed-375');

    await page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await page.getByRole('button', { name: 'Write a post' }).click();
    await page.getByLabel('Title').fill('Photo of the prototype');
    await page.getByLabel('Text', { exact: true }).fill('Taken this morning.');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'prototype.png', mimeType: 'image/png', buffer: await photo() });
    await page.locator('[role=progressbar][aria-valuetext="Uploaded"]').first().waitFor({ timeout: 30_000 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'composer-375');
    const imageRequests: string[] = [];
    page.on('request', (r) => r.url().includes('/uploads/') && r.method() === 'GET' && imageRequests.push(r.url()));
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    const card = page.getByRole('article').filter({ hasText: 'Photo of the prototype' });
    await card.waitFor();
    await card.locator('img').first().waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('article img')].some((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    // A phone never downloads the 1,600 px original: only a width that fits the screen.
    expect(imageRequests.length).toBeGreaterThan(0);
    for (const url of imageRequests) expect(url).toMatch(/[?&]w=(320|640|1024)\b/);

    // Touch targets are at least 44 px.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('main button, main a.btn, header button, header a')]
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.width > 0 && (r.height < 43.5 || r.width < 43.5)).length,
    );
    expect(small).toBe(0);

    await page.goto(`/s/${encodeURIComponent(spaceId)}/ideas`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'idea-board-375');
    await context.close();
  });

  it('keyboard only: signs in and posts', async () => {
    const context = await web.newContext();
    const page = await context.newPage();
    await page.goto('/signin');
    /** Presses Tab until the focused element's accessible name matches (it may already be focused). */
    const focusOn = async (name: RegExp, maxTabs = 25) => {
      for (let i = 0; i <= maxTabs; i++) {
        const label = await page.evaluate(() => {
          // The focused element's accessible name, roughly as assistive technology computes it.
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return '';
          const byIds = (el.getAttribute('aria-labelledby') ?? '')
            .split(/\s+/)
            .map((id) => (id ? document.getElementById(id)?.textContent : ''))
            .join(' ');
          const byFor = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
          return (el.getAttribute('aria-label') || byIds.trim() || byFor || el.textContent || '').trim();
        });
        if (name.test(label)) return;
        if (i < maxTabs) await page.keyboard.press('Tab');
      }
      throw new Error(`could not reach ${name} with Tab`);
    };
    await focusOn(/^E-mail$/);
    await page.keyboard.type('eve@acme.test');
    await focusOn(/^Password$/);
    await page.keyboard.type('a long enough password');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Feed', level: 1 }).waitFor();

    await page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await page.getByRole('heading', { name: 'Product', level: 1 }).waitFor();
    await focusOn(/^Write a post$/, 40);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New post' }).waitFor();
    await focusOn(/^Title$/);
    await page.keyboard.type('Written without a mouse');
    await focusOn(/^Text$/);
    await page.keyboard.type('Only the keyboard was used.');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('link', { name: 'Written without a mouse' }).waitFor();
    await context.close();
  });

  it('in French: the interface, dates and counts follow the browser language', async () => {
    const context = await web.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByRole('heading', { name: 'Connexion à Ruche' }).waitFor();
    await page.getByLabel('E-mail').fill('eve@acme.test');
    await page.getByLabel('Mot de passe', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Fil', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await page.goto(`/s/${encodeURIComponent(spaceId)}`);
    await page.getByRole('button', { name: 'Écrire une publication' }).waitFor();
    await screenshot(page, 'space-feed-fr-1280');
    await context.close();
  });

  it('axe finds no serious or critical violation on the main pages, at 375 and 1280 px', async () => {
    const pages: [string, string][] = [
      ['signin', '/signin'],
      ['signup', '/signup'],
      ['home-feed', '/'],
      ['space-feed', `/s/${encodeURIComponent(spaceId)}`],
      ['idea-board', `/s/${encodeURIComponent(spaceId)}/ideas`],
      ['space-settings', `/s/${encodeURIComponent(spaceId)}/settings`],
      ['spaces', '/spaces'],
      ['notifications', '/notifications'],
      ['search', '/search?q=roadmap'],
      ['moderation', '/moderation'],
      ['consents', '/me/consents'],
      ['organization', `/o/${encodeURIComponent(orgId)}`],
      ['not-found', '/no/such/page'],
    ];
    const problems: string[] = [];
    for (const width of [1280, 375]) {
      const context = await web.newContext({ width });
      const page = await context.newPage();
      for (const [name, path] of pages.slice(0, 2)) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        problems.push(...(await seriousA11yViolations(page)).map((v) => `${name}@${width}: ${v}`));
        await screenshot(page, `${name}-${width}`);
      }
      await uiSignIn(page, 'olivia@acme.test');
      for (const [name, path] of pages.slice(2)) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        problems.push(...(await seriousA11yViolations(page)).map((v) => `${name}@${width}: ${v}`));
        if (width === 375 && (await horizontalOverflow(page)) > 0) problems.push(`${name}@375: scrolls sideways`);
        await screenshot(page, `${name}-${width}`);
      }
      // The post page too.
      await page.goto(`/s/${encodeURIComponent(spaceId)}`);
      await page.getByRole('article').first().getByRole('heading').getByRole('link').click();
      await page.waitForURL(/\/p\//);
      await page.getByRole('heading', { level: 1 }).waitFor();
      problems.push(...(await seriousA11yViolations(page)).map((v) => `post@${width}: ${v}`));
      await screenshot(page, `post-${width}`);
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
