import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { fromGlobalId, toGlobalId } from '@ruche/kernel';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, type Person } from './support/identity';
import { JOIN, SET_SPACE_ROLE } from './support/policy-world';
import { createOrganization, createSpace, customerOf, employeeOf, type Organization } from './support/spaces';

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id hidden mentions { displayName } } } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
const REPORT = `mutation($input: ReportContentInput!) {
  reportContent(input: $input) { report { id status reason post { id } comment { id } reporter { displayName } } }
}`;
const QUEUE = `query($spaceId: ID, $first: Int!, $after: String) {
  moderationQueue(spaceId: $spaceId, first: $first, after: $after) {
    edges { node { id reason details post { id title hidden } comment { id body } reporter { displayName } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const RESOLVE = `mutation($input: ResolveReportInput!) {
  resolveReport(input: $input) { report { status resolution note post { hidden } comment { hidden } } suspendedUntil }
}`;
const FEED = `query($spaceId: ID) { feed(spaceId: $spaceId, first: 100) { edges { node { id hidden } } } }`;
const POST = `query($id: ID!) { post(id: $id) { id hidden comments(first: 50) { edges { node { id hidden } } } } }`;
const REACT = `mutation($id: ID!) { react(input: { postId: $id, kind: LIKE }) { post { id } } }`;
const VOTE = `mutation($id: ID!) { voteIdea(ideaId: $id) { post { id } } }`;
const NOTIFICATIONS = `query { notifications(first: 50) { edges { node { postId kind count } } } }`;

const DAY = 86_400_000;

describe('moderation', () => {
  let t: TestApp;
  let org: Organization;
  let hybrid: string;
  let internal: string;
  let moderator: Person;
  let employee: Person;
  let customer: Person;
  let other: Person;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Moderated Co');
    hybrid = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Community' })).id;
    internal = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Staff only' })).id;
    moderator = await employeeOf(t, org, 'Mona Moderator');
    employee = await employeeOf(t, org, 'Eli Employee');
    expect((await t.gql(JOIN, { id: hybrid }, moderator.accessToken)).errors).toBeUndefined();
    const promoted = await t.gql(
      SET_SPACE_ROLE,
      { input: { spaceId: hybrid, userId: moderator.id, role: 'MODERATOR' } },
      org.owner.accessToken,
    );
    expect(promoted.errors).toBeUndefined();
    customer = await customerOf(t, org.owner, hybrid, 'Cass Customer');
    other = await customerOf(t, org.owner, hybrid, 'Olly Other');
  });
  afterAll(() => t.close());

  const must = async (query: string, variables: Record<string, unknown>, by: Person) => {
    const res = await t.gql(query, variables, by.accessToken);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const post = async (by: Person, extra: Record<string, unknown> = {}) =>
    (await must(CREATE_POST, { input: { spaceId: hybrid, title: 'A post', body: 'Some text', ...extra } }, by))
      .createPost.post.id as string;
  const report = async (by: Person, input: Record<string, unknown>) =>
    (await must(REPORT, { input: { reason: 'SPAM', ...input } }, by)).reportContent.report;
  const resolve = (by: Person, input: Record<string, unknown>) => t.gql(RESOLVE, { input }, by.accessToken);
  const feedIds = async (by: Person) =>
    (await must(FEED, { spaceId: hybrid }, by)).feed.edges.map((e: any) => e.node.id as string);
  const queueIds = async (by: Person, spaceId: string | null = hybrid) =>
    (await must(QUEUE, { spaceId, first: 100 }, by)).moderationQueue.edges.map((e: any) => e.node.id as string);
  /** Audit rows of one report (and action). */
  const auditOf = async (reportId: string, action: string) =>
    (
      await t.sql.query(
        `SELECT actor_id, space_id, target_type, details FROM audit_events WHERE action = $1 AND details->>'reportId' = $2`,
        [action, fromGlobalId(reportId, 'Report')],
      )
    ).rows;

  it('files a report once; only the moderators of the space see it in their queue', async () => {
    const p = await post(customer);
    const filed = await report(employee, { postId: p, reason: 'OFF_TOPIC', details: 'Not about our products' });
    expect(filed).toMatchObject({ status: 'OPEN', reason: 'OFF_TOPIC', post: { id: p }, comment: null });
    expect(filed.reporter).toEqual({ displayName: 'Eli Employee' });
    const again = await t.gql(REPORT, { input: { postId: p, reason: 'SPAM' } }, employee.accessToken);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(await auditOf(filed.id, 'content.reported')).toEqual([
      expect.objectContaining({ actor_id: fromGlobalId(employee.id, 'User'), target_type: 'Post' }),
    ]);

    const queue = await must(QUEUE, { spaceId: hybrid, first: 10 }, moderator);
    expect(queue.moderationQueue.edges.map((e: any) => e.node)).toContainEqual({
      id: filed.id,
      reason: 'OFF_TOPIC',
      details: 'Not about our products',
      post: { id: p, title: 'A post', hidden: false },
      comment: null,
      reporter: { displayName: 'Eli Employee' },
    });
    expect(await queueIds(moderator, null)).toContain(filed.id);
    expect(await queueIds(org.owner, null)).toContain(filed.id);
    // Not a moderator: refused on the space, nothing across spaces; a space they cannot read does not exist.
    for (const person of [customer, employee]) {
      expect(codeOf(await t.gql(QUEUE, { spaceId: hybrid, first: 10 }, person.accessToken))).toBe('FORBIDDEN');
      expect(await queueIds(person, null)).toEqual([]);
    }
    const hidden = await t.gql(QUEUE, { spaceId: internal, first: 10 }, customer.accessToken);
    const missing = await t.gql(QUEUE, { spaceId: toGlobalId('Space', randomUUID()), first: 10 }, customer.accessToken);
    expect(codeOf(hidden)).toBe('NOT_FOUND');
    expect(hidden.errors![0]!.message).toBe(missing.errors![0]!.message);
    // Reporting needs to read the item: an internal post answers NOT_FOUND to a customer.
    const secret = (
      await must(CREATE_POST, { input: { spaceId: internal, title: 'Secret', body: 'Internal' } }, employee)
    ).createPost.post.id;
    expect(codeOf(await t.gql(REPORT, { input: { postId: secret, reason: 'SPAM' } }, customer.accessToken))).toBe(
      'NOT_FOUND',
    );
    // Neither a customer nor a plain employee may decide it.
    expect(codeOf(await resolve(customer, { reportId: filed.id, action: 'HIDE' }))).toBe('NOT_FOUND');
    expect(codeOf(await resolve(employee, { reportId: filed.id, action: 'HIDE' }))).toBe('FORBIDDEN');
  });

  it('HIDE takes a post out of the feed of everyone but its author and the moderators; RESTORE brings it back', async () => {
    const p = await post(customer, { title: 'Buy cheap watches' });
    const filed = await report(other, { postId: p });
    const hidden = await resolve(moderator, { reportId: filed.id, action: 'HIDE', note: 'Spam' });
    expect(hidden.data!.resolveReport).toEqual({
      report: { status: 'RESOLVED', resolution: 'HIDE', note: 'Spam', post: { hidden: true }, comment: null },
      suspendedUntil: null,
    });
    expect(await feedIds(other)).not.toContain(p);
    expect(await feedIds(employee)).not.toContain(p);
    expect(codeOf(await t.gql(POST, { id: p }, other.accessToken))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(REACT, { id: p }, other.accessToken))).toBe('NOT_FOUND');
    expect(await feedIds(customer)).toContain(p);
    expect((await must(POST, { id: p }, customer)).post.hidden).toBe(true);
    expect(await feedIds(moderator)).toContain(p);
    expect(await queueIds(moderator)).not.toContain(filed.id);
    // Decided once: another decision on it is a conflict, and leaves no audit row.
    expect(codeOf(await resolve(moderator, { reportId: filed.id, action: 'DISMISS' }))).toBe('CONFLICT');

    const restored = await resolve(org.owner, { reportId: filed.id, action: 'RESTORE' });
    expect(restored.data!.resolveReport.report).toMatchObject({ resolution: 'RESTORE', post: { hidden: false } });
    expect(await feedIds(other)).toContain(p);
    expect(await auditOf(filed.id, 'moderation.hidden')).toEqual([
      expect.objectContaining({ actor_id: fromGlobalId(moderator.id, 'User'), target_type: 'Post' }),
    ]);
    expect(await auditOf(filed.id, 'moderation.restored')).toHaveLength(1);
    expect(await auditOf(filed.id, 'moderation.dismissed')).toEqual([]);
  });

  it('hides a comment from the thread of others; DISMISS decides every open report on the item at once', async () => {
    const p = await post(moderator, { title: 'Thread' });
    const rude = (await must(ADD_COMMENT, { input: { postId: p, body: 'You are all idiots' } }, customer)).addComment
      .comment.id;
    const fine = (await must(ADD_COMMENT, { input: { postId: p, body: 'Nice idea' } }, customer)).addComment.comment.id;
    const first = await report(other, { commentId: rude, reason: 'ABUSE' });
    expect(first.comment).toEqual({ id: rude });
    await resolve(moderator, { reportId: first.id, action: 'HIDE' });
    const thread = async (by: Person) =>
      (await must(POST, { id: p }, by)).post.comments.edges.map((e: any) => [e.node.id, e.node.hidden]);
    expect(await thread(other)).toEqual([[fine, false]]);
    expect(await thread(customer)).toEqual([
      [rude, true],
      [fine, false],
    ]);
    expect(await thread(moderator)).toHaveLength(2);
    // A hidden comment cannot be reported by those it is hidden from.
    expect(codeOf(await t.gql(REPORT, { input: { commentId: rude, reason: 'SPAM' } }, employee.accessToken))).toBe(
      'NOT_FOUND',
    );

    const a = await report(other, { commentId: fine, reason: 'OTHER' });
    const b = await report(employee, { commentId: fine, reason: 'SPAM' });
    expect(await queueIds(moderator)).toEqual(expect.arrayContaining([a.id, b.id]));
    const dismissed = await resolve(moderator, { reportId: a.id, action: 'DISMISS' });
    expect(dismissed.data!.resolveReport.report).toMatchObject({ resolution: 'DISMISS', comment: { hidden: false } });
    const queue = await queueIds(moderator);
    expect(queue).not.toContain(a.id);
    expect(queue).not.toContain(b.id);
    expect(await thread(other)).toEqual([[fine, false]]);
    expect(await auditOf(a.id, 'moderation.dismissed')).toEqual([expect.objectContaining({ target_type: 'Comment' })]);
    expect(await auditOf(b.id, 'moderation.dismissed')).toEqual([]);
  });

  it('SUSPEND hides the item and stops its author taking part in the space until the suspension ends', async () => {
    const offender = await customerOf(t, org.owner, hybrid, 'Sam Spammer');
    const idea = (
      await must(CREATE_POST, { input: { spaceId: hybrid, kind: 'IDEA', title: 'An idea', body: 'Vote' } }, employee)
    ).createPost.post.id;
    const p = await post(offender, { title: 'Spam again' });
    const filed = await report(employee, { postId: p });
    const suspended = await resolve(moderator, { reportId: filed.id, action: 'SUSPEND', suspendDays: 2 });
    expect(suspended.errors).toBeUndefined();
    const until = new Date(suspended.data!.resolveReport.suspendedUntil);
    expect(Math.abs(until.getTime() - t.clock.now().getTime() - 2 * DAY)).toBeLessThan(60_000);
    expect(suspended.data!.resolveReport.report).toMatchObject({ resolution: 'SUSPEND', post: { hidden: true } });
    expect(await feedIds(other)).not.toContain(p);

    const attempts = [
      t.gql(CREATE_POST, { input: { spaceId: hybrid, title: 'More', body: 'spam' } }, offender.accessToken),
      t.gql(ADD_COMMENT, { input: { postId: idea, body: 'spam' } }, offender.accessToken),
      t.gql(REACT, { id: idea }, offender.accessToken),
      t.gql(VOTE, { id: idea }, offender.accessToken),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SUSPENDED' });
    }
    // They still read the space.
    expect(await feedIds(offender)).toContain(idea);
    expect(await auditOf(filed.id, 'moderation.suspended')).toEqual([
      expect.objectContaining({ target_type: 'User', space_id: fromGlobalId(hybrid, 'Space') }),
    ]);

    // Moderators cannot be suspended from their own space.
    const modPost = await post(moderator, { title: 'By the moderator' });
    const onModerator = await report(customer, { postId: modPost });
    expect(codeOf(await resolve(org.owner, { reportId: onModerator.id, action: 'SUSPEND' }))).toBe('BAD_USER_INPUT');
    expect(await auditOf(onModerator.id, 'moderation.suspended')).toEqual([]);

    t.clock.advance(2 * DAY + 60_000);
    const back = await t.gql(ADD_COMMENT, { input: { postId: idea, body: 'Sorry' } }, offender.accessToken);
    expect(back.errors).toBeUndefined();
  });

  // The second wall: what ruche_app lets each person do with reports and suspensions, with no WHERE clause.
  it('row-level security: reports for their reporter and the space managers; suspensions written by managers', async () => {
    const p = await post(customer, { title: 'RLS probe' });
    const filed = await report(other, { postId: p });
    const pool = new Pool({ connectionString: t.config.database.appUrl, max: 1 });
    const as = async <T>(person: Person, fn: (q: (sql: string, args?: unknown[]) => Promise<any>) => Promise<T>) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [fromGlobalId(person.id, 'User')]);
        return await fn((sql, args) => c.query(sql, args));
      } catch (error) {
        return (error as { code: string }).code as T;
      } finally {
        await c.query('ROLLBACK');
        c.release();
      }
    };
    try {
      const reportId = fromGlobalId(filed.id, 'Report');
      const seen = async (person: Person) =>
        as(person, async (q) => (await q('SELECT id, reporter_id FROM reports')).rows as any[]);
      for (const person of [other, customer, employee]) {
        const rows = await seen(person);
        // Their own reports only: the one on this post is the other customer's.
        expect(rows.every((r) => r.reporter_id === fromGlobalId(person.id, 'User'))).toBe(true);
        expect(rows.some((r) => r.id === reportId)).toBe(person === other);
      }
      expect((await seen(moderator)).map((r) => r.id)).toContain(reportId);
      expect(await as(other, async (q) => (await q(`UPDATE reports SET status = 'RESOLVED'`)).rowCount)).toBe(0);
      expect(await as(moderator, (q) => q('DELETE FROM reports'))).toBe('42501');
      // No report in someone else's name, and none on a post of another space.
      const forge = `INSERT INTO reports (organization_id, space_id, post_id, reporter_id, reason, created_at)
        SELECT organization_id, $2, id, $1, 'SPAM', now() FROM posts WHERE id = $3`;
      const postId = fromGlobalId(p, 'Post');
      const hybridId = fromGlobalId(hybrid, 'Space');
      const internalId = fromGlobalId(internal, 'Space');
      expect(await as(other, (q) => q(forge, [fromGlobalId(customer.id, 'User'), hybridId, postId]))).toBe('42501');
      expect(await as(employee, (q) => q(forge, [fromGlobalId(employee.id, 'User'), internalId, postId]))).toBe(
        '42501',
      );
      const suspend = `INSERT INTO space_suspensions (space_id, user_id, until, created_by, created_at)
        VALUES ($1, $2, now() + interval '1 day', $3, now())`;
      const self = fromGlobalId(other.id, 'User');
      expect(await as(other, (q) => q(suspend, [hybridId, fromGlobalId(customer.id, 'User'), self]))).toBe('42501');
      const managerId = fromGlobalId(moderator.id, 'User');
      expect(await as(moderator, async (q) => (await q(suspend, [hybridId, self, managerId])).rowCount)).toBe(1);
    } finally {
      await pool.end();
    }
  });
});

describe('newcomer limits and mentions', () => {
  let t: TestApp;
  let org: Organization;
  let hybrid: string;
  let outsider: Person;
  let member: Person;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Careful Co');
    // Private: an employee who has not joined cannot read it.
    hybrid = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Inner circle', visibility: 'PRIVATE' })).id;
    outsider = await employeeOf(t, org, 'Otto Outsider');
    member = await customerOf(t, org.owner, hybrid, 'Mia Member');
  });
  afterAll(() => t.close());

  const create = (by: Person, extra: Record<string, unknown> = {}) =>
    t.gql(CREATE_POST, { input: { spaceId: hybrid, title: 'Hello', body: 'Plain text', ...extra } }, by.accessToken);
  const links = (n: number) => Array.from({ length: n }, (_, i) => `see https://example${i}.test/page`).join(' and ');
  const extensionsOf = (res: { errors?: { extensions: Record<string, any> }[] }) => res.errors?.[0]?.extensions;

  it('five contributions lift the limits before three days', async () => {
    const regular = await customerOf(t, org.owner, hybrid, 'Rita Regular');
    const p = (await create(org.owner)).data!.createPost.post.id;
    for (let i = 0; i < 4; i++) {
      const res = await t.gql(ADD_COMMENT, { input: { postId: p, body: `comment ${i}` } }, regular.accessToken);
      expect(res.errors).toBeUndefined();
    }
    expect(extensionsOf(await create(regular, { body: links(3) }))?.reason).toBe('NEWCOMER_LIMIT');
    expect((await create(regular)).errors).toBeUndefined();
    expect((await create(regular, { body: links(3) })).errors).toBeUndefined();
  });

  it('mentions only people who can read the space, with one answer for anyone else; mentioned people are notified', async () => {
    const author = await customerOf(t, org.owner, hybrid, 'Ada Author');
    const refused = [outsider.id, toGlobalId('User', randomUUID()), 'not-an-id', hybrid];
    const answers = await Promise.all(refused.map((id) => create(author, { mentions: [id] })));
    for (const res of answers) {
      expect(extensionsOf(res)).toEqual(extensionsOf(answers[0]!));
      expect(extensionsOf(res)).toMatchObject({
        code: 'BAD_USER_INPUT',
        fieldErrors: { mentions: [expect.any(String)] },
      });
    }
    expect(
      await t.sql.query('SELECT 1 FROM notifications WHERE recipient_id = $1', [fromGlobalId(outsider.id, 'User')]),
    ).toMatchObject({ rowCount: 0 });

    const created = await create(author, { title: 'For Mia', mentions: [member.id, member.id] });
    expect(created.errors).toBeUndefined();
    const p = created.data!.createPost.post;
    expect(p.mentions).toEqual([{ displayName: 'Mia Member' }]);
    const inbox = async (person: Person) =>
      (await t.gql(NOTIFICATIONS, {}, person.accessToken)).data!.notifications.edges.map((e: any) => e.node);
    expect(await inbox(member)).toContainEqual({ postId: p.id, kind: 'MENTION', count: 1 });

    const answer = await t.gql(
      ADD_COMMENT,
      { input: { postId: p.id, body: 'Thanks!', mentions: [author.id] } },
      member.accessToken,
    );
    expect(answer.errors).toBeUndefined();
    expect(await inbox(author)).toContainEqual({ postId: p.id, kind: 'MENTION', count: 1 });
  });

  it('a new customer may include 2 links and 2 mentions per post or comment, and post 3 times a day', async () => {
    const newcomer = await customerOf(t, org.owner, hybrid, 'Nina Newcomer');
    const another = await customerOf(t, org.owner, hybrid, 'Ned Next');
    expect(extensionsOf(await create(newcomer, { body: links(3) }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NEWCOMER_LIMIT',
      fieldErrors: { body: [expect.stringContaining('2 links')] },
    });
    const three = [member.id, another.id, org.owner.id];
    expect(extensionsOf(await create(newcomer, { mentions: three }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NEWCOMER_LIMIT',
      fieldErrors: { mentions: [expect.any(String)] },
    });
    const first = await create(newcomer, { body: links(2), mentions: [member.id, another.id] });
    expect(first.errors).toBeUndefined();
    const postId = first.data!.createPost.post.id;
    const comment = await t.gql(ADD_COMMENT, { input: { postId, body: links(3) } }, newcomer.accessToken);
    expect(extensionsOf(comment)).toMatchObject({ reason: 'NEWCOMER_LIMIT', fieldErrors: { body: expect.any(Array) } });
    const edit = await t.gql(
      `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } } }`,
      { input: { postId, body: links(4) } },
      newcomer.accessToken,
    );
    expect(extensionsOf(edit)).toMatchObject({ reason: 'NEWCOMER_LIMIT' });

    expect((await create(newcomer)).errors).toBeUndefined();
    expect((await create(newcomer)).errors).toBeUndefined();
    const fourth = extensionsOf(await create(newcomer));
    expect(fourth).toMatchObject({ code: 'RATE_LIMITED', reason: 'NEWCOMER_LIMIT' });
    expect(fourth!.retryAfter).toBeGreaterThan(DAY / 1000 - 120);
    expect(fourth!.retryAfter).toBeLessThanOrEqual(DAY / 1000);

    // Employees have no such limits.
    expect((await create(org.owner, { body: links(6) })).errors).toBeUndefined();

    // Three days in the space lift every limit (last in this file: the clock does not come back).
    t.clock.advance(3 * DAY);
    expect((await create(newcomer, { body: links(5), mentions: three })).errors).toBeUndefined();
  });
});
