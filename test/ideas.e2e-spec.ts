import sharp from 'sharp';
import { NotificationDigest } from '@ruche/content';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, type Person } from './support/identity';
import { createOrganization, createSpace, customerOf, employeeOf, type Organization } from './support/spaces';

const CREATE_POST = `mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { id kind idea { status voteCount } images { url width } authorBadge { label } } }
}`;
const VOTE = `mutation($id: ID!) { voteIdea(ideaId: $id) { post { idea { voteCount viewerVoted } } } }`;
const CHANGE = `mutation($input: ChangeIdeaStatusInput!) {
  changeIdeaStatus(input: $input) { idea { idea { status statusChangedAt estimatedValue } } change { from to note } }
}`;
const NOTIFICATIONS = `query { notifications(first: 20) { unreadCount edges { node { postId kind count unreadCount latestData actorNames } } } }`;
const BOARD = `query($spaceId: ID, $status: IdeaStatus) {
  ideas(spaceId: $spaceId, status: $status, first: 20) { edges { node { id title idea { status voteCount } } } }
}`;
const FEED = `query { feed(first: 50) { edges { node { id title } } } }`;

/**
 * The closed loop of participatory innovation, with plain GraphQL: a customer proposes an idea with an image,
 * employees comment and vote, a moderator moves it to PLANNED with a note, and everyone involved hears of it.
 */
