import { statementsDuring } from './support/statements';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, type Person } from './support/identity';
import { createOrganization, createSpace, customerOf, employeeOf, type Organization } from './support/spaces';

const CREATE_POST = `mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { id title bodyHtml tags kind authorBadge { label } author { displayName } } }
}`;
const FEED = `query($spaceId: ID, $order: FeedOrder, $first: Int!, $after: String) {
  feed(spaceId: $spaceId, order: $order, first: $first, after: $after) {
    edges { cursor node { id title pinned score commentCount reactionCount viewerReaction viewerFollowing
      author { displayName } authorBadge { kind label } reactionCounts { LIKE CELEBRATE } idea { status voteCount viewerVoted }
      images { url width } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const POST = `query($id: ID!) {
  post(id: $id) { id title body bodyHtml deleted editedAt editedByModerator commentCount reactionCount viewerReaction
    reactionCounts { LIKE CELEBRATE INSIGHTFUL SUPPORT CURIOUS }
    revisions(first: 10) { edges { node { title body byModerator editor { displayName } } } }
    comments(first: 10) { edges { node { body firstResponse deleted parentId authorBadge { label } } } } }
}`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id firstResponse } post { commentCount } } }`;

describe('posts, comments and reactions', () => {
  let t: TestApp;
  let org: Organization;
  let hybrid: string;
  let internal: string;
  let employee: Person;
  let customer: Person;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Content Co');
    hybrid = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Co-design' })).id;
    internal = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Staff' })).id;
    employee = await employeeOf(t, org, 'Emma Employee');
    customer = await customerOf(t, org.owner, hybrid, 'Cleo Customer');
  });
  afterAll(() => t.close());

  const post = async (by: Person, spaceId: string, extra: Record<string, unknown> = {}) => {
    const res = await t.gql(
      CREATE_POST,
      { input: { spaceId, title: 'Title', body: 'Body', ...extra } },
      by.accessToken,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.createPost.post;
  };

  it('a customer posts in their hybrid space with their badge; an internal post stays invisible to them', async () => {
    const theirs = await post(customer, hybrid, { title: 'Feature request', tags: ['Mobile', 'mobile', 'ux'] });
    expect(theirs).toMatchObject({
      title: 'Feature request',
      tags: ['mobile', 'ux'],
      authorBadge: { label: 'Customer' },
    });
    const secret = await post(employee, internal, { title: 'Internal roadmap' });
    const seen = await t.gql(FEED, { first: 50 }, customer.accessToken);
    const titles = seen.data!.feed.edges.map((e: any) => e.node.title);
    expect(titles).toContain('Feature request');
    expect(titles).not.toContain('Internal roadmap');
    const hidden = await t.gql(POST, { id: secret.id }, customer.accessToken);
    const missing = await t.gql(
      POST,
      { id: secret.id.replace(/.$/, secret.id.endsWith('A') ? 'B' : 'A') },
      customer.accessToken,
    );
    expect(codeOf(hidden)).toBe('NOT_FOUND');
    expect(hidden.errors![0]!.message).toBe(missing.errors![0]!.message);
    expect(codeOf(await t.gql(FEED, { spaceId: internal, first: 5 }, customer.accessToken))).toBe('NOT_FOUND');
  });

  it("marks an employee's first answer to a customer's post, counts comments and keeps tombstones readable", async () => {
    const theirs = await post(customer, hybrid, { kind: 'QUESTION', title: 'How do I export?' });
    const own = await t.gql(ADD_COMMENT, { input: { postId: theirs.id, body: 'Any news?' } }, customer.accessToken);
    expect(own.data!.addComment.comment.firstResponse).toBe(false);
    const answer = await t.gql(
      ADD_COMMENT,
      { input: { postId: theirs.id, body: 'Use the **menu**.' } },
      employee.accessToken,
    );
    expect(answer.data!.addComment).toEqual({
      comment: expect.objectContaining({ firstResponse: true }),
      post: { commentCount: 2 },
    });
    const second = await t.gql(
      ADD_COMMENT,
      { input: { postId: theirs.id, parentId: answer.data!.addComment.comment.id, body: 'Thanks' } },
      org.owner.accessToken,
    );
    expect(second.data!.addComment.comment.firstResponse).toBe(false);
    await t.gql(
      `mutation($id: ID!) { deletePost(postId: $id) { post { deleted } } }`,
      { id: theirs.id },
      customer.accessToken,
    );
    const read = await t.gql(POST, { id: theirs.id }, employee.accessToken);
    expect(read.data!.post).toMatchObject({ deleted: true, title: '[deleted]', body: '' });
    expect(
      read.data!.post.comments.edges.map((e: any) => [e.node.body, e.node.firstResponse, e.node.authorBadge.label]),
    ).toEqual([
      ['Any news?', false, 'Customer'],
      ['Use the **menu**.', true, 'Employee'],
      ['Thanks', false, 'Employee'],
    ]);
    expect(read.data!.post.comments.edges[2].node.parentId).toBe(answer.data!.addComment.comment.id);
  });

  it('counts reactions per kind, one per person, and shows the viewer their own', async () => {
    const p = await post(employee, hybrid);
    const REACT = `mutation($input: ReactInput!) { react(input: $input) { post { reactionCount viewerReaction reactionCounts { LIKE CELEBRATE } } } }`;
    await t.gql(REACT, { input: { postId: p.id, kind: 'LIKE' } }, customer.accessToken);
    await t.gql(REACT, { input: { postId: p.id, kind: 'LIKE' } }, org.owner.accessToken);
    const changed = await t.gql(REACT, { input: { postId: p.id, kind: 'CELEBRATE' } }, customer.accessToken);
    expect(changed.data!.react.post).toEqual({
      reactionCount: 2,
      viewerReaction: 'CELEBRATE',
      reactionCounts: { LIKE: 1, CELEBRATE: 1 },
    });
    const removed = await t.gql(
      `mutation($id: ID!) { unreact(postId: $id) { post { reactionCount viewerReaction } } }`,
      { id: p.id },
      customer.accessToken,
    );
    expect(removed.data!.unreact.post).toEqual({ reactionCount: 1, viewerReaction: null });
  });

  it('answers a reaction or vote with the post as stored, in four round trips; a feed page in three', async () => {
    const space = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Round trips' })).id;
    const idea = await post(org.owner, space, { kind: 'IDEA', title: 'An idea' });
    // As the web app's post card asks: with images and what the viewer may do.
    const FIELDS = `id reactionCount score viewerReaction viewerFollowing reactionCounts { LIKE CELEBRATE INSIGHTFUL }
      images { url } viewerCan { update delete pin react comment report }
      idea { voteCount viewerVoted viewerCan { vote unvote merge } }`;
    const roundTrips = async <T>(fn: () => Promise<T>) => {
      const { result, statements } = await statementsDuring(fn);
      return { result, statements: statements.map((q) => q.text) };
    };
    const stored = async () =>
      (await t.gql(`query($id: ID!) { post(id: $id) { ${FIELDS} } }`, { id: idea.id }, employee.accessToken)).data!
        .post;
    const steps: [string, string, Record<string, unknown>][] = [
      [
        'react',
        `mutation($input: ReactInput!) { react(input: $input) { post { ${FIELDS} } } }`,
        { input: { postId: idea.id, kind: 'LIKE' } },
      ],
      [
        'react',
        `mutation($input: ReactInput!) { react(input: $input) { post { ${FIELDS} } } }`,
        { input: { postId: idea.id, kind: 'INSIGHTFUL' } },
      ],
      ['voteIdea', `mutation($id: ID!) { voteIdea(ideaId: $id) { post { ${FIELDS} } } }`, { id: idea.id }],
      ['voteIdea', `mutation($id: ID!) { voteIdea(ideaId: $id) { post { ${FIELDS} } } }`, { id: idea.id }],
      ['unreact', `mutation($id: ID!) { unreact(postId: $id) { post { ${FIELDS} } } }`, { id: idea.id }],
      ['unvoteIdea', `mutation($id: ID!) { unvoteIdea(ideaId: $id) { post { ${FIELDS} } } }`, { id: idea.id }],
    ];
    await stored(); // the day's first request also records the visit (its own transaction, once a day)
    for (const [field, mutation, variables] of steps) {
      const { result, statements } = await roundTrips(() => t.gql(mutation, variables, employee.accessToken));
      expect(result.errors).toBeUndefined();
      expect([field, result.data![field].post]).toEqual([field, await stored()]);
      expect([field, statements.length]).toEqual([field, 4]);
    }
    const { result, statements } = await roundTrips(() =>
      t.gql(
        `query { feed(first: 20) { edges { node { ${FIELDS} title author { displayName } authorBadge { label } } } } }`,
        {},
        employee.accessToken,
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(statements.length).toBe(3);
    const inSpace = await roundTrips(() =>
      t.gql(
        `query($spaceId: ID) { feed(spaceId: $spaceId, first: 20) { edges { node { ${FIELDS} title } } } }`,
        { spaceId: space },
        employee.accessToken,
      ),
    );
    expect(inSpace.result.errors).toBeUndefined();
    expect(inSpace.result.data!.feed.edges).toHaveLength(1);
    expect(inSpace.statements.length).toBe(3);
  });

  it('keeps every revision and says when a moderator edited', async () => {
    const p = await post(customer, hybrid, { title: 'v1', body: 'first' });
    const UPDATE = `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { title editedByModerator } } }`;
    await t.gql(UPDATE, { input: { postId: p.id, title: 'v2', body: 'second' } }, customer.accessToken);
    const byMod = await t.gql(UPDATE, { input: { postId: p.id, body: 'third (moderated)' } }, org.owner.accessToken);
    expect(byMod.data!.updatePost.post).toEqual({ title: 'v2', editedByModerator: true });
    const read = await t.gql(POST, { id: p.id }, customer.accessToken);
    expect(
      read.data!.post.revisions.edges.map((e: any) => [
        e.node.title,
        e.node.body,
        e.node.byModerator,
        e.node.editor.displayName,
      ]),
    ).toEqual([
      ['v1', 'first', false, 'Cleo Customer'],
      ['v2', 'second', true, 'Content Co Owner'],
    ]);
    expect(codeOf(await t.gql(UPDATE, { input: { postId: p.id, title: 'hijack' } }, employee.accessToken))).toBe(
      'FORBIDDEN',
    );
    // Deleting the post takes its history with it.
    await t.gql(
      `mutation($id: ID!) { deletePost(postId: $id) { post { deleted } } }`,
      { id: p.id },
      customer.accessToken,
    );
    const gone = await t.gql(POST, { id: p.id }, employee.accessToken);
    expect(gone.data!.post.revisions.edges).toEqual([]);
  });

  it('pages every order without gaps, duplicates or disorder, pinned posts first in a space, across spaces at home', async () => {
    const space = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Paging' })).id;
    const other = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Paging too' })).id;
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await post(org.owner, i % 3 === 2 ? other : space, { title: `p${i}` })).id);
    // Scores that differ and tie: reactions from up to two people.
    for (const [i, who] of [
      [0, org.owner],
      [0, employee],
      [4, employee],
      [5, org.owner],
      [7, employee],
    ] as const) {
      await t.gql(
        `mutation($input: ReactInput!) { react(input: $input) { post { id } } }`,
        { input: { postId: ids[i], kind: 'LIKE' } },
        who.accessToken,
      );
    }
    await t.gql(
      `mutation($input: PinPostInput!) { pinPost(input: $input) { post { pinned } } }`,
      { input: { postId: ids[3] } },
      org.owner.accessToken,
    );
    const feedQuery = `query($spaceId: ID, $order: FeedOrder, $first: Int!, $after: String) {
      feed(spaceId: $spaceId, order: $order, first: $first, after: $after) {
        edges { node { id pinned score createdAt } } pageInfo { hasNextPage endCursor } } }`;
    const pages = async (spaceId: string | null, order: string) => {
      const seen: { id: string; pinned: boolean; score: number; createdAt: string }[] = [];
      let after: string | null = null;
      do {
        const page: any = await t.gql(feedQuery, { spaceId, order, first: 2, after }, org.owner.accessToken);
        expect(page.errors).toBeUndefined();
        seen.push(...page.data.feed.edges.map((e: any) => e.node));
        after = page.data.feed.pageInfo.hasNextPage ? page.data.feed.pageInfo.endCursor : null;
      } while (after);
      return seen;
    };
    const inSpace = ids.filter((_, i) => i % 3 !== 2);
    for (const order of ['NEW', 'TOP', 'TRENDING']) {
      const seen = await pages(space, order);
      expect(seen[0].id).toBe(ids[3]);
      expect(seen.map((p) => p.id).sort()).toEqual([...inSpace].sort());
      const rest = seen.slice(1);
      if (order === 'TOP') expect(rest.map((p) => p.score)).toEqual(rest.map((p) => p.score).sort((a, b) => b - a));
      if (order === 'NEW')
        expect(rest.map((p) => p.createdAt)).toEqual(
          rest
            .map((p) => p.createdAt)
            .sort()
            .reverse(),
        );
      // Home: every readable space, no pinning first; this organization's posts appear in the same order.
      const home = (await pages(null, order)).filter((p) => ids.includes(p.id));
      expect(home.map((p) => p.id).sort()).toEqual([...ids].sort());
      if (order === 'TOP') expect(home.map((p) => p.score)).toEqual(home.map((p) => p.score).sort((a, b) => b - a));
      if (order === 'NEW')
        expect(home.map((p) => p.createdAt)).toEqual(
          home
            .map((p) => p.createdAt)
            .sort()
            .reverse(),
        );
    }
  });

  it('renders Markdown to inert HTML (XSS corpus)', async () => {
    const corpus = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      '<svg onload=alert(1)>',
      '<iframe src="https://evil.test"></iframe>',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '<div style="background:url(javascript:alert(1))">',
      '"><script>alert(1)</script>',
    ];
    // Inert: every tag left is a harmless formatting tag, links only to http(s)/mailto, no other attribute.
    const SAFE_TAG =
      /^<\/?(p|br|strong|em|del|s|code|pre|blockquote|ul|ol|li|h[1-6]|hr|a|table|thead|tbody|tr|th|td)(\s|>|\/)/;
    for (const body of corpus) {
      const p = await post(employee, hybrid, { title: body.slice(0, 200), body });
      const tags: string[] = p.bodyHtml.match(/<[^>]*>/g) ?? [];
      for (const tag of tags) {
        expect(tag).toMatch(SAFE_TAG);
        const attributes = tag.match(/\s([a-z-]+)=/gi)?.map((a) => a.trim().slice(0, -1)) ?? [];
        expect(attributes.every((a) => ['href', 'rel', 'target', 'title'].includes(a))).toBe(true);
        expect(tag).not.toMatch(/href="(?!https?:|mailto:)/);
      }
      expect(p.title).toBe(body.slice(0, 200)); // titles are plain text, escaped by whoever displays them
    }
    const ok = await post(employee, hybrid, { body: '**bold** [site](https://example.test)' });
    expect(ok.bodyHtml).toBe(
      '<p><strong>bold</strong> <a href="https://example.test" rel="nofollow noopener noreferrer" target="_blank">site</a></p>\n',
    );
  });

  it('loads a feed or idea-board page of 20 or 60 posts with the same number of SQL statements (no N+1)', async () => {
    const space = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Busy' })).id;
    const viewer = await customerOf(t, org.owner, space, 'Busy Customer');
    for (let i = 0; i < 60; i++) {
      const p = await post(i % 2 ? employee : org.owner, space, { title: `busy ${i}`, kind: 'IDEA' });
      if (i % 3 === 0) {
        await t.gql(`mutation($id: ID!) { voteIdea(ideaId: $id) { post { id } } }`, { id: p.id }, viewer.accessToken);
      }
    }
    const IDEAS = `query($spaceId: ID, $first: Int!) {
      ideas(spaceId: $spaceId, first: $first) { edges { node { id title author { displayName } authorBadge { label }
        viewerReaction viewerFollowing commentCount idea { status voteCount viewerVoted } images { url } } } }
    }`;
    const statements = async (query: string, field: 'feed' | 'ideas', first: number) => {
      const { result: res, statements: sent } = await statementsDuring(() =>
        t.gql(query, { spaceId: space, first }, viewer.accessToken),
      );
      expect(res.data![field].edges).toHaveLength(first);
      const seen = sent.map((q) => q.text);
      // The request's data statements only: not the transaction frame, the acting-user context or the session
      // check, nor what runs beside it in this process (the outbox relay, the socket.io adapter's heartbeats).
      return seen.filter(
        (q) =>
          !/^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SELECT set_config)/i.test(q) &&
          !/session_families|ruche_outbox_|pg_notify|socket_io_attachments|LISTEN/.test(q),
      );
    };
    for (const [query, field] of [
      [FEED, 'feed'],
      [IDEAS, 'ideas'],
    ] as const) {
      const small = await statements(query, field, 20);
      const large = await statements(query, field, 60);
      expect(small.length).toBeLessThanOrEqual(3);
      expect(large.length).toBe(small.length);
    }
  });
});
