import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NOTIFICATION_DIGEST_JOB } from '@ruche/content';
import { Db } from '@ruche/database';
import { Jobs } from '@ruche/jobs';
import { freePort, Mailbox } from '@ruche/testing';
import { MAIN, startRuche, type RucheProcess } from './support/processes';
import { createTestApp, type TestApp } from './support/test-app';
import type { Person } from './support/identity';
import { createOrganization, createSpace, employeeOf } from './support/spaces';

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
const UNREAD = `query { notifications(first: 1) { unreadCount } }`;

/** Polls `probe` until it returns something other than undefined. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface JobRow {
  state: string;
  retry_count: number;
  output: Record<string, unknown> | null;
}

async function jobRow(t: TestApp, name: string, id: string): Promise<JobRow | undefined> {
  const { rows } = await t.sql.query<JobRow>(
    'SELECT state, retry_count, output FROM pgboss.job WHERE name = $1 AND id = $2',
    [name, id],
  );
  return rows[0];
}

function finished(t: TestApp, name: string, id: string): Promise<JobRow> {
  return eventually(async () => {
    const row = await jobRow(t, name, id);
    return row && ['completed', 'failed'].includes(row.state) ? row : undefined;
  }, `job ${name} to finish`);
}

async function userId(t: TestApp, person: Person): Promise<string> {
  const { rows } = await t.sql.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [person.email]);
  return rows[0]!.id;
}

const flakyAttempts = new Map<string, number>();

/** Jobs defined the way a domain defines its own: in onModuleInit, handlers doing their work through `Db`. */
@Injectable()
class InboxJobs implements OnModuleInit {
  constructor(
    private readonly jobs: Jobs,
    private readonly db: Db,
  ) {}

  onModuleInit(): void {
    // Acting as `actAs`, marks the notifications of `recipient` read: row-level security lets only the
    // recipient do it.
    this.jobs.define<{ actAs: string; recipient: string }>('test-mark-read', async ({ actAs, recipient }) => {
      await this.db.actAs(actAs);
      return this.db.transaction(async () => {
        const [{ updated }]: { updated: number }[] = await this.db.manager.query(
          `WITH marked AS (UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL RETURNING 1)
           SELECT count(*)::int AS updated FROM marked`,
          [recipient],
        );
        return { updated };
      });
    });
    this.jobs.define<{ key: string }>(
      'test-flaky',
      async ({ key }) => {
        const attempt = (flakyAttempts.get(key) ?? 0) + 1;
        flakyAttempts.set(key, attempt);
        if (attempt === 1) throw new Error('the first attempt fails');
        return { attempt };
      },
      { retryLimit: 2, retryDelay: 1 },
    );
  }
}

@Module({ providers: [InboxJobs] })
class InboxJobsModule {}

