import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { IdempotencyKeysPurge } from '@ruche/graphql';
import { parseGlobalId, toGlobalId } from '@ruche/kernel';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, type Person } from './support/identity';
import { createOrganization, createSpace, employeeOf } from './support/spaces';

const CREATE_POST = `mutation Create($input: CreatePostInput!) {
  createPost(input: $input) { post { id title createdAt author { displayName } } }
}`;

describe('idempotent writes (Idempotency-Key)', () => {
  let t: TestApp;
  let spaceId: string;
  let ann: Person;
  let bob: Person;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createOrganization(t, 'Idem Co');
    spaceId = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Once' })).id;
    [ann, bob] = [await employeeOf(t, org, 'Ann'), await employeeOf(t, org, 'Bob')];
  });
  afterAll(() => t.close());

  const send = (by: Person, key: string | undefined, input: Record<string, unknown>, query = CREATE_POST) => {
    const req = t
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${by.accessToken}`);
    if (key !== undefined) req.set('idempotency-key', key);
    return req.send({ query, variables: { input } });
  };
  const postsTitled = async (title: string) =>
    (await t.sql.query('SELECT count(*)::int AS n FROM posts WHERE title = $1', [title])).rows[0].n as number;
  const keyRows = async (key: string) =>
    (await t.sql.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1', [key])).rows[0].n as number;

  it('a double submit creates one post and replays the first answer byte for byte', async () => {
    const key = randomUUID();
    const input = { spaceId, title: 'Double click', body: 'once' };
    const first = await send(ann, key, input);
    expect(first.body.errors).toBeUndefined();
    const second = await send(ann, key, input);
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await postsTitled('Double click')).toBe(1);
    // Without a key, the same request creates another post, as before.
    expect((await send(ann, undefined, input)).body.errors).toBeUndefined();
    expect(await postsTitled('Double click')).toBe(2);
  });

  it('concurrent duplicates create one post; every one gets the same answer', async () => {
    const key = randomUUID();
    const input = { spaceId, title: 'Concurrent', body: 'racing' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(ann, key, input)));
    expect(await postsTitled('Concurrent')).toBe(1);
    for (const answer of answers) expect(answer.text).toBe(answers[0].text);
    expect(answers[0].body.data.createPost.post.title).toBe('Concurrent');
  });

  it('the same key with other variables or another operation is CONFLICT (IDEMPOTENCY_KEY_REUSED)', async () => {
    const key = randomUUID();
    expect((await send(ann, key, { spaceId, title: 'First body', body: 'a' })).body.errors).toBeUndefined();
    const other = await send(ann, key, { spaceId, title: 'First body', body: 'b' });
    expect(other.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    const otherOperation = await send(
      ann,
      key,
      { spaceId, title: 'First body', body: 'a' },
      `mutation Create($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
    );
    expect(codeOf(otherOperation.body)).toBe('CONFLICT');
    expect(await postsTitled('First body')).toBe(1);
  });

  it('keys are per person: the same key from someone else is theirs alone', async () => {
    const key = randomUUID();
    const input = { spaceId, title: 'Same key, two people', body: 'x' };
    const byAnn = await send(ann, key, input);
    const byBob = await send(bob, key, input);
    expect(byBob.body.data.createPost.post.author.displayName).toBe('Bob');
    expect(byBob.body.data.createPost.post.id).not.toBe(byAnn.body.data.createPost.post.id);
    expect(await postsTitled('Same key, two people')).toBe(2);
  });

  it('a failed operation records no key: the retry runs', async () => {
    const key = randomUUID();
    const missing = await send(ann, key, { spaceId: toGlobalId('Space', randomUUID()), title: 'Nope', body: 'x' });
    expect(codeOf(missing.body)).toBe('NOT_FOUND');
    expect(await keyRows(key)).toBe(0);
    const retried = await send(ann, key, { spaceId, title: 'After a failure', body: 'x' });
    expect(retried.body.errors).toBeUndefined();
    expect(await postsTitled('After a failure')).toBe(1);
  });

  it('a commit that fails (a crash before the answer) records neither the post nor the key; the retry creates one', async () => {
    // A check that fires at COMMIT, after the mutation and the key's answer were written in the transaction.
    await t.sql.query(`
      CREATE FUNCTION test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.title = 'Crash at commit' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NULL; END $$`);
    await t.sql.query(`CREATE CONSTRAINT TRIGGER test_fail_commit AFTER INSERT ON posts
                       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_commit()`);
    const key = randomUUID();
    const input = { spaceId, title: 'Crash at commit', body: 'x' };
    try {
      const crashed = await send(ann, key, input);
      expect(codeOf(crashed.body)).toBe('SERVICE_UNAVAILABLE');
      expect(crashed.body.data).toBeNull();
      expect(await postsTitled('Crash at commit')).toBe(0);
      expect(await keyRows(key)).toBe(0);
    } finally {
      await t.sql.query(`DROP TRIGGER test_fail_commit ON posts`);
      await t.sql.query(`DROP FUNCTION test_fail_commit()`);
    }
    const retried = await send(ann, key, input);
    expect(retried.body.errors).toBeUndefined();
    expect(await postsTitled('Crash at commit')).toBe(1);
    expect(await keyRows(key)).toBe(1);
  });

  it('refuses a malformed key, and a key on a mutation that creates nothing', async () => {
    const bad = await send(ann, 'x'.repeat(300), { spaceId, title: 'Bad key', body: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_INVALID' });
    const signOut = await send(ann, randomUUID(), {}, `mutation { signOut { ok } }`);
    expect(signOut.body.errors[0].extensions.reason).toBe('IDEMPOTENCY_KEY_UNSUPPORTED');
  });

  it('row-level security: a person reads only their own keys; the purge job forgets keys after 24 hours', async () => {
    const key = randomUUID();
    await send(ann, key, { spaceId, title: 'Remembered', body: 'x' });
    const app = new Pool({ connectionString: t.database.appUrl, max: 1 });
    try {
      const asPerson = async (userId: string) => {
        const client = await app.connect();
        try {
          await client.query('BEGIN');
          await client.query(`SELECT set_config('ruche.user_id', $1, true)`, [userId]);
          const { rows } = await client.query('SELECT user_id FROM idempotency_keys');
          await client.query('COMMIT');
          return rows.map((r) => r.user_id as string);
        } finally {
          client.release();
        }
      };
      const annId = parseGlobalId(ann.id)!.id;
      const bobId = parseGlobalId(bob.id)!.id;
      expect((await asPerson(annId)).length).toBeGreaterThan(0);
      expect(new Set(await asPerson(annId))).toEqual(new Set([annId]));
      expect(new Set(await asPerson(bobId))).toEqual(new Set([bobId]));
    } finally {
      await app.end();
    }
    const purge = t.app.get(IdempotencyKeysPurge);
    expect(await purge.purge()).toBe(0);
    t.clock.advance(25 * 3_600_000);
    expect(await purge.purge()).toBeGreaterThan(0);
    expect(await keyRows(key)).toBe(0);
  });
});
