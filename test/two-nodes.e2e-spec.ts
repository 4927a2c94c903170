import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { cloneTestDatabase, freePort, redisAnswers } from '@ruche/testing';
import { httpGql, liveSpace, startRuche } from './support/processes';
import { TEST_JWT_SECRET } from './support/test-app';

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const VIEWER = `query { me { id } }`;

/** One GraphQL POST: status, body and headers, never a throw for GraphQL errors. */
async function post(
  port: number,
  query: string,
  variables: object,
  token: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  return { body, code: body.errors?.[0]?.extensions?.code ?? 'ok', replayed: res.headers.get('idempotent-replayed') };
}

/**
 * Two API processes on one database and one Redis: what one node decides binds the other. A person's rate-limit
 * budget is spent across both, a session signed out through one is refused by the other on the very next
 * request, and an Idempotency-Key creates one post whichever node (or both at once) receives it.
 */
describe('two API nodes on one database and Redis', () => {
  const children: ChildProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  let db: Client | undefined;
  let ports: [number, number];
  let redis = true;

  beforeAll(async () => {
    redis = await redisAnswers();
    if (!redis) return;
    const database = await cloneTestDatabase();
    drop = database.drop;
    db = new Client({ connectionString: database.url });
    await db.connect();
    ports = [await freePort(), await freePort()];
    const env = (port: number) => ({
      PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_APP_URL: database.appUrl,
      DB_MIGRATE_ON_START: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ruche-two-nodes-')),
      LOG_LEVEL: 'info',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      DIGEST_INTERVAL_MINUTES: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RATE_LIMIT_POSTS: '3/1000',
    });
    // One after the other, as a rolling start does: two processes setting up the job runner's schema in a fresh
    // database at the same instant can collide (one exits), which is not what this test is about.
    for (const p of ports) children.push((await startRuche([], env(p), 'Ruche is ready')).child);
  }, 90_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db?.end();
    await new Promise((r) => setTimeout(r, 300));
    await drop?.();
  });

  /** A new person (unique, so Redis keys of other runs never count) with an open space, signed up through A. */
  const person = async (label: string) => {
    const name = `${label}${randomUUID()
      .replace(/[^a-f]/g, '')
      .slice(0, 10)}`;
    return liveSpace(httpGql(ports[0]), name);
  };
  const skip = () => {
    if (!redis) console.warn('Redis is not reachable on 127.0.0.1:6379: the two-node test did not run');
    return !redis;
  };

  it('spends one rate-limit budget across both nodes', async () => {
    if (skip()) return;
    const [a, b] = ports;
    const { token, spaceId } = await person('Limit');
    const input = (n: number) => ({ input: { spaceId, title: `limited ${n}`, body: 'x' } });
    const codes = [];
    for (const [i, port] of [a, b, a, b].entries()) codes.push((await post(port, CREATE_POST, input(i), token)).code);
    // 3 per person per minute: the fourth is refused, whichever node counted the first three.
    expect(codes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    expect((await post(a, CREATE_POST, input(9), token)).code).toBe('RATE_LIMITED');
  });

  it('refuses on node B a session signed out through node A, on the very next request', async () => {
    if (skip()) return;
    const [a, b] = ports;
    const { token } = await person('Revoked');
    expect((await post(b, VIEWER, {}, token)).code).toBe('ok');
    expect((await post(a, `mutation { signOut { ok } }`, {}, token)).code).toBe('ok');
    expect((await post(b, VIEWER, {}, token)).code).toBe('UNAUTHENTICATED');
    expect((await post(a, VIEWER, {}, token)).code).toBe('UNAUTHENTICATED');
  });

  it('creates one post per Idempotency-Key, sent to A then B, or to both at once', async () => {
    if (skip()) return;
    const [a, b] = ports;
    const { token, spaceId } = await person('Retry');
    const key = (k: string) => ({ 'idempotency-key': k });
    const vars = (title: string) => ({ input: { spaceId, title, body: 'x' } });
    const count = async (title: string) =>
      (await db!.query(`SELECT count(*)::int AS n FROM posts WHERE title = $1`, [title])).rows[0].n as number;

    const k1 = randomUUID();
    const first = await post(a, CREATE_POST, vars('sequential'), token, key(k1));
    const again = await post(b, CREATE_POST, vars('sequential'), token, key(k1));
    expect([first.code, again.code, again.replayed]).toEqual(['ok', 'ok', 'true']);
    expect(again.body.data.createPost.post.id).toBe(first.body.data.createPost.post.id);
    expect(await count('sequential')).toBe(1);

    const k2 = randomUUID();
    const both = await Promise.all([a, b].map((port) => post(port, CREATE_POST, vars('concurrent'), token, key(k2))));
    // One runs it, the other waits on the key's row and replays the answer.
    expect(both.map((r) => r.code)).toEqual(['ok', 'ok']);
    expect(both.filter((r) => r.replayed === 'true')).toHaveLength(1);
    expect(both[0]!.body.data.createPost.post.id).toBe(both[1]!.body.data.createPost.post.id);
    expect(await count('concurrent')).toBe(1);
  });
});
