import { io, type Socket } from 'socket.io-client';
import { OutboxWakeup } from '@ruche/database';
import { createTestApp, type TestApp } from './support/test-app';
import type { Person } from './support/identity';
import { createOrganization, createSpace, customerOf, employeeOf, type Organization } from './support/spaces';

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;

interface Received {
  type: string;
  stream: string;
  seq: number;
  payload: Record<string, unknown>;
}

/** The realtime gateway in the API process, driven by a real socket.io client over HTTP. */
describe('realtime gateway (/rt)', () => {
  let t: TestApp;
  let url: string;
  let org: Organization;
  let internal: string;
  let hybrid: string;
  let employee: Person;
  let customer: Person;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}/rt`;
    org = await createOrganization(t, 'Live Co');
    internal = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Live internal' })).id;
    hybrid = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Live hybrid' })).id;
    employee = await employeeOf(t, org, 'Live Employee');
    customer = await customerOf(t, org.owner, hybrid, 'Live Customer');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  const connect = (token?: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      socket.on('connect', () => resolve(socket));
      socket.on('connect_error', (error) => reject(error));
    });
  const ask = (socket: Socket, event: string, body: unknown) =>
    socket.timeout(5000).emitWithAck(event, body) as Promise<{
      ok: boolean;
      code?: string;
      seq?: number;
      replayed?: number;
    }>;
  const record = (socket: Socket) => {
    const got: Received[] = [];
    socket.onAny((type: string, message: Received) => {
      if (message && typeof message.seq === 'number') got.push({ ...message, type });
    });
    return got;
  };
  const post = async (by: Person, spaceId: string, title: string) => {
    const res = await t.gql(CREATE_POST, { input: { spaceId, title, body: 'live' } }, by.accessToken);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.createPost.post.id as string;
  };
  const until = async (check: () => boolean, ms = 5000) => {
    const start = Date.now();
    while (!check()) {
      if (Date.now() - start > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('refuses a handshake without a valid access token', async () => {
    await expect(connect()).rejects.toThrow('UNAUTHENTICATED');
    await expect(connect('not-a-token')).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses a browser page from an origin outside CORS_ORIGINS, on the WebSocket transport too', async () => {
    const from = (origin: string) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = io(url, {
          auth: { token: employee.accessToken },
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: { origin },
        });
        sockets.push(socket);
        socket.on('connect', () => resolve(socket));
        socket.on('connect_error', (error) => reject(error));
      });
    await expect(from('https://evil.example')).rejects.toThrow();
    await expect(from(t.config.http.corsOrigins[0]!)).resolves.toBeDefined();
  });

  it('lets a customer into their hybrid space only; an internal space answers like a missing one', async () => {
    const socket = await connect(customer.accessToken);
    const got = record(socket);
    expect(await ask(socket, 'subscribe', { spaceId: internal })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await ask(socket, 'subscribe', { spaceId: hybrid })).toMatchObject({ ok: true });
    expect(await ask(socket, 'subscribe', { spaceId: 'x' })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    await post(employee, internal, 'secret launch');
    const visible = await post(employee, hybrid, 'public beta');
    await until(() => got.some((e) => e.payload.postId === visible));
    expect(got.filter((e) => e.type === 'post:created').map((e) => e.payload.postId)).toEqual([visible]);
  });

  it('delivers every event of a burst once, in seq order, and replays what a reconnecting client missed', async () => {
    const socket = await connect(employee.accessToken);
    const got = record(socket);
    const ack = await ask(socket, 'subscribe', { spaceId: internal });
    expect(ack.ok).toBe(true);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await post(org.owner, internal, `burst ${i}`));
    await until(() => got.filter((e) => e.type === 'post:created').length >= 40);
    const created = got.filter((e) => e.type === 'post:created');
    expect(created.map((e) => e.payload.postId)).toEqual(ids);
    const seqs = created.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const last = seqs.at(-1)!;
    socket.disconnect();
    const missed = [await post(org.owner, internal, 'while away 1'), await post(org.owner, internal, 'while away 2')];
    const again = await connect(employee.accessToken);
    const replay = record(again);
    const resumed = await ask(again, 'subscribe', { spaceId: internal, since: last });
    expect(resumed).toMatchObject({ ok: true, replayed: 2 });
    await until(() => replay.length >= 2);
    expect(replay.map((e) => [e.payload.postId, e.seq])).toEqual([
      [missed[0], last + 1],
      [missed[1], last + 2],
    ]);
  });

  it('announces who comes and goes in a space, coalesced into at most one presence event per second', async () => {
    for (const s of sockets) s.disconnect(); // earlier tests' tabs would keep people online
    const observer = await connect(employee.accessToken);
    const presence: { spaceId: string; online: string[]; offline: string[] }[] = [];
    observer.on('presence', (e) => presence.push(e));
    expect((await ask(observer, 'subscribe', { spaceId: hybrid })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1200)); // the observer's own arrival is announced and done with
    presence.length = 0;

    const arrivals = await Promise.all([org.owner, customer].map((p) => connect(p.accessToken)));
    for (const socket of arrivals) expect((await ask(socket, 'subscribe', { spaceId: hybrid })).ok).toBe(true);
    await until(() => presence.flatMap((e) => e.online).length >= 2, 3000);
    expect(presence).toHaveLength(1); // two arrivals, one event
    expect(presence[0]).toEqual({
      spaceId: hybrid,
      online: expect.arrayContaining([org.owner.id, customer.id]),
      offline: [],
    });

    arrivals[1]!.disconnect();
    await until(() => presence.some((e) => e.offline.includes(customer.id)), 3000);
    expect(presence.at(-1)).toEqual({ spaceId: hybrid, online: [], offline: [customer.id] });

    // Unsubscribing leaves the space as surely as disconnecting.
    const back = await connect(customer.accessToken);
    expect((await ask(back, 'subscribe', { spaceId: hybrid })).ok).toBe(true);
    await until(() => presence.at(-1)?.online.includes(customer.id) ?? false, 3000);
    expect((await ask(back, 'unsubscribe', { spaceId: hybrid })).ok).toBe(true);
    await until(() => presence.at(-1)?.offline.includes(customer.id) ?? false, 3000);

    // The owner opens a second tab and closes the first: still online.
    const secondTab = await connect(org.owner.accessToken);
    expect((await ask(secondTab, 'subscribe', { spaceId: hybrid })).ok).toBe(true);
    arrivals[0]!.disconnect();
    await new Promise((r) => setTimeout(r, 1500));
    expect(presence.some((e) => e.offline.includes(org.owner.id))).toBe(false);
    secondTab.disconnect();
    await until(() => presence.some((e) => e.offline.includes(org.owner.id)), 3000);
    observer.disconnect();
  });

  it('wakes the relay when a transaction that wrote events commits, not after one that read or rolled back', async () => {
    const committed = jest.spyOn(t.app.get(OutboxWakeup), 'committed');
    try {
      const socket = await connect(employee.accessToken);
      const got = record(socket);
      expect((await ask(socket, 'subscribe', { spaceId: internal })).ok).toBe(true);
      committed.mockClear();
      await t.gql(`{ me { id } }`, {}, employee.accessToken);
      const refused = await t.gql(
        CREATE_POST,
        { input: { spaceId: internal, title: '', body: 'x' } },
        employee.accessToken,
      );
      expect(refused.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(committed).not.toHaveBeenCalled();
      const postId = await post(employee, internal, 'Wakes the relay');
      expect(committed).toHaveBeenCalledTimes(1);
      await until(() => got.some((e) => e.type === 'post:created' && e.payload.postId === postId));
    } finally {
      committed.mockRestore();
    }
  });

  it('1,000 rapid writes in one space: every client receives every event once, in seq order', async () => {
    const clients = await Promise.all([
      connect(employee.accessToken),
      connect(org.owner.accessToken),
      connect(employee.accessToken),
    ]);
    const logs = clients.map(record);
    for (const c of clients) expect((await ask(c, 'subscribe', { spaceId: internal })).ok).toBe(true);
    const [space] = (await t.sql.query('SELECT id, organization_id FROM spaces WHERE name = $1', ['Live internal']))
      .rows;
    const author = (await t.sql.query('SELECT id FROM users WHERE display_name = $1', ['Live Employee'])).rows[0].id;
    // Separate transactions, ten at a time, straight into the database: the triggers write the outbox.
    const insert = (i: number) =>
      t.sql.query(
        `INSERT INTO posts (organization_id, space_id, author_id, author_is_customer, kind, title, body, body_html, hot_rank, created_at, updated_at)
         VALUES ($1, $2, $3, false, 'DISCUSSION', $4, 'x', '<p>x</p>', 0, now(), now())`,
        [space.organization_id, space.id, author, `rapid ${i}`],
      );
    for (let i = 0; i < 1000; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => insert(i + k)));
    await until(() => logs.every((log) => log.filter((e) => e.type === 'post:created').length >= 1000), 20_000);
    await new Promise((r) => setTimeout(r, 300));
    for (const log of logs) {
      const seqs = log.filter((e) => e.type === 'post:created').map((e) => e.seq);
      expect(seqs).toHaveLength(1000);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.at(-1)! - seqs[0]!).toBe(999); // no gap, no duplicate
    }
  }, 60_000);

  it('takes a customer out of the space within 2 s of withdrawing consent', async () => {
    const leaving = await customerOf(t, org.owner, hybrid, 'Leaving Customer');
    const socket = await connect(leaving.accessToken);
    const got = record(socket);
    expect((await ask(socket, 'subscribe', { spaceId: hybrid })).ok).toBe(true);
    await t.gql(
      `mutation($id: ID!) { withdrawConsent(spaceId: $id) { consentRecord { id } } }`,
      { id: hybrid },
      leaving.accessToken,
    );
    const start = Date.now();
    await until(() => got.some((e) => e.type === 'membership:revoked'), 2000);
    expect(Date.now() - start).toBeLessThan(2000);
    const after = await post(employee, hybrid, 'after withdrawal');
    await new Promise((r) => setTimeout(r, 500));
    expect(got.some((e) => e.payload.postId === after)).toBe(false);
  });
});
