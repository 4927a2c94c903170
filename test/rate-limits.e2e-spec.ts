import { io } from 'socket.io-client';
import { parseGlobalId } from '@ruche/kernel';
import { redisAnswers } from '@ruche/testing';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, type Person } from './support/identity';
import { createOrganization, createSpace, employeeOf } from './support/spaces';

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const REACT = `mutation($input: ReactInput!) { react(input: $input) { post { reactionCount } } }`;
const SEARCH = `query($q: String!) { search(query: $q, first: 5) { edges { cursor } } }`;

async function world(t: TestApp) {
  const org = await createOrganization(t, 'Limits Co');
  const spaceId = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Busy' })).id;
  const [ann, bob] = [await employeeOf(t, org, 'Ann'), await employeeOf(t, org, 'Bob')];
  return { org, spaceId, ann, bob };
}

const post = (t: TestApp, by: Person, spaceId: string) =>
  t.gql(CREATE_POST, { input: { spaceId, title: 'Hello', body: 'Body' } }, by.accessToken);

describe('rate limits (low limits)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_POSTS: '3/100',
      RATE_LIMIT_REACTIONS: '100/4',
      RATE_LIMIT_SEARCH: '2/100',
      RATE_LIMIT_UPLOADS: '1/100',
      RATE_LIMIT_SOCKETS: '2/100',
    });
    w = await world(t);
  });
  afterAll(() => t.close());

  it('per person: the 4th post within a minute is RATE_LIMITED with retryAfter; someone else still posts', async () => {
    for (let i = 0; i < 3; i++) expect((await post(t, w.ann, w.spaceId)).errors).toBeUndefined();
    const refused = await post(t, w.ann, w.spaceId);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    const retryAfter = refused.errors![0].extensions.retryAfter;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.data).toBeNull();
    const { rows } = await t.sql.query('SELECT count(*)::int AS n FROM posts WHERE author_id = $1', [
      parseGlobalId(w.ann.id)!.id,
    ]);
    expect(rows[0].n).toBe(3);
    expect((await post(t, w.bob, w.spaceId)).errors).toBeUndefined();
  });

  it('per IP: two people behind one address share its budget', async () => {
    const postId = (await post(t, w.org.owner, w.spaceId)).data!.createPost.post.id;
    const react = (by: Person) => t.gql(REACT, { input: { postId, kind: 'LIKE' } }, by.accessToken);
    for (const by of [w.ann, w.bob, w.ann, w.bob]) expect((await react(by)).errors).toBeUndefined();
    expect(codeOf(await react(w.org.owner))).toBe('RATE_LIMITED');
  });

  it('queries too: search', async () => {
    for (let i = 0; i < 2; i++) expect((await t.gql(SEARCH, { q: 'hello' }, w.bob.accessToken)).errors).toBeUndefined();
    expect(codeOf(await t.gql(SEARCH, { q: 'hello' }, w.bob.accessToken))).toBe('RATE_LIMITED');
  });

  it('REST: POST /uploads answers 429 with Retry-After, before reading the body', async () => {
    const upload = () =>
      t
        .http()
        .post('/uploads')
        .set('authorization', `Bearer ${w.bob.accessToken}`)
        .attach('file', Buffer.from('not an image'), { filename: 'x.png', contentType: 'image/png' });
    expect((await upload()).status).toBe(400);
    const refused = await upload();
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('sockets: the 3rd connection of a person within a minute is refused with RATE_LIMITED', async () => {
    await t.app.listen(0, '127.0.0.1');
    const url = `${await t.app.getUrl()}/rt`.replace('[::1]', '127.0.0.1');
    const connect = () =>
      new Promise<{ ok: true } | { ok: false; message: string; data?: any }>((resolve) => {
        const socket = io(url, { auth: { token: w.ann.accessToken }, transports: ['websocket'], reconnection: false });
        socket.once('connect', () => {
          socket.disconnect();
          resolve({ ok: true });
        });
        socket.once('connect_error', (error: Error & { data?: any }) =>
          resolve({ ok: false, message: error.message, data: error.data }),
        );
      });
    expect(await connect()).toEqual({ ok: true });
    expect(await connect()).toEqual({ ok: true });
    const refused = await connect();
    expect(refused).toMatchObject({ ok: false, message: 'RATE_LIMITED', data: { code: 'RATE_LIMITED' } });
    expect((refused as { data: { retryAfter: number } }).data.retryAfter).toBeGreaterThanOrEqual(1);
  });
});

describe('rate limits shared through Redis', () => {
  it('two app instances on one Redis enforce one budget per person', async () => {
    if (!(await redisAnswers())) {
      console.warn('Redis is not reachable on 127.0.0.1:6379: the shared budget was not tested');
      return;
    }
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_POSTS: '3/100000' };
    const one = await createTestApp(env);
    const two = await createTestApp(env, { alongside: one });
    try {
      const w = await world(one);
      expect((await post(one, w.ann, w.spaceId)).errors).toBeUndefined();
      expect((await post(two, w.ann, w.spaceId)).errors).toBeUndefined();
      expect((await post(one, w.ann, w.spaceId)).errors).toBeUndefined();
      expect(codeOf(await post(two, w.ann, w.spaceId))).toBe('RATE_LIMITED');
      expect(codeOf(await post(one, w.ann, w.spaceId))).toBe('RATE_LIMITED');
      // Alone, each instance would have allowed a 4th and 5th post.
      expect((await post(two, w.bob, w.spaceId)).errors).toBeUndefined();
    } finally {
      await two.close();
      await one.close();
    }
  });
});
