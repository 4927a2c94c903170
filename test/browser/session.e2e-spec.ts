/// <reference lib="dom" />
import { apiSignUp, horizontalOverflow, screenshot, startWebRuche, uiSignIn, type WebRuche } from './support';

/** Sessions in a browser: access token in memory, refresh token in an HttpOnly cookie the server rotates. */
// Journeys in a real browser take longer than API tests.
jest.setTimeout(180_000);

describe('browser session', () => {
  let web: WebRuche;
  beforeAll(async () => {
    web = await startWebRuche();
  }, 120_000);
  afterAll(() => web?.close());

  it('serves the app with a strict CSP, falls back to it for client routes, and keeps API 404s as JSON', async () => {
    const home = await fetch(`${web.url}/spaces`, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    const csp = home.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await home.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    const asset = html.match(/\/assets\/[^"]+\.js/)![0];
    const js = await fetch(`${web.url}${asset}`);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-encoding')).toMatch(/^(gzip|br)$/); // the app's files travel compressed
    const api404 = await fetch(`${web.url}/uploads/not-an-id`);
    expect(api404.headers.get('content-type')).not.toContain('text/html');
  });

  it('never answers a cookie-held refresh token in a body a page script could read', async () => {
    await apiSignUp(web, 'cookie@session.test', 'Cora Cookie');
    const signIn = await fetch(`${web.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ruche-session': 'cookie' },
      body: JSON.stringify({
        query: 'mutation { signIn(input: {email: "cookie@session.test", password: "a long enough password"}) { refreshToken } }',
      }),
    });
    expect((await signIn.json()).data.signIn.refreshToken).toBeNull();
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    // Without the browser header, a refresh from the cookie still answers no token and rotates the cookie.
    const refreshed = await fetch(`${web.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: 'mutation { refreshSession(input: {}) { accessToken refreshToken } }' }),
    });
    const body = await refreshed.json();
    expect(body.data.refreshSession.accessToken).toEqual(expect.any(String));
    expect(body.data.refreshSession.refreshToken).toBeNull();
    expect(refreshed.headers.get('set-cookie')).toMatch(/^ruche_refresh=[^;]+;.*HttpOnly/);
  });

  it('signs in, survives a reload without any token in storage, and signs out for good', async () => {
    await apiSignUp(web, 'reload@session.test', 'Rosa Reload');
    const context = await web.newContext({ width: 375, height: 800 });
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForURL(/\/signin/);
    await screenshot(page, 'signin-375');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    // A wrong password is a clear form error, not a crash.
    await page.getByLabel('E-mail').fill('reload@session.test');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong e-mail or password.').waitFor();

    await uiSignIn(page, 'reload@session.test');
    await page.getByRole('button', { name: 'Account' }).waitFor();

    const cookies = await context.cookies();
    const refresh = cookies.find((c) => c.name === 'ruche_refresh')!;
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/graphql' });
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ|ruche_refresh/);
    expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: invisible to scripts

    await page.reload();
    await page.getByRole('button', { name: 'Account' }).waitFor();
    const rotated = (await context.cookies()).find((c) => c.name === 'ruche_refresh')!;
    expect(rotated.value).not.toBe(refresh.value);

    // The old refresh token was single use: presenting it again revokes the whole family.
    const reuse = await fetch(`${web.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `ruche_refresh=${refresh.value}`, 'x-ruche-session': 'cookie' },
      body: JSON.stringify({ query: 'mutation { refreshSession(input: {}) { accessToken } }' }),
    }).then((r) => r.json());
    expect(reuse.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await page.reload();
    await page.waitForURL(/\/signin/);

    await uiSignIn(page, 'reload@session.test');
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    expect((await context.cookies()).find((c) => c.name === 'ruche_refresh')).toBeUndefined();
    await page.reload();
    await page.waitForURL(/\/signin/);
    await context.close();
  });
});
