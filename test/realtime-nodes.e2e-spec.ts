import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { cloneTestDatabase, freePort, redisAnswers } from '@ruche/testing';
import { httpGql, liveSpace, startRuche } from './support/processes';
import { TEST_JWT_SECRET } from './support/test-app';

/**
 * The API and two gateway processes on one database: a client on each gateway gets every event; when one
 * gateway is killed mid-stream, its client reconnects to the other with `since` and misses nothing.
 */
describe('realtime across processes', () => {
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    for (const drop of drops) await drop();
  });

  it.each(['PostgreSQL', 'Redis streams'])(
    'fans out through the %s adapter and survives a gateway dying mid-stream',
    async (adapter) => {
      const redis = adapter === 'Redis streams';
      if (redis && !(await redisAnswers())) {
        console.warn('Redis is not reachable on 127.0.0.1:6379: only the PostgreSQL adapter was tested');
        return;
      }
      const db = await cloneTestDatabase();
      drops.push(db.drop);
      const [apiPort, gw1Port, gw2Port] = [await freePort(), await freePort(), await freePort()];
      const env = (port: number) => ({
        PORT: String(port),
        DATABASE_URL: db.url,
        DATABASE_APP_URL: db.appUrl,
        DB_MIGRATE_ON_START: 'false',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ruche-nodes-')),
        LOG_LEVEL: 'info',
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        DIGEST_INTERVAL_MINUTES: '0',
        ...(redis ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
      });
      children.push((await startRuche([], env(apiPort), 'Ruche is ready')).child);
      const gw1 = (await startRuche(['--gateway'], env(gw1Port), 'gateway is ready')).child;
      children.push(gw1);
      children.push((await startRuche(['--gateway'], env(gw2Port), 'gateway is ready')).child);

      const gql = httpGql(apiPort);
      const { token, spaceId } = await liveSpace(gql, 'Nodes');

      const seen = new Map<string, Map<number, string>>();
      const connect = async (port: number, name: string, since?: number) => {
        const socket = io(`http://127.0.0.1:${port}/rt`, {
          auth: { token },
          transports: ['websocket'],
          reconnection: false,
        });
        sockets.push(socket);
        const got = seen.get(name) ?? new Map<number, string>();
        seen.set(name, got);
        socket.on('post:created', (e: { seq: number; payload: { postId: string } }) =>
          got.set(e.seq, e.payload.postId),
        );
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const ack = await socket
          .timeout(5000)
          .emitWithAck('subscribe', { spaceId, ...(since !== undefined ? { since } : {}) });
        expect(ack.ok).toBe(true);
        return { socket, replayed: ack.replayed as number };
      };
      const { socket: first } = await connect(gw1Port, 'first');
      await connect(gw2Port, 'second');

      const TOTAL = 40;
      const posted: string[] = [];
      const post = async (i: number) => {
        const res = await gql(
          `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
          { input: { spaceId, title: `event ${i}`, body: 'x' } },
          token,
        );
        posted.push(res.createPost.post.id);
      };
      const until = async (check: () => boolean) => {
        const startedAt = Date.now();
        while (!check()) {
          if (Date.now() - startedAt > 10_000) throw new Error('timed out');
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      // One writer, posting one after the other (so `posted` is in commit order), paced so the burst is still
      // running when the gateway dies.
      const burst = (async () => {
        for (let i = 0; i < TOTAL; i++) {
          await post(i);
          await new Promise((r) => setTimeout(r, 40));
        }
      })();
      burst.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first

      // Kill the first gateway mid-burst, once its client has seen some events but not all. Its client comes
      // back on the second gateway a moment later (a few posts later) with `since` = the last seq it saw, while
      // posts keep coming: what it missed is replayed, the rest arrives live.
      await until(() => seen.get('first')!.size >= 10);
      const dropped = new Promise((resolve) => first.once('disconnect', resolve));
      gw1.kill('SIGKILL');
      await dropped;
      const seenAtKill = seen.get('first')!.size;
      const postedAtKill = posted.length;
      const last = Math.max(...seen.get('first')!.keys());
      await until(() => posted.length >= postedAtKill + 3);
      const { replayed } = await connect(gw2Port, 'first', last);
      const postedAtReconnect = posted.length;
      await burst;
      expect(seenAtKill).toBeLessThan(TOTAL);
      expect(replayed).toBeGreaterThan(0);
      expect(postedAtReconnect).toBeLessThan(TOTAL); // and the burst went on after the client came back
      await until(() => seen.get('first')!.size >= TOTAL && seen.get('second')!.size >= TOTAL);

      for (const name of ['first', 'second']) {
        const got = seen.get(name)!;
        const seqs = [...got.keys()].sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => seqs[0]! + i)); // no gap
        expect(seqs.map((s) => got.get(s))).toEqual(posted); // every post, in order
      }
    },
    120_000,
  );
});
