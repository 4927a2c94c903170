import { createTestApp, type TestApp } from './support/test-app';
import type { Person } from './support/identity';
import { createOrganization, createSpace, type Organization } from './support/spaces';

/**
 * What one GraphQL document may ask for (docs/api.md, "Limits"): refused before anything runs, with Apollo's own
 * codes and HTTP 400, and a refused mutation writes nothing.
 */
describe('GraphQL query limits', () => {
  let t: TestApp;
  let org: Organization;
  let owner: Person;
  let spaceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Limits Co');
    owner = org.owner;
    spaceId = (await createSpace(t, owner, org, { kind: 'INTERNAL', name: 'Limits' })).id;
  });
  afterAll(() => t.close());

  /**
   * A selection `depth` fields deep (leaf included), through me → organizations → members → edges → node →
   * user → …, each level wrapped in an inline fragment: fragments are not levels of data, only fields are.
   */
  const nested = (depth: number) => {
    const path = ['me', 'organizations', 'members(first: 1)', 'edges', 'node', 'user', 'organizations', 'members(first: 1)', 'edges'];
    const leaf = depth === 10 ? 'cursor' : 'node { role }';
    const fields = path.slice(0, 9);
    return `query { ${fields.map((f) => `${f} { ... { `).join('')}${leaf}${' } }'.repeat(fields.length)} }`;
  };

  it('accepts a document 10 levels deep and refuses 11', async () => {
    const ok = await t.gql(nested(10), {}, owner.accessToken);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.me.organizations).toEqual(expect.any(Array));
    const deep = await t.gql(nested(11), {}, owner.accessToken);
    expect(deep.status).toBe(400);
    expect(deep.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(deep.errors![0]!.message).toMatch(/depth/i);
  });

  it('accepts 15 aliases and refuses 16 (no batching of a field under many names)', async () => {
    const aliases = (n: number) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await t.gql(aliases(15), {}, owner.accessToken)).errors).toBeUndefined();
    const many = await t.gql(aliases(16), {}, owner.accessToken);
    expect(many.status).toBe(400);
    expect(many.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a document of more than 2,000 tokens at the parser, and a 1 MB body before it', async () => {
    const long = await t.gql(`query { ${'me { id } '.repeat(600)} }`, {}, owner.accessToken); // ~3,000 tokens
    expect(long.status).toBe(400);
    expect(long.errors![0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(long.errors![0]!.message).toMatch(/token/i);
    const huge = await t.gql(`query { ${'me { id } '.repeat(120_000)} }`, {}, owner.accessToken);
    expect(huge.status).toBe(413);
  });

  const COSTLY_FEED = `query($first: Int!) {
    feed(spaceId: "${'$'}{space}", first: $first) { edges { node { id author { id }
      comments(first: $first) { edges { node { id author { id } } } } } } }
  }`;

  it('counts lists by first: a page of comments per post on a page of posts is refused past 1,000', async () => {
    const feed = (first: number) => t.gql(COSTLY_FEED.replace('${space}', spaceId), { first }, owner.accessToken);
    expect((await feed(10)).errors).toBeUndefined(); // 1 + 10 × (3 + 1 + 10 × 3) = 341
    const costly = await feed(50); // 1 + 50 × (3 + 1 + 50 × 3) = 7,701
    expect(costly.status).toBe(400);
    expect(costly.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(costly.errors![0]!.message).toMatch(/costs \d+, over the limit of 1000/);
    // The cost is remembered per document and numeric variables: the same text asked again answers the same.
    expect((await feed(10)).errors).toBeUndefined();
    expect((await feed(50)).status).toBe(400);
  });

  it('a mutation refused for its cost writes nothing', async () => {
    const before = await t.sql.query('SELECT count(*)::int AS n FROM posts');
    const selection = Array.from(
      { length: 5 },
      (_, i) => `c${i}: comments(first: 100) { edges { node { id author { id } } } }`,
    ).join(' ');
    const res = await t.gql(
      `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id ${selection} } } }`,
      { input: { spaceId, title: 'Too costly', body: 'never written' } },
      owner.accessToken,
    );
    expect(res.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await t.sql.query('SELECT count(*)::int AS n FROM posts');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('first outside 1–100 is still the argument’s own BAD_USER_INPUT, not a cost refusal', async () => {
    const res = await t.gql(
      `query($first: Int!) { feed(spaceId: "${spaceId}", first: $first) { edges { node { id } } } }`,
      { first: 100_000 },
      owner.accessToken,
    );
    expect(res.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});
