/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { cloneTestDatabase, freePort, Mailbox } from '@ruche/testing';
import { httpGql, startRuche, type HttpGql, type RucheProcess } from '../support/processes';
import { TEST_JWT_SECRET } from '../support/test-app';

/**
 * Browser journeys: the built server (`npm start`'s dist, web app included) on a fresh clone of the migrated
 * test database, driven by Debian's chromium through playwright-core (browsers are never downloaded).
 */
export const SCREENS_DIR = join(__dirname, '..', '..', 'test-output', 'screens');

export function chromiumPath(): string {
  if (process.env.CHROMIUM_BIN) return process.env.CHROMIUM_BIN;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Browser tests need Debian chromium: apt-get install -y chromium (or set CHROMIUM_BIN)');
  }
}

export interface WebRuche {
  url: string;
  port: number;
  gql: HttpGql;
  mailbox: Mailbox;
  browser: Browser;
  server: RucheProcess;
  /** A fresh browser profile (own cookies), at a phone or desktop size, in English unless told. */
  newContext(options?: { width?: number; height?: number; locale?: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startWebRuche(): Promise<WebRuche> {
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is missing: run `npm run build` first (npm test does)');
  }
  const db = await cloneTestDatabase();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ruche-web-'));
  const url = `http://127.0.0.1:${port}`;
  const server = await startRuche(
    [],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: db.url,
      DATABASE_APP_URL: db.appUrl,
      DB_MIGRATE_ON_START: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      AUTH_THROTTLE_PER_MINUTE: '100000',
      DIGEST_INTERVAL_MINUTES: '0',
    },
    'Ruche is ready',
  );
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENS_DIR, { recursive: true });
  return {
    url,
    port,
    gql: httpGql(port),
    mailbox: new Mailbox(join(dataDir, 'mail')),
    browser,
    server,
    newContext: ({ width = 1280, height = 900, locale = 'en-US' } = {}) =>
      browser.newContext({
        baseURL: url,
        viewport: { width, height },
        locale,
        reducedMotion: 'reduce',
        hasTouch: width < 500,
        isMobile: false,
      }),
    async close() {
      await browser.close().catch(() => undefined);
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes test-output/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
}

/** axe-core on the current page: serious and critical violations (WCAG 2.x A/AA), as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** No horizontal scroll at the current width. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

const PASSWORD = 'a long enough password';

/** An account made through the API (the journeys' UI steps are what they test; set-up goes faster this way). */
export async function apiSignUp(web: WebRuche, email: string, displayName: string): Promise<string> {
  const data = await web.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`, {
    input: { email, password: PASSWORD, displayName },
  });
  return data.signUp.accessToken;
}

/** Verifies `email` with the token of its latest verification mail. */
export async function apiVerify(web: WebRuche, email: string): Promise<void> {
  const link = await web.mailbox.linkTo(email, '/verify-email');
  await web.gql(`mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { id } } }`, {
    input: { token: link.searchParams.get('token') },
  });
}

export async function apiSignIn(web: WebRuche, email: string): Promise<string> {
  const data = await web.gql(`mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }`, {
    input: { email, password: PASSWORD },
  });
  return data.signIn.accessToken;
}

/** Signs in through the sign-in page, as a person types. */
export async function uiSignIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

export { PASSWORD };
