import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, uniqueEmail, type Person } from './support/identity';
import { createOrganization, createSpace, customerOf, employeeOf, WITHDRAW, type Organization } from './support/spaces';
import { JOIN } from './support/policy-world';

const SEARCH = `query($query: String!, $first: Int!, $after: String, $spaceId: ID, $kinds: [SearchKind!]) {
  search(query: $query, first: $first, after: $after, spaceId: $spaceId, kinds: $kinds) {
    edges { cursor node { rank headline post { id title kind } comment { id body postId hidden deleted authorBadge { label } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CANDIDATES = `query($spaceId: ID!, $query: String!, $first: Int!) {
  mentionCandidates(spaceId: $spaceId, query: $query, first: $first) {
    user { id displayName email } badge { kind label customerAccount { name } }
  }
}`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;

describe('search and mention candidates', () => {
  let t: TestApp;
  let org: Organization;
  let hybrid: string;
  let internal: string;
  let employee: Person;
  let member: Person;
  let customer: Person;
  let colleague: Person;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Search Co');
    hybrid = (await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Co-design' })).id;
    internal = (await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Staff' })).id;
    employee = await employeeOf(t, org, 'Emma Employee');
    member = await employeeOf(t, org, 'Mona Member');
    await t.gql(JOIN, { id: hybrid }, member.accessToken);
    const domain = `globex-${randomUUID().slice(0, 8)}.test`;
    const account = await t.gql(
      `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id } } }`,
      { input: { organizationId: org.id, name: 'Globex', domain } },
      org.owner.accessToken,
    );
    expect(account.errors).toBeUndefined();
    customer = await customerOf(t, org.owner, hybrid, 'Chloé Martin', uniqueEmail(domain));
    colleague = await customerOf(t, org.owner, hybrid, 'Carl Client', uniqueEmail(domain));
  });
  afterAll(() => t.close());

  const post = async (by: Person, spaceId: string, title: string, body = 'Rien à signaler', kind?: string) => {
    const res = await t.gql(CREATE_POST, { input: { spaceId, title, body, kind } }, by.accessToken);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.createPost.post.id as string;
  };
  const comment = async (by: Person, postId: string, body: string) => {
    const res = await t.gql(ADD_COMMENT, { input: { postId, body } }, by.accessToken);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.addComment.comment.id as string;
  };
  const search = (by: Person, query: string, extra: Record<string, unknown> = {}) =>
    t.gql(SEARCH, { query, first: 20, ...extra }, by.accessToken);
  const hits = async (by: Person, query: string, extra: Record<string, unknown> = {}) => {
    const res = await search(by, query, extra);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.search.edges.map((e: any) => e.node);
  };

  it('folds accents and stems French and English', async () => {
    const fr = await post(employee, hybrid, 'Les livraisons électriques', 'Premiers essais à Lyon');
    const en = await post(employee, hybrid, 'Delivering trucks', 'First trials in Leeds');
    for (const q of ['livraison electrique', 'électrique', 'LIVRAISONS']) {
      expect((await hits(customer, q)).map((h: any) => h.post.id)).toEqual([fr]);
    }
    // Snowball conflates inflections ("delivering", "delivered"), not derivations ("delivery" stems apart).
    expect((await hits(customer, 'delivered truck')).map((h: any) => h.post.id)).toEqual([en]);
    const [hit] = await hits(customer, 'livraison electrique');
    expect(hit.headline).toContain('«livraisons» «électriques»');
    expect(hit.comment).toBeNull();
  });

  it('ranks a title match above a body match and finds ideas by kind', async () => {
    const inBody = await post(employee, hybrid, 'Emballages', 'Le compost industriel reste rare');
    const inTitle = await post(employee, hybrid, 'Compost partagé', 'Une idée pour le quartier', 'IDEA');
    const found = await hits(employee, 'compost');
    expect(found.map((h: any) => h.post.id)).toEqual([inTitle, inBody]);
    expect(found[0].rank).toBeGreaterThan(found[1].rank);
    expect((await hits(employee, 'compost', { kinds: ['IDEA'] })).map((h: any) => h.post.id)).toEqual([inTitle]);
    expect((await hits(employee, 'compost', { kinds: ['POST'] })).map((h: any) => h.post.id)).toEqual([inBody]);
  });

  it('finds comments with their post, and plain-text headlines', async () => {
    const p = await post(customer, hybrid, 'Batteries usagées');
    const c = await comment(employee, p, 'Le <b>recyclage</b> des piles est prévu');
    const [hit] = await hits(customer, 'recyclage');
    expect(hit.post.id).toBe(p);
    expect(hit.comment).toMatchObject({
      id: c,
      postId: p,
      hidden: false,
      deleted: false,
      authorBadge: { label: 'Employee' },
    });
    expect(hit.headline).toContain('«recyclage»');
    expect(hit.headline).not.toContain('<b>');
    expect(await hits(customer, 'recyclage', { kinds: ['POST', 'IDEA'] })).toEqual([]);
  });

  it('pages through hits without gaps or duplicates', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 4; i++) ids.add(await post(employee, hybrid, `Zéphyr ${i}`, i % 2 ? 'zephyr encore' : 'calme'));
    const commented = await post(employee, hybrid, 'Sans titre');
    await comment(customer, commented, 'Un zephyr souffle');
    await comment(customer, commented, 'Toujours ce zéphyr');
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: any = await search(customer, 'zephyr', { first: 2, after });
      expect(res.errors).toBeUndefined();
      const page = res.data.search;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      seen.push(...page.edges.map((e: any) => e.node.comment?.id ?? e.node.post.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    for (const id of ids) expect(seen).toContain(id);
    expect(codeOf(await search(customer, 'zephyr', { after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
  });

  it('refuses empty, blank and too long queries', async () => {
    for (const q of ['', '   ', 'x'.repeat(201)]) expect(codeOf(await search(employee, q))).toBe('BAD_USER_INPUT');
    expect((await search(employee, 'x'.repeat(200))).errors).toBeUndefined();
  });

  it('never shows internal content to a customer; deleted and hidden posts are never found', async () => {
    const secret = await post(employee, internal, 'Projet xylophone', 'Budget confidentiel');
    const other = await post(employee, internal, 'Réunion');
    const secretComment = await comment(employee, other, 'On en reparle: xylophone');
    const found = await hits(employee, 'xylophone');
    expect(found.map((h: any) => h.comment?.id ?? h.post.id).sort()).toEqual([secret, secretComment].sort());
    expect(await hits(customer, 'xylophone')).toEqual([]);
    expect(await hits(customer, 'confidentiel')).toEqual([]);
    expect(codeOf(await search(customer, 'xylophone', { spaceId: internal }))).toBe('NOT_FOUND');

    const gone = await post(employee, hybrid, 'Quokka');
    await comment(employee, gone, 'Un quokka encore');
    await t.gql(`mutation($id: ID!) { deletePost(postId: $id) { post { id } } }`, { id: gone }, employee.accessToken);
    await post(employee, hybrid, 'Wombat');
    expect(await hits(employee, 'wombat')).toHaveLength(1);
    await t.sql.query(`UPDATE posts SET hidden_at = now() WHERE title = 'Wombat'`);
    expect(await hits(employee, 'quokka')).toEqual([]);
    expect(await hits(employee, 'wombat')).toEqual([]);
  });

  it('offers only co-members to a customer, with badges, and ignores accents', async () => {
    const asCustomer = await t.gql(CANDIDATES, { spaceId: hybrid, query: '', first: 50 }, colleague.accessToken);
    expect(asCustomer.errors).toBeUndefined();
    const names = asCustomer.data!.mentionCandidates.map((c: any) => c.user.displayName);
    expect(names).toEqual(['Chloé Martin', 'Mona Member', 'Search Co Owner']);
    expect(names).not.toContain('Emma Employee');
    expect(asCustomer.data!.mentionCandidates[0]).toEqual({
      user: { id: customer.id, displayName: 'Chloé Martin', email: null },
      badge: { kind: 'CUSTOMER', label: 'Customer · Globex', customerAccount: { name: 'Globex' } },
    });
    expect(asCustomer.data!.mentionCandidates[1].badge).toEqual({
      kind: 'EMPLOYEE',
      label: 'Employee',
      customerAccount: null,
    });

    const byName = async (by: Person, query: string) =>
      (await t.gql(CANDIDATES, { spaceId: hybrid, query, first: 10 }, by.accessToken)).data!.mentionCandidates.map(
        (c: any) => c.user.displayName,
      );
    expect(await byName(colleague, 'chloe')).toEqual(['Chloé Martin']);
    expect(await byName(colleague, 'CHLOÉ M')).toEqual(['Chloé Martin']);
    expect(await byName(colleague, 'MART')).toEqual(['Chloé Martin']);
    expect(await byName(colleague, 'hloe')).toEqual([]);
    expect(await byName(colleague, '%')).toEqual([]);
    expect(await byName(colleague, 'emma')).toEqual([]);
    // An employee sees every reader of the open hybrid space, members or not.
    expect(await byName(member, 'e')).toEqual(['Emma Employee']);
    expect(await byName(member, '')).toEqual(['Carl Client', 'Chloé Martin', 'Emma Employee', 'Search Co Owner']);

    const outsider = await employeeOf(t, await createOrganization(t, 'Elsewhere'));
    expect(codeOf(await t.gql(CANDIDATES, { spaceId: hybrid, query: '', first: 5 }, outsider.accessToken))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await t.gql(CANDIDATES, { spaceId: internal, query: '', first: 5 }, customer.accessToken))).toBe(
      'NOT_FOUND',
    );
  });

  it('after withdrawing consent a customer finds nothing of the space and is no longer a candidate', async () => {
    await post(employee, hybrid, 'Ornithorynque');
    expect(await hits(customer, 'ornithorynque')).toHaveLength(1);
    const withdrawn = await t.gql(WITHDRAW, { spaceId: hybrid }, customer.accessToken);
    expect(withdrawn.errors).toBeUndefined();
    expect(await hits(customer, 'ornithorynque')).toEqual([]);
    expect(codeOf(await search(customer, 'ornithorynque', { spaceId: hybrid }))).toBe('NOT_FOUND');
    const names = (
      await t.gql(CANDIDATES, { spaceId: hybrid, query: '', first: 50 }, member.accessToken)
    ).data!.mentionCandidates.map((c: any) => c.user.displayName);
    expect(names).not.toContain('Chloé Martin');
    expect(names).toContain('Carl Client');
  });
});