describe('jobs: an API process sends, a worker runs', () => {
  let api: TestApp;
  let worker: TestApp | undefined;
  beforeAll(async () => {
    // The API process only sends (JOBS=off, the test default); the worker serves the same database.
    api = await createTestApp({}, { imports: [InboxJobsModule] });
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
  });

  it('runs a sent job in the worker, acting as the person the handler names, under row-level security', async () => {
    const org = await createOrganization(api);
    const space = (await createSpace(api, org.owner, org, { kind: 'INTERNAL', name: 'Ops' })).id;
    const author = await employeeOf(api, org, 'Ana Author');
    const commenter = await employeeOf(api, org, 'Carl Commenter');
    const post = (
      await api.gql(CREATE_POST, { input: { spaceId: space, title: 'Rota', body: 'Draft' } }, author.accessToken)
    ).data!.createPost.post.id;
    await api.gql(COMMENT, { input: { postId: post, body: 'Looks good' } }, commenter.accessToken);
    expect((await api.gql(UNREAD, {}, author.accessToken)).data!.notifications.unreadCount).toBe(1);

    const jobs = api.app.get(Jobs);
    expect(jobs.runsJobs).toBe(false);
    const recipient = await userId(api, author);
    const byOther = await jobs.send('test-mark-read', { actAs: await userId(api, commenter), recipient });
    const bySelf = await jobs.send('test-mark-read', { actAs: recipient, recipient });
    // Nobody runs jobs yet: they wait in their queue.
    await sleep(1_500);
    expect((await jobRow(api, 'test-mark-read', byOther!))!.state).toBe('created');

    worker = await createTestApp({ JOBS: 'in-process' }, { imports: [InboxJobsModule], alongside: api });
    expect((await finished(api, 'test-mark-read', byOther!)).output).toEqual({ updated: 0 });
    expect((await finished(api, 'test-mark-read', bySelf!)).output).toEqual({ updated: 1 });
    expect((await api.gql(UNREAD, {}, author.accessToken)).data!.notifications.unreadCount).toBe(0);
  });

  it('retries a failed job with a delay until it succeeds', async () => {
    const id = await api.app.get(Jobs).send('test-flaky', { key: 'once' });
    const row = await finished(api, 'test-flaky', id!);
    expect(row).toMatchObject({ state: 'completed', retry_count: 1, output: { attempt: 2 } });
    expect(flakyAttempts.get('once')).toBe(2);
  });

  it('refuses a job nobody defined, and a second handler for one queue', async () => {
    const jobs = api.app.get(Jobs);
    await expect(jobs.send('test-nobody', {})).rejects.toThrow('no job named test-nobody');
    expect(() => jobs.define('test-mark-read', async () => undefined)).toThrow('one handler per queue');
  });

  it('leaves the digest unscheduled when DIGEST_INTERVAL_MINUTES is 0', async () => {
    const { rows } = await api.sql.query('SELECT name FROM pgboss.schedule WHERE name = $1', [NOTIFICATION_DIGEST_JOB]);
    expect(rows).toEqual([]);
  });
});

interface Run {
  app: string;
  job: string;
  start: number;
  end: number;
}
const runs: Run[] = [];

/** A scheduled job (every minute) and a singleton job, both slow enough to overlap if they could. */
function tickJobsModule(app: string) {
  @Injectable()
  class TickJobs implements OnModuleInit {
    constructor(private readonly jobs: Jobs) {}

    onModuleInit(): void {
      const slow = (job: string) => async () => {
        const start = Date.now();
        await sleep(400);
        runs.push({ app, job, start, end: Date.now() });
      };
      this.jobs.define('test-tick', slow('test-tick'), { schedule: '* * * * *' });
      this.jobs.define('test-one-at-a-time', slow('test-one-at-a-time'), { singleton: true });
    }
  }
  @Module({ providers: [TickJobs] })
  class TickJobsModule {}
  return TickJobsModule;
}

function overlapping(list: Run[]): boolean {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  return sorted.some((run, i) => i > 0 && run.start < sorted[i - 1]!.end);
}

describe('jobs: two processes running jobs on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let minute: number;
  beforeAll(async () => {
    // pg-boss ticks at most once a minute: start early in a minute, so the test sees exactly one tick.
    const second = new Date().getUTCSeconds();
    if (second > 30) await sleep((61 - second) * 1000);
    minute = new Date().getUTCMinutes();
    a = await createTestApp({ JOBS: 'in-process' }, { imports: [tickJobsModule('a')] });
    b = await createTestApp({ JOBS: 'in-process' }, { imports: [tickJobsModule('b')], alongside: a });
  }, 60_000);
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('runs a scheduled tick once, not once per process', async () => {
    await eventually(async () => (runs.some((r) => r.job === 'test-tick') ? true : undefined), 'the first tick');
    // Both processes check the schedule every second and poll every half second: give them a few chances.
    await sleep(3_000);
    expect(new Date().getUTCMinutes()).toBe(minute); // still the same tick
    expect(runs.filter((r) => r.job === 'test-tick')).toHaveLength(1);
    const { rows } = await a.sql.query('SELECT cron, timezone FROM pgboss.schedule WHERE name = $1', ['test-tick']);
    expect(rows).toEqual([{ cron: '* * * * *', timezone: 'UTC' }]);
  });

  it('runs every job of a singleton queue, one at a time across both processes', async () => {
    const sent = await Promise.all([
      a.app.get(Jobs).send('test-one-at-a-time', { n: 1 }),
      b.app.get(Jobs).send('test-one-at-a-time', { n: 2 }),
      a.app.get(Jobs).send('test-one-at-a-time', { n: 3 }),
      b.app.get(Jobs).send('test-one-at-a-time', { n: 4 }),
    ]);
    expect(sent.every((id) => typeof id === 'string')).toBe(true);
    const done = await eventually(async () => {
      const list = runs.filter((r) => r.job === 'test-one-at-a-time');
      return list.length === 4 ? list : undefined;
    }, 'four runs');
    expect(overlapping(done)).toBe(false);
  });
});

