import jwt from 'jsonwebtoken';
import { statementsDuring } from './support/statements';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app';
import {
  codeOf,
  CREATE_ORG,
  ME,
  REFRESH,
  SIGN_UP,
  signIn,
  signUp,
  uniqueEmail,
  VERIFY_EMAIL,
} from './support/identity';

describe('accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const countUsers = async () => Number((await t.sql.query('SELECT count(*) FROM users')).rows[0].count);

  it('signs up, verifies from the mailed link, signs in, reads me and creates an organization', async () => {
    const email = uniqueEmail('journey.test');
    const up = await t.gql(SIGN_UP, { input: { email, password: 'a long passphrase', displayName: 'Alice' } });
    expect(up.errors).toBeUndefined();
    expect(up.data!.signUp.user).toMatchObject({ email, emailVerified: false, displayName: 'Alice' });

    const mail = await t.mailbox.latestTo(email);
    expect(mail.subject).toMatch(/confirm/i);
    const link = await t.mailbox.linkTo(email, '/verify-email');
    expect(link.origin).toBe(t.config.http.publicUrl);
    const verified = await t.gql(VERIFY_EMAIL, { input: { token: link.searchParams.get('token') } });
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyEmail.user.emailVerified).toBe(true);

    const reused = await t.gql(VERIFY_EMAIL, { input: { token: link.searchParams.get('token') } });
    expect(codeOf(reused)).toBe('BAD_USER_INPUT');

    const signedIn = await signIn(t, { email, password: 'a long passphrase' });
    expect(signedIn.errors).toBeUndefined();
    const token = signedIn.data!.signIn.accessToken;

    const me = await t.gql(ME, {}, token);
    expect(me.data!.me).toMatchObject({ email, emailVerified: true, displayName: 'Alice' });

    const org = await t.gql(CREATE_ORG, { input: { name: 'Journey Inc', emailDomains: ['journey.test'] } }, token);
    expect(org.errors).toBeUndefined();
    expect(org.data!.createOrganization.organization).toMatchObject({
      name: 'Journey Inc',
      viewerRole: 'OWNER',
      emailDomains: ['journey.test'],
    });
  });

  it('opening the mailed link spends nothing (the web app page asks for a press); verifyEmail confirms', async () => {
    const person = await signUp(t);
    const link = await t.mailbox.linkTo(person.email, '/verify-email');
    // A mail scanner prefetching the link: the web app (when built) or nothing answers, and the token stays unspent.
    await t.http().get(`${link.pathname}${link.search}`).set('accept', 'text/html');
    expect((await t.gql(ME, {}, person.accessToken)).data!.me.emailVerified).toBe(false);
    // The page's button sends the mutation.
    const verified = await t.gql(VERIFY_EMAIL, { input: { token: link.searchParams.get('token') } });
    expect(verified.errors).toBeUndefined();
    expect((await t.gql(ME, {}, person.accessToken)).data!.me.emailVerified).toBe(true);
  });

  it('stores only an Argon2id hash of the password', async () => {
    const person = await signUp(t);
    const { rows } = await t.sql.query('SELECT password_hash FROM users WHERE email = $1', [person.email]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(rows[0].password_hash).not.toContain(person.password);
  });

  describe('bad input gets a typed error and writes nothing', () => {
    const cases: [string, Record<string, unknown>, string, string | null][] = [
      [
        'malformed e-mail',
        { email: 'not-an-email', password: 'long enough', displayName: 'X' },
        'BAD_USER_INPUT',
        'email',
      ],
      [
        '10 kB password',
        { email: uniqueEmail(), password: 'x'.repeat(10_000), displayName: 'X' },
        'BAD_USER_INPUT',
        'password',
      ],
      ['short password', { email: uniqueEmail(), password: 'short', displayName: 'X' }, 'BAD_USER_INPUT', 'password'],
      [
        'empty display name',
        { email: uniqueEmail(), password: 'long enough', displayName: '' },
        'BAD_USER_INPUT',
        'displayName',
      ],
      ['missing field', { email: uniqueEmail(), password: 'long enough' }, 'BAD_USER_INPUT', null],
      [
        'unknown field',
        { email: uniqueEmail(), password: 'long enough', displayName: 'X', role: 'ADMIN' },
        'BAD_USER_INPUT',
        null,
      ],
    ];
    it.each(cases)('%s', async (_name, input, code, field) => {
      const before = await countUsers();
      const res = await t.gql(SIGN_UP, { input });
      expect(codeOf(res)).toBe(code);
      if (field) expect(res.errors![0].extensions.fieldErrors[field]).toEqual(expect.any(Array));
      expect(await countUsers()).toBe(before);
    });

    it('an unknown field written in the query itself is a validation error', async () => {
      const res = await t.gql(
        `mutation { signUp(input: { email: "a@b.test", password: "long enough", displayName: "X", isAdmin: true }) { accessToken } }`,
      );
      expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('a taken e-mail is a CONFLICT on the email field', async () => {
      const person = await signUp(t);
      const res = await t.gql(SIGN_UP, {
        input: { email: person.email.toUpperCase(), password: 'long enough', displayName: 'Y' },
      });
      expect(codeOf(res)).toBe('CONFLICT');
      expect(res.errors![0].extensions.fieldErrors.email).toBeDefined();
    });
  });

  describe('access tokens', () => {
    const claims = (person: { accessToken: string }) => jwt.decode(person.accessToken) as jwt.JwtPayload;

    it('refuses requests without a token', async () => {
      expect(codeOf(await t.gql(ME))).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['garbage', () => 'not.a.jwt'],
      ['random string', () => 'abc'],
    ])('refuses a %s token', async (_name, make) => {
      expect(codeOf(await t.gql(ME, {}, make()))).toBe('UNAUTHENTICATED');
    });

    it('refuses tampered, expired, alg:none, foreign issuer or audience tokens', async () => {
      const person = await signUp(t);
      const c = claims(person);
      const [h, , s] = person.accessToken.split('.');
      const tamperedPayload = Buffer.from(
        JSON.stringify({ ...c, sub: '00000000-0000-4000-8000-000000000000' }),
      ).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const base = { sub: c.sub, sid: c.sid, tv: c.tv };
      const sign = (payload: object, opts: jwt.SignOptions = {}) =>
        jwt.sign(payload, TEST_JWT_SECRET, { algorithm: 'HS256', issuer: 'ruche', audience: 'ruche-api', ...opts });
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
        JSON.stringify({ ...base, iss: 'ruche', aud: 'ruche-api', exp: now + 600 }),
      ).toString('base64url')}.`;
      const bad = {
        tampered: `${h}.${tamperedPayload}.${s}`,
        expired: sign({ ...base, iat: now - 3600, exp: now - 1800 }),
        algNone: none,
        foreignIssuer: sign({ ...base, exp: now + 600 }, { issuer: 'someone-else' }),
        foreignAudience: sign({ ...base, exp: now + 600 }, { audience: 'other-api' }),
        otherSecret: jwt.sign({ ...base, exp: now + 600 }, 'another-secret-another-secret-another-secret', {
          algorithm: 'HS256',
          issuer: 'ruche',
          audience: 'ruche-api',
        }),
        noExpiry: sign({ ...base }),
        hs512: jwt.sign({ ...base, exp: now + 600 }, TEST_JWT_SECRET, {
          algorithm: 'HS512',
          issuer: 'ruche',
          audience: 'ruche-api',
        }),
      };
      // The well-formed control proves the failures come from the defects, not from the test's signing.
      expect((await t.gql(ME, {}, sign({ ...base, exp: now + 600 }))).errors).toBeUndefined();
      for (const [name, token] of Object.entries(bad)) {
        const res = await t.gql(ME, {}, token);
        expect([name, codeOf(res)]).toEqual([name, 'UNAUTHENTICATED']);
      }
    });
  });

  it('answers the web app viewer (me with its organizations and roles) in three round trips', async () => {
    const person = await signUp(t, { email: uniqueEmail('viewer-trips.test') });
    for (const name of ['Zeta Viewer Co', 'Alpha Viewer Co'])
      await t.gql(CREATE_ORG, { input: { name, emailDomains: [] } }, person.accessToken);
    const VIEWER = `{ me { id displayName email organizations { id name viewerRole viewerCan { readAnalytics } } } }`;
    await t.gql(VIEWER, {}, person.accessToken); // the day's first request also records the visit
    const { result, statements } = await statementsDuring(() => t.gql(VIEWER, {}, person.accessToken));
    expect(result.errors).toBeUndefined();
    expect(result.data!.me.organizations).toEqual([
      expect.objectContaining({ name: 'Alpha Viewer Co', viewerRole: 'OWNER', viewerCan: { readAnalytics: true } }),
      expect.objectContaining({ name: 'Zeta Viewer Co', viewerRole: 'OWNER' }),
    ]);
    // BEGIN with the session check, the user with their organizations, COMMIT (with the outbox mark's read).
    const trips = statements.map((q) => (/; COMMIT$/.test(q.text.trim()) ? 'COMMIT' : q.text.trim().split(/\s+/)[0]));
    expect(trips).toEqual(['BEGIN;', 'SELECT', 'COMMIT']);
  });

  describe('refresh tokens', () => {
    it('rotates: the new pair works and the spent token does not', async () => {
      const person = await signUp(t);
      const first = await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } });
      expect(first.errors).toBeUndefined();
      const next = first.data!.refreshSession;
      expect(next.refreshToken).not.toBe(person.refreshToken);
      expect((await t.gql(ME, {}, next.accessToken)).data!.me.email).toBe(person.email);
      const second = await t.gql(REFRESH, { input: { refreshToken: next.refreshToken } });
      expect(second.errors).toBeUndefined();
    });

    it('lets exactly one of 50 parallel refreshes with one token succeed', async () => {
      const person = await signUp(t);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => t.gql(REFRESH, { input: { refreshToken: person.refreshToken } })),
      );
      const ok = results.filter((r) => !r.errors);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => codeOf(r) === 'UNAUTHENTICATED')).toHaveLength(49);
    });

    it('treats reuse of a spent token as theft: the whole family is revoked', async () => {
      const person = await signUp(t);
      const rotated = (await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } })).data!.refreshSession;
      const reuse = await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } });
      expect(codeOf(reuse)).toBe('UNAUTHENTICATED');
      // The legitimate successor dies with its family, and so does its access token.
      expect(codeOf(await t.gql(REFRESH, { input: { refreshToken: rotated.refreshToken } }))).toBe('UNAUTHENTICATED');
      expect(codeOf(await t.gql(ME, {}, rotated.accessToken))).toBe('UNAUTHENTICATED');
      const { rows } = await t.sql.query(
        `SELECT f.revoked_reason FROM session_families f JOIN users u ON u.id = f.user_id WHERE u.email = $1`,
        [person.email],
      );
      expect(rows.map((r) => r.revoked_reason)).toContain('REFRESH_TOKEN_REUSE');
    });

    it('refuses an expired refresh token', async () => {
      const person = await signUp(t);
      t.clock.advance((t.config.sessions.refreshTtlDays + 1) * 86_400_000);
      try {
        expect(codeOf(await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } }))).toBe('UNAUTHENTICATED');
      } finally {
        t.clock.advance(-(t.config.sessions.refreshTtlDays + 1) * 86_400_000);
      }
    });

    it('refuses an unknown refresh token the same way', async () => {
      const res = await t.gql(REFRESH, { input: { refreshToken: 'x'.repeat(43) } });
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
    });
  });

  describe('sign-out', () => {
    const SIGN_OUT = `mutation ($input: SignOutInput) { signOut(input: $input) { ok } }`;

    it('ends this session only: its tokens stop working, another device keeps going', async () => {
      const person = await signUp(t);
      const laptop = (await signIn(t, person)).data!.signIn;
      expect((await t.gql(SIGN_OUT, {}, person.accessToken)).data!.signOut.ok).toBe(true);
      expect(codeOf(await t.gql(ME, {}, person.accessToken))).toBe('UNAUTHENTICATED');
      expect(codeOf(await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } }))).toBe('UNAUTHENTICATED');
      expect((await t.gql(ME, {}, laptop.accessToken)).errors).toBeUndefined();
    });

    it('everywhere: every session and access token of the account stops at once', async () => {
      const person = await signUp(t);
      const laptop = (await signIn(t, person)).data!.signIn;
      await t.gql(SIGN_OUT, { input: { everywhere: true } }, person.accessToken);
      for (const token of [person.accessToken, laptop.accessToken]) {
        expect(codeOf(await t.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      }
      expect(codeOf(await t.gql(REFRESH, { input: { refreshToken: laptop.refreshToken } }))).toBe('UNAUTHENTICATED');
      expect((await signIn(t, person)).errors).toBeUndefined();
    });
  });
});
