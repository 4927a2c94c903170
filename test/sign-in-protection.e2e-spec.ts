import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, signIn, signUp, uniqueEmail, VERIFY_EMAIL } from './support/identity';

describe('sign-in protection', () => {
  describe('per-account lockout with backoff', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ LOCKOUT_THRESHOLD: '5', LOCKOUT_BASE_MINUTES: '1', LOCKOUT_MAX_MINUTES: '60' });
    });
    afterAll(() => t.close());

    const failTimes = async (email: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await signIn(t, { email, password: 'wrong password' });
        expect(codeOf(res)).toBe('UNAUTHENTICATED');
      }
    };

    it('locks after 5 failures, even for the right password, then lifts with doubling backoff', async () => {
      const person = await signUp(t);
      await failTimes(person.email, 5);
      const locked = await signIn(t, person);
      expect(codeOf(locked)).toBe('RATE_LIMITED');
      expect(locked.errors![0].extensions.retryAfter).toBeGreaterThan(0);
      expect(locked.errors![0].extensions.retryAfter).toBeLessThanOrEqual(60);

      t.clock.advance(61_000);
      await failTimes(person.email, 5);
      const second = await signIn(t, person);
      expect(codeOf(second)).toBe('RATE_LIMITED');
      expect(second.errors![0].extensions.retryAfter).toBeGreaterThan(60); // 2 minutes now

      t.clock.advance(121_000);
      const ok = await signIn(t, person);
      expect(ok.errors).toBeUndefined();
    });

    it('answers an unknown e-mail exactly like a wrong password, lockout included', async () => {
      const person = await signUp(t);
      const wrong = await signIn(t, { email: person.email, password: 'nope nope' });
      const unknown = await signIn(t, { email: uniqueEmail(), password: 'nope nope' });
      expect(unknown.errors![0]).toEqual(wrong.errors![0]);

      const ghost = uniqueEmail();
      await failTimes(ghost, 5);
      expect(codeOf(await signIn(t, { email: ghost, password: 'whatever' }))).toBe('RATE_LIMITED');
    });

    it('a success resets the failure count', async () => {
      const person = await signUp(t);
      await failTimes(person.email, 4);
      expect((await signIn(t, person)).errors).toBeUndefined();
      await failTimes(person.email, 4);
      expect((await signIn(t, person)).errors).toBeUndefined();
    });
  });

  describe('per-IP throttling', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ AUTH_THROTTLE_PER_MINUTE: '3' });
    });
    afterAll(() => t.close());

    it('throttles sign-in attempts from one address with RATE_LIMITED and a retry delay', async () => {
      const email = uniqueEmail();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await signIn(t, { email, password: 'wrong password' }));
      expect(results.slice(0, 3).map(codeOf)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(results.slice(3).map(codeOf)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
      expect(results[4].errors![0].extensions.retryAfter).toBeGreaterThan(0);
    });

    it('throttles e-mail verification attempts too, with RATE_LIMITED and a retry delay', async () => {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await t.gql(VERIFY_EMAIL, { input: { token: `guess-${i}` } }));
      expect(results.slice(0, 3).map(codeOf)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
      expect(codeOf(results[3])).toBe('RATE_LIMITED');
      expect(results[3].errors![0].extensions.retryAfter).toBeGreaterThan(0);
    });
  });
});