describe('jobs: the notification digest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JOBS: 'in-process', DIGEST_INTERVAL_MINUTES: '60' });
  });
  afterAll(() => t.close());

  it('is scheduled every DIGEST_INTERVAL_MINUTES, and a run mails a due notification', async () => {
    const { rows } = await t.sql.query('SELECT cron FROM pgboss.schedule WHERE name = $1', [NOTIFICATION_DIGEST_JOB]);
    expect(rows).toEqual([{ cron: '0 * * * *' }]);

    const org = await createOrganization(t);
    const space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Ops' })).id;
    const author = await employeeOf(t, org, 'Dora Digest');
    const commenter = await employeeOf(t, org, 'Carl');
    const post = (
      await t.gql(CREATE_POST, { input: { spaceId: space, title: 'Shift plan', body: 'Draft' } }, author.accessToken)
    ).data!.createPost.post.id;
    await t.gql(COMMENT, { input: { postId: post, body: 'a' } }, commenter.accessToken);

    // The next tick could be an hour away: send one now, as the schedule would. (Null means a tick is already
    // waiting in the queue, and it does the same work.)
    const id = await t.app.get(Jobs).send(NOTIFICATION_DIGEST_JOB, {});
    const digestTo = async (email: string) =>
      (await t.mailbox.all()).find((m) => m.to === email && m.subject.startsWith('Ruche: '));
    const mail = await eventually(() => digestTo(author.email), 'the digest mail');
    expect(mail.subject).toBe('Ruche: 1 update for you');
    expect(mail.text).toContain('- [Ops] Shift plan — 1 new comment');
    if (id) expect((await finished(t, NOTIFICATION_DIGEST_JOB, id)).output).toEqual({ sent: 1 });
  });
});

describe('npm run start:worker (the built server as a jobs worker)', () => {
  it('runs what the API sends, serves no HTTP, and stops gracefully on SIGTERM', async () => {
    expect(existsSync(MAIN)).toBe(true); // `npm test` builds first
    const api = await createTestApp(); // JOBS=off: it only sends
    let worker: RucheProcess | undefined;
    try {
      const org = await createOrganization(api);
      const space = (await createSpace(api, org.owner, org, { kind: 'INTERNAL', name: 'Ops' })).id;
      const author = await employeeOf(api, org, 'Wanda Worker');
      const commenter = await employeeOf(api, org, 'Carl');
      const post = (
        await api.gql(CREATE_POST, { input: { spaceId: space, title: 'Stock', body: 'Count' } }, author.accessToken)
      ).data!.createPost.post.id;
      await api.gql(COMMENT, { input: { postId: post, body: 'Done' } }, commenter.accessToken);

      const dataDir = mkdtempSync(join(tmpdir(), 'ruche-worker-'));
      const port = await freePort();
      worker = await startRuche(
        ['--worker'],
        {
          DATABASE_URL: api.database.url,
          DATABASE_APP_URL: api.database.appUrl,
          DATA_DIR: dataDir,
          PORT: String(port),
          LOG_LEVEL: 'info',
          // What the API processes of that deployment would set; a worker runs the jobs regardless.
          JOBS: 'off',
        },
        'Ruche worker is ready',
      );
      await api.app.get(Jobs).send(NOTIFICATION_DIGEST_JOB, {});
      const mailbox = new Mailbox(join(dataDir, 'mail'));
      const mail = await eventually(
        async () => (await mailbox.all()).find((m) => m.to === author.email && m.subject.startsWith('Ruche: ')),
        'the digest mail from the worker',
      );
      expect(mail.text).toContain('- [Ops] Stock — 1 new comment');
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

      const child = worker.child;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(worker.output()).toContain('shutting down: finishing running jobs');
      worker = undefined;
    } finally {
      worker?.child.kill('SIGKILL');
      await api.close();
    }
  }, 90_000);
});