describe('ideas: co-creation with a closed loop', () => {
  let t: TestApp;
  let org: Organization;
  let hybrid: string;
  let internal: string;
  let moderator: Person;
  let employees: Person[];
  let customer: Person;
  let otherCustomer: Person;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Idea Co');
    hybrid = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Product ideas' })).id;
    internal = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Staff room' })).id;
    moderator = await employeeOf(t, org, 'Mia Moderator');
    await t.gql(
      `mutation($id: ID!) { joinSpace(spaceId: $id) { space { id } } }`,
      { id: hybrid },
      moderator.accessToken,
    );
    const promote = await t.gql(
      `mutation($input: SetSpaceRoleInput!) { setSpaceRole(input: $input) { role } }`,
      { input: { spaceId: hybrid, userId: moderator.id, role: 'MODERATOR' } },
      org.owner.accessToken,
    );
    expect(promote.errors).toBeUndefined();
    employees = [await employeeOf(t, org, 'Eli Employee'), await employeeOf(t, org, 'Eva Employee')];
    customer = await customerOf(t, org.owner, hybrid, 'Cora Customer');
    otherCustomer = await customerOf(t, org.owner, hybrid, 'Otto Other');
  });
  afterAll(() => t.close());

  it('from a customer idea with an image to PLANNED, and everyone involved is told', async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3a6' } })
      .png()
      .toBuffer();
    const uploaded = await t
      .http()
      .post('/uploads')
      .set('authorization', `Bearer ${customer.accessToken}`)
      .attach('file', png, { filename: 'sketch.png', contentType: 'image/png' });
    expect(uploaded.status).toBe(201);

    const created = await t.gql(
      CREATE_POST,
      {
        input: {
          spaceId: hybrid,
          kind: 'IDEA',
          title: 'Reusable delivery boxes',
          body: 'Collect the boxes at the next delivery.',
          imageIds: [uploaded.body.id],
        },
      },
      customer.accessToken,
    );
    expect(created.errors).toBeUndefined();
    const idea = created.data!.createPost.post;
    expect(idea).toMatchObject({
      kind: 'IDEA',
      idea: { status: 'NEW', voteCount: 0 },
      authorBadge: { label: 'Customer' },
    });
    expect(idea.images).toEqual([{ url: `/uploads/${uploaded.body.id}`, width: 800 }]);
    // Everyone who reads the space can see the image, through the post's policy.
    const image = await t.http().get(idea.images[0].url).set('authorization', `Bearer ${otherCustomer.accessToken}`);
    expect(image.status).toBe(200);

    const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { firstResponse } } }`;
    const answer = await t.gql(COMMENT, { input: { postId: idea.id, body: 'We love it.' } }, employees[0]!.accessToken);
    expect(answer.data!.addComment.comment.firstResponse).toBe(true);
    for (const voter of [employees[1]!, otherCustomer]) {
      const voted = await t.gql(VOTE, { id: idea.id }, voter.accessToken);
      expect(voted.errors).toBeUndefined();
    }
    // One vote per member: voting again changes nothing.
    const twice = await t.gql(VOTE, { id: idea.id }, otherCustomer.accessToken);
    expect(twice.data!.voteIdea.post.idea).toEqual({ voteCount: 2, viewerVoted: true });
    expect(
      codeOf(
        await t.gql(CHANGE, { input: { ideaId: idea.id, status: 'PLANNED', note: 'x' } }, employees[0]!.accessToken),
      ),
    ).toBe('FORBIDDEN');

    const moved = await t.gql(
      CHANGE,
      { input: { ideaId: idea.id, status: 'PLANNED', note: 'Pilot in Lyon next quarter', estimatedValue: 120000 } },
      moderator.accessToken,
    );
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.changeIdeaStatus.change).toEqual({
      from: 'NEW',
      to: 'PLANNED',
      note: 'Pilot in Lyon next quarter',
    });
    expect(moved.data!.changeIdeaStatus.idea.idea).toMatchObject({ status: 'PLANNED', estimatedValue: 120000 });

    // The submitter, every voter and every commenter find it in their notifications.
    for (const person of [customer, employees[0]!, employees[1]!, otherCustomer]) {
      const inbox = await t.gql(NOTIFICATIONS, {}, person.accessToken);
      const status = inbox.data!.notifications.edges.find(
        (e: any) => e.node.kind === 'IDEA_STATUS' && e.node.postId === idea.id,
      );
      expect(status).toBeDefined();
      expect(JSON.parse(status.node.latestData)).toEqual({
        from: 'NEW',
        to: 'PLANNED',
        note: 'Pilot in Lyon next quarter',
      });
      expect(status.node.actorNames).toEqual(['Mia Moderator']);
    }
    // The moderator acted: no notification to themself.
    const own = await t.gql(NOTIFICATIONS, {}, moderator.accessToken);
    expect(own.data!.notifications.edges.filter((e: any) => e.node.kind === 'IDEA_STATUS')).toEqual([]);

    const history = await t.gql(
      `query($id: ID!) { post(id: $id) { ideaStatusHistory { from to note } ideaVotesByAccount { votes } } }`,
      { id: idea.id },
      moderator.accessToken,
    );
    expect(history.data!.post.ideaStatusHistory).toEqual([
      { from: 'NEW', to: 'PLANNED', note: 'Pilot in Lyon next quarter' },
    ]);
    expect(history.data!.post.ideaVotesByAccount).toEqual([{ votes: 2 }]);
    const asCustomer = await t.gql(
      `query($id: ID!) { post(id: $id) { ideaVotesByAccount { votes } } }`,
      { id: idea.id },
      customer.accessToken,
    );
    expect(asCustomer.data!.post.ideaVotesByAccount).toBeNull();
  });

  it('the home feed and the idea board show each person exactly what they may see', async () => {
    const internalIdea = await t.gql(
      CREATE_POST,
      { input: { spaceId: internal, kind: 'IDEA', title: 'Internal cost cutting', body: 'Confidential' } },
      employees[0]!.accessToken,
    );
    expect(internalIdea.errors).toBeUndefined();
    const boardOf = async (p: Person) =>
      (await t.gql(BOARD, {}, p.accessToken)).data!.ideas.edges.map((e: any) => e.node.title).sort();
    expect(await boardOf(customer)).toEqual(['Reusable delivery boxes']);
    expect(await boardOf(employees[0]!)).toEqual(['Internal cost cutting', 'Reusable delivery boxes']);
    const feedOf = async (p: Person) =>
      (await t.gql(FEED, {}, p.accessToken)).data!.feed.edges.map((e: any) => e.node.title);
    expect(await feedOf(customer)).not.toContain('Internal cost cutting');
    expect(await feedOf(employees[1]!)).toContain('Internal cost cutting');
    const planned = await t.gql(BOARD, { spaceId: hybrid, status: 'PLANNED' }, customer.accessToken);
    expect(planned.data!.ideas.edges.map((e: any) => e.node.idea.status)).toEqual(['PLANNED']);
    expect(codeOf(await t.gql(BOARD, { spaceId: internal }, customer.accessToken))).toBe('NOT_FOUND');
  });

  it('merging moves votes to the target and redirects the duplicate; its followers hear of it', async () => {
    const make = async (title: string, by: Person) =>
      (await t.gql(CREATE_POST, { input: { spaceId: hybrid, kind: 'IDEA', title, body: title } }, by.accessToken)).data!
        .createPost.post.id;
    const target = await make('Dark mode', customer);
    const duplicate = await make('Night theme', otherCustomer);
    await t.gql(VOTE, { id: target }, employees[0]!.accessToken);
    await t.gql(VOTE, { id: duplicate }, employees[0]!.accessToken);
    await t.gql(VOTE, { id: duplicate }, employees[1]!.accessToken);
    const merged = await t.gql(
      `mutation($input: MergeIdeasInput!) { mergeIdeas(input: $input) { post { id idea { voteCount } } } }`,
      { input: { sourceId: duplicate, targetId: target } },
      moderator.accessToken,
    );
    expect(merged.data!.mergeIdeas.post).toEqual({ id: target, idea: { voteCount: 2 } });
    const source = await t.gql(
      `query($id: ID!) { post(id: $id) { idea { status mergedIntoId voteCount } } }`,
      { id: duplicate },
      customer.accessToken,
    );
    expect(source.data!.post.idea).toEqual({ status: 'MERGED', mergedIntoId: target, voteCount: 0 });
    const inbox = await t.gql(NOTIFICATIONS, {}, otherCustomer.accessToken);
    const note = inbox.data!.notifications.edges.find(
      (e: any) => e.node.postId === duplicate && e.node.kind === 'IDEA_STATUS',
    );
    expect(JSON.parse(note.node.latestData)).toMatchObject({ to: 'MERGED', mergedInto: target });
  });

  it('a customer who withdrew consent is no longer notified', async () => {
    const idea = (
      await t.gql(
        CREATE_POST,
        { input: { spaceId: hybrid, kind: 'IDEA', title: 'Loyalty points', body: '…' } },
        customer.accessToken,
      )
    ).data!.createPost.post.id;
    await t.gql(VOTE, { id: idea }, otherCustomer.accessToken);
    await t.gql(
      `mutation($id: ID!) { withdrawConsent(spaceId: $id) { consentRecord { id } } }`,
      { id: hybrid },
      otherCustomer.accessToken,
    );
    await t.gql(CHANGE, { input: { ideaId: idea, status: 'UNDER_REVIEW', note: 'Looking' } }, moderator.accessToken);
    const rows = await t.sql.query(
      `SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.email = $1 AND n.kind = 'IDEA_STATUS' AND n.data->>'to' = 'UNDER_REVIEW'`,
      [otherCustomer.email],
    );
    expect(rows.rows[0].n).toBe(0);
    const submitter = await t.gql(NOTIFICATIONS, {}, customer.accessToken);
    expect(
      submitter.data!.notifications.edges.some((e: any) => e.node.postId === idea && e.node.kind === 'IDEA_STATUS'),
    ).toBe(true);
  });
});

describe('notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('groups per thread, counts unread, marks read, and honours per-kind preferences', async () => {
    const org = await createOrganization(t);
    const space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL' })).id;
    const author = await employeeOf(t, org, 'Ada Author');
    const [a, b] = [await employeeOf(t, org, 'Ben'), await employeeOf(t, org, 'Cid')];
    const post = (
      await t.gql(CREATE_POST, { input: { spaceId: space, title: 'Thread', body: 'Talk' } }, author.accessToken)
    ).data!.createPost.post.id;
    const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
    await t.gql(COMMENT, { input: { postId: post, body: 'one' } }, a.accessToken);
    await t.gql(COMMENT, { input: { postId: post, body: 'two' } }, b.accessToken);
    await t.gql(COMMENT, { input: { postId: post, body: 'three' } }, a.accessToken);
    const inbox = await t.gql(NOTIFICATIONS, {}, author.accessToken);
    expect(inbox.data!.notifications.unreadCount).toBe(3);
    expect(inbox.data!.notifications.edges).toEqual([
      {
        node: expect.objectContaining({
          postId: post,
          kind: 'COMMENT',
          count: 3,
          unreadCount: 3,
          actorNames: ['Ben', 'Cid'],
        }),
      },
    ]);
    const read = await t.gql(
      `mutation($p: ID!) { markNotificationsRead(input: { postId: $p }) { unreadCount } }`,
      { p: post },
      author.accessToken,
    );
    expect(read.data!.markNotificationsRead.unreadCount).toBe(0);

    const prefs = await t.gql(
      `mutation { setNotificationPreference(input: { kind: COMMENT, mode: NONE }) { kind mode } }`,
      {},
      author.accessToken,
    );
    expect(prefs.data!.setNotificationPreference).toContainEqual({ kind: 'COMMENT', mode: 'NONE' });
    await t.gql(COMMENT, { input: { postId: post, body: 'four' } }, b.accessToken);
    expect((await t.gql(NOTIFICATIONS, {}, author.accessToken)).data!.notifications.unreadCount).toBe(0);
  });

  it('pages through groups newest first, and keeps each group right when one is read or removed', async () => {
    const org = await createOrganization(t);
    const space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL' })).id;
    const author = await employeeOf(t, org, 'Page Author');
    const [a, b] = [await employeeOf(t, org, 'Dee'), await employeeOf(t, org, 'Eve')];
    const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
    const posts: string[] = [];
    for (const title of ['First', 'Second', 'Third']) {
      const id = (await t.gql(CREATE_POST, { input: { spaceId: space, title, body: 'x' } }, author.accessToken)).data!
        .createPost.post.id;
      posts.push(id);
      await t.gql(COMMENT, { input: { postId: id, body: `${title} by Dee` } }, a.accessToken);
      await t.gql(COMMENT, { input: { postId: id, body: `${title} by Eve` } }, b.accessToken);
    }
    const PAGE = `query($after: String) { notifications(first: 2, after: $after) {
      edges { node { postId count unreadCount actorNames } } pageInfo { hasNextPage endCursor } } }`;
    const first = (await t.gql(PAGE, {}, author.accessToken)).data!.notifications;
    const second = (await t.gql(PAGE, { after: first.pageInfo.endCursor }, author.accessToken)).data!.notifications;
    expect([...first.edges, ...second.edges].map((e: any) => e.node.postId)).toEqual([...posts].reverse());
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(first.edges[0].node).toEqual({ postId: posts[2], count: 2, unreadCount: 2, actorNames: ['Eve', 'Dee'] });

    // Read one thread; remove Eve's comment notification of another (as a deleted comment would).
    await t.gql(
      `mutation($p: ID!) { markNotificationsRead(input: { postId: $p }) { unreadCount } }`,
      { p: posts[2] },
      author.accessToken,
    );
    await t.sql.query(
      `DELETE FROM notifications n USING users u WHERE u.id = n.actor_id AND u.display_name = 'Eve'
       AND n.post_id = (SELECT id FROM posts WHERE title = 'First' AND space_id = n.space_id)`,
    );
    const after = (await t.gql(NOTIFICATIONS, {}, author.accessToken)).data!.notifications;
    const byPost = new Map(after.edges.map((e: any) => [e.node.postId, e.node]));
    expect(byPost.get(posts[2])).toMatchObject({ count: 2, unreadCount: 0 });
    expect(byPost.get(posts[0])).toMatchObject({ count: 1, unreadCount: 1, actorNames: ['Dee'] });
    expect(after.unreadCount).toBe(3);
    // The groups are what grouping every notification gives.
    const { rows: drift } = await t.sql.query(`
      (SELECT recipient_id, post_id, kind, count, unread, latest_at FROM notification_groups
       EXCEPT SELECT recipient_id, post_id, kind, count(*)::int, (count(*) FILTER (WHERE read_at IS NULL))::int,
                     max(created_at) FROM notifications WHERE NOT digest_only GROUP BY 1, 2, 3)
      UNION ALL
      (SELECT recipient_id, post_id, kind, count(*)::int, (count(*) FILTER (WHERE read_at IS NULL))::int,
              max(created_at) FROM notifications WHERE NOT digest_only GROUP BY 1, 2, 3
       EXCEPT SELECT recipient_id, post_id, kind, count, unread, latest_at FROM notification_groups)`);
    expect(drift).toEqual([]);
  });
});

describe('the daily digest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('mails each person what they have not read (digest-only kinds included), once a day', async () => {
    const org = await createOrganization(t);
    const space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Ops' })).id;
    const author = await employeeOf(t, org, 'Dora Digest');
    const commenter = await employeeOf(t, org, 'Carl');
    const post = (
      await t.gql(CREATE_POST, { input: { spaceId: space, title: 'Shift plan', body: 'Draft' } }, author.accessToken)
    ).data!.createPost.post.id;
    await t.gql(
      `mutation { setNotificationPreference(input: { kind: COMMENT, mode: DIGEST }) { kind } }`,
      {},
      author.accessToken,
    );
    const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
    await t.gql(COMMENT, { input: { postId: post, body: 'a' } }, commenter.accessToken);
    await t.gql(COMMENT, { input: { postId: post, body: 'b' } }, commenter.accessToken);
    // Digest-only: not in the app.
    expect((await t.gql(NOTIFICATIONS, {}, author.accessToken)).data!.notifications.unreadCount).toBe(0);

    const digest = t.app.get(NotificationDigest);
    expect(await digest.run()).toBeGreaterThanOrEqual(1);
    const mail = await t.mailbox.latestTo(author.email);
    expect(mail.subject).toBe('Ruche: 2 updates for you');
    expect(mail.text).toContain('- [Ops] Shift plan — 2 new comments');

    // Nothing new, and not twice a day.
    await t.gql(COMMENT, { input: { postId: post, body: 'c' } }, commenter.accessToken);
    const before = (await t.mailbox.all()).filter((m) => m.to === author.email).length;
    await digest.run();
    expect((await t.mailbox.all()).filter((m) => m.to === author.email)).toHaveLength(before);
    t.clock.advance(24 * 3_600_000);
    await digest.run();
    expect((await t.mailbox.latestTo(author.email)).subject).toBe('Ruche: 1 update for you');
    t.clock.advance(-24 * 3_600_000);
  });
});
