import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { fromGlobalId, toGlobalId } from '@ruche/kernel';
import { canReadSpace, type OrgRole, type SpaceKind, type SpaceVisibility } from '@ruche/policy';
import { createTestApp, type GqlResult, type TestApp } from './support/test-app';
import { signUp, uniqueEmail, type Person } from './support/identity';
import { ACCEPT, createOrganization, createSpace, customerOf, employeeOf, invite, PREVIEW } from './support/spaces';

/**
 * Product invariant 1, as a property: whatever the shape of an organization, a customer never receives an
 * internal space, a member they do not share a space with, or any of their ids — through lists, lookups,
 * `node`, counts or errors. What they cannot read answers exactly like what does not exist.
 */

const SPACES = `query Spaces($first: Int!, $after: String, $kind: SpaceKind, $organizationId: ID) {
  spaces(first: $first, after: $after, kind: $kind, organizationId: $organizationId) {
    edges { cursor node { id name kind visibility memberCount customerCount holdsCustomers viewerRole } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SPACE = `query Space($id: ID!) {
  space(id: $id) { id name description kind visibility memberCount customerCount holdsCustomers viewerRole consentPolicy { version text } }
}`;
const NODE = `query Node($id: ID!) {
  node(id: $id) { id __typename ... on Space { name kind memberCount customerCount } ... on User { displayName email } }
}`;
const MEMBERS = `query Members($spaceId: ID!) {
  spaceMembers(spaceId: $spaceId, first: 100) {
    edges { cursor node { role joinedAt badge { kind label } user { id displayName email } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PENDING = `query { pendingConsents { spaceId spaceName } }`;
const JOIN = `mutation($id: ID!) { joinSpace(spaceId: $id) { space { id } } }`;

interface SpaceShape {
  kind: SpaceKind;
  visibility: SpaceVisibility;
}
interface OrgShape {
  spaces: SpaceShape[];
  /** Order in which the spaces are created (lists are oldest first). */
  creationOrder: number[];
  /** Per employee: the spaces they are in besides the open ones they can read anyway. */
  employees: number[][];
  /** Per customer: the hybrid spaces they were invited to and consented to (at least one). */
  customers: number[][];
}

const visibility = fc.constantFrom<SpaceVisibility>('OPEN', 'PRIVATE');
const orgShape: fc.Arbitrary<OrgShape> = fc
  .tuple(fc.array(visibility, { minLength: 1, maxLength: 3 }), fc.array(visibility, { minLength: 1, maxLength: 3 }))
  .chain(([internal, hybrid]) => {
    const spaces: SpaceShape[] = [
      ...internal.map((v) => ({ kind: 'INTERNAL' as const, visibility: v })),
      ...hybrid.map((v) => ({ kind: 'HYBRID' as const, visibility: v })),
    ];
    const all = spaces.map((_, i) => i);
    // Employees join open spaces; private hybrid ones they enter by invitation. Private internal spaces hold
    // only their owner.
    const enterable = all.filter((i) => spaces[i]!.visibility === 'OPEN' || spaces[i]!.kind === 'HYBRID');
    const hybrids = all.filter((i) => spaces[i]!.kind === 'HYBRID');
    return fc.record({
      spaces: fc.constant(spaces),
      creationOrder: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      employees: fc.array(fc.subarray(enterable), { minLength: 1, maxLength: 3 }),
      customers: fc.array(fc.subarray(hybrids, { minLength: 1 }), { minLength: 1, maxLength: 3 }),
    });
  });

interface BuiltSpace extends SpaceShape {
  index: number;
  id: string;
  name: string;
  members: Set<string>;
  customers: Set<string>;
}
type Named = Person & { name: string };
interface BuiltOrg {
  organizationId: string;
  owner: Named;
  /** Indexed like the shape's spaces. */
  spaces: BuiltSpace[];
  /** Space ids, oldest first. */
  created: string[];
  employees: Named[];
  customers: Named[];
}

/** Ids and names no customer may ever receive, accumulated over every organization of the file. */
const everInternal: string[] = [];

describe('invariant 1: internal stays internal (property)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function accept(person: Person, token: string): Promise<void> {
    const preview = await t.gql(PREVIEW, { token });
    const res = await t.gql(
      ACCEPT,
      { input: { token, consent: { accepted: true, policyVersion: preview.data!.invitation.consent.version } } },
      person.accessToken,
    );
    if (res.errors) throw new Error(`acceptInvitation failed: ${JSON.stringify(res.errors)}`);
  }

  /** The organization of `shape`, built through GraphQL as its people would. */
  async function build(shape: OrgShape): Promise<BuiltOrg> {
    const tag = randomUUID().slice(0, 8);
    const org = await createOrganization(t, `Org ${tag}`);
    const owner = { ...org.owner, name: `Org ${tag} Owner` };
    const ownerId = owner.id;
    const spaces: BuiltSpace[] = [];
    for (const index of shape.creationOrder) {
      const { kind, visibility } = shape.spaces[index]!;
      const name = `${kind === 'INTERNAL' ? 'Internal' : 'Hybrid'} ${tag}-${index}`;
      const { id } = await createSpace(t, owner, org, { name, kind, visibility });
      spaces[index] = { kind, visibility, index, id, name, members: new Set([ownerId]), customers: new Set() };
    }
    const employees: BuiltOrg['employees'] = [];
    for (const [k, joins] of shape.employees.entries()) {
      const name = `Employee ${tag}-${k}`;
      const person = await employeeOf(t, org, name);
      for (const index of joins) {
        const space = spaces[index]!;
        if (space.visibility === 'OPEN') {
          const res = await t.gql(JOIN, { id: space.id }, person.accessToken);
          if (res.errors) throw new Error(`joinSpace failed: ${JSON.stringify(res.errors)}`);
        } else {
          await accept(person, (await invite(t, owner, space.id, person.email)).token);
        }
        space.members.add(person.id);
      }
      employees.push({ ...person, name });
    }
    const customers: BuiltOrg['customers'] = [];
    for (const [k, joins] of shape.customers.entries()) {
      const name = `Customer ${tag}-${k}`;
      const email = uniqueEmail('client.test');
      const tokens: string[] = [];
      for (const index of joins) tokens.push((await invite(t, owner, spaces[index]!.id, email)).token);
      const person = await signUp(t, { email, displayName: name });
      for (const token of tokens) await accept(person, token);
      for (const index of joins) {
        spaces[index]!.members.add(person.id);
        spaces[index]!.customers.add(person.id);
      }
      customers.push({ ...person, name });
    }
    for (const space of spaces.filter((s) => s.kind === 'INTERNAL')) {
      everInternal.push(space.id, fromGlobalId(space.id, 'Space'), space.name);
    }
    const created = shape.creationOrder.map((i) => spaces[i]!.id);
    return { organizationId: org.id, owner, spaces, created, employees, customers };
  }

  /** Every page of `spaces`, one space per page so pagination itself is exercised. */
  async function allSpaces(token: string, variables: Record<string, unknown> = {}) {
    const pages: GqlResult[] = [];
    let after: string | null = null;
    for (;;) {
      const page: GqlResult = await t.gql(SPACES, { first: 1, after, ...variables }, token);
      pages.push(page);
      if (page.errors) throw new Error(`spaces failed: ${JSON.stringify(page.errors)}`);
      if (!page.data!.spaces.pageInfo.hasNextPage) break;
      after = page.data!.spaces.pageInfo.endCursor;
    }
    return { pages, nodes: pages.flatMap((p) => p.data!.spaces.edges.map((e: any) => e.node)) };
  }

  /** Space ids, oldest first, that the pure policy (libs/policy) lets this employee or customer read. */
  function readableByPolicy(org: BuiltOrg, personId: string, orgRole: OrgRole): string[] {
    return org.created
      .map((id) => org.spaces.find((s) => s.id === id)!)
      .filter((s) => {
        const spaceRole = s.customers.has(personId) ? 'CUSTOMER' : s.members.has(personId) ? 'MEMBER' : null;
        return canReadSpace(
          { orgRole, spaceRole, consent: spaceRole === 'CUSTOMER' ? 'CURRENT' : 'NONE', invited: false },
          { kind: s.kind, visibility: s.visibility, membersCanInvite: false },
        );
      })
      .map((s) => s.id);
  }

  it('a customer never receives an internal space, member or id, through any list, lookup, node, count or error', async () => {
    await fc.assert(
      fc.asyncProperty(orgShape, async (shape) => {
        const org = await build(shape);
        const missingSpace = toGlobalId('Space', randomUUID());
        const missingUser = toGlobalId('User', randomUUID());

        // Employees first: the list is the policy's filter (open spaces and the ones they belong to).
        for (const employee of org.employees) {
          const { nodes } = await allSpaces(employee.accessToken, { organizationId: org.organizationId });
          expect(nodes.map((n) => n.id)).toEqual(readableByPolicy(org, employee.id, 'MEMBER'));
        }

        for (const customer of org.customers) {
          const token = customer.accessToken;
          const readable = org.spaces.filter((s) => s.customers.has(customer.id));
          const hidden = org.spaces.filter((s) => !s.customers.has(customer.id));
          const people = [org.owner, ...org.employees, ...org.customers.filter((c) => c.id !== customer.id)];
          const coMembers = new Set(readable.flatMap((s) => [...s.members]));
          const invisiblePeople = people.filter((p) => !coMembers.has(p.id));

          // Everything the customer can ask for.
          const listed = await allSpaces(token);
          const listedInOrg = await allSpaces(token, { organizationId: org.organizationId });
          const listedInternal = await allSpaces(token, { kind: 'INTERNAL' });
          const ask = (query: string, ids: string[], key = 'id') =>
            Promise.all(ids.map((id) => t.gql(query, { [key]: id }, token)));
          const spaceIds = [...org.spaces.map((s) => s.id), missingSpace];
          const [bySpace, byNode, byMembers, byUser, pending] = await Promise.all([
            ask(SPACE, spaceIds),
            ask(NODE, spaceIds),
            ask(MEMBERS, spaceIds, 'spaceId'),
            ask(NODE, [...people.map((p) => p.id), customer.id, missingUser]),
            t.gql(PENDING, {}, token),
          ]);
          const everything = [
            ...listed.pages,
            ...listedInOrg.pages,
            ...listedInternal.pages,
            ...bySpace,
            ...byNode,
            ...byMembers,
            ...byUser,
            pending,
          ];

          // No internal space (of this or any earlier organization), no hidden hybrid space, no person they
          // share no space with: not by id, uuid or name, anywhere in any answer (cursors decoded too).
          const json = JSON.stringify(everything, (key, value) =>
            (key === 'cursor' || key === 'endCursor') && typeof value === 'string'
              ? `${value} ${Buffer.from(value, 'base64url').toString('utf8')}`
              : value,
          );
          const forbidden = [
            ...everInternal,
            ...hidden.flatMap((s) => [s.id, fromGlobalId(s.id, 'Space'), s.name]),
            ...invisiblePeople.flatMap((p) => [p.id, fromGlobalId(p.id, 'User'), p.name, p.email]),
          ];
          expect(forbidden.filter((needle) => json.includes(needle))).toEqual([]);

          // The list is exactly the hybrid spaces they consented to, oldest first — the policy's own filter.
          const expectedIds = readableByPolicy(org, customer.id, 'CUSTOMER');
          expect(expectedIds).toEqual(org.created.filter((id) => readable.some((s) => s.id === id)));
          expect(listed.nodes.map((n) => n.id)).toEqual(expectedIds);
          expect(listedInOrg.nodes.map((n) => n.id)).toEqual(expectedIds);
          expect(listedInternal.nodes).toEqual([]);
          // Counts are those of the spaces they read, nothing more.
          expect(listed.nodes.map((n) => [n.id, n.kind, n.memberCount, n.customerCount, n.viewerRole])).toEqual(
            expectedIds.map((id) => {
              const s = org.spaces.find((x) => x.id === id)!;
              return [id, 'HYBRID', s.members.size, s.customers.size, 'CUSTOMER'];
            }),
          );

          // Lookups: what they read answers; what they cannot read answers exactly like a space that never existed.
          const [spaceMissing, nodeMissing, membersMissing] = [bySpace.at(-1)!, byNode.at(-1)!, byMembers.at(-1)!];
          for (const missing of [spaceMissing, nodeMissing, membersMissing]) {
            expect(missing.errors?.map((e) => [e.extensions.code, e.message])).toEqual([
              ['NOT_FOUND', 'Space not found'],
            ]);
          }
          org.spaces.forEach((s, i) => {
            if (s.customers.has(customer.id)) {
              expect(bySpace[i]!.data!.space).toMatchObject({
                id: s.id,
                memberCount: s.members.size,
                customerCount: s.customers.size,
                viewerRole: 'CUSTOMER',
              });
              expect(byNode[i]!.data!.node).toMatchObject({ id: s.id, __typename: 'Space' });
              const members = byMembers[i]!.data!.spaceMembers.edges.map((e: any) => e.node);
              expect(members.map((m: any) => m.user.id).sort()).toEqual([...s.members].sort());
              expect(members.filter((m: any) => m.role === 'CUSTOMER').map((m: any) => m.badge.kind)).toEqual(
                Array(s.customers.size).fill('CUSTOMER'),
              );
              // A co-member's e-mail is never shown to a customer (their own only).
              expect(members.filter((m: any) => m.user.email !== null).map((m: any) => m.user.id)).toEqual([
                customer.id,
              ]);
            } else {
              expect(bySpace[i]).toEqual(spaceMissing);
              expect(byNode[i]).toEqual(nodeMissing);
              expect(byMembers[i]).toEqual(membersMissing);
            }
          });

          // People: co-members answer with name only; anyone else answers like a user who never existed.
          const userMissing = byUser.at(-1)!;
          expect(userMissing.errors?.map((e) => [e.extensions.code, e.message])).toEqual([
            ['NOT_FOUND', 'User not found'],
          ]);
          people.forEach((p, i) => {
            if (coMembers.has(p.id)) {
              expect(byUser[i]!.data!.node).toEqual({ id: p.id, __typename: 'User', displayName: p.name, email: null });
            } else {
              expect(byUser[i]).toEqual(userMissing);
            }
          });
          expect(byUser.at(-2)!.data!.node).toMatchObject({ id: customer.id, email: customer.email });

          // Every current consent is given: nothing pending, so no hidden space can show up there either.
          expect(pending.data!.pendingConsents).toEqual([]);
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('node(id) resolves posts, ideas, comments and campaigns for those who read them; for a customer, internal ones do not exist', async () => {
    const CONTENT_NODE = `query Node($id: ID!) {
      node(id: $id) {
        id __typename
        ... on Post { title spaceId } ... on Comment { body postId } ... on Campaign { title spaceId }
      }
    }`;
    const must = async (query: string, variables: Record<string, unknown>, token: string) => {
      const res = await t.gql(query, variables, token);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data!;
    };
    const org = await createOrganization(t, 'Nodes Corp');
    const owner = org.owner;
    const internal = await createSpace(t, owner, org, { name: 'Nodes internal', kind: 'INTERNAL' });
    const hybrid = await createSpace(t, owner, org, { name: 'Nodes hybrid', kind: 'HYBRID' });
    const employee = await employeeOf(t, org, 'Nodes Employee');
    const customer = await customerOf(t, owner, hybrid.id, 'Nodes Customer');

    /** A post, an idea, a comment and a campaign of the owner in a space, with what node(id) should show. */
    const contentIn = async (spaceId: string, tag: string) => {
      const create = (kind: string) =>
        must(
          `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
          { input: { spaceId, kind, title: `${tag} ${kind}`, body: `${tag} body` } },
          owner.accessToken,
        );
      const post = (await create('DISCUSSION')).createPost.post.id;
      const idea = (await create('IDEA')).createPost.post.id;
      const comment = (
        await must(
          `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`,
          { input: { postId: post, body: `${tag} comment` } },
          owner.accessToken,
        )
      ).addComment.comment.id;
      const campaign = (
        await must(
          `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
          { input: { spaceId, title: `${tag} campaign`, question: 'How?', deadline: '2099-01-01T00:00:00Z' } },
          owner.accessToken,
        )
      ).createCampaign.campaign.id;
      return [
        { id: post, node: { id: post, __typename: 'Post', title: `${tag} DISCUSSION`, spaceId } },
        { id: idea, node: { id: idea, __typename: 'Post', title: `${tag} IDEA`, spaceId } },
        { id: comment, node: { id: comment, __typename: 'Comment', body: `${tag} comment`, postId: post } },
        { id: campaign, node: { id: campaign, __typename: 'Campaign', title: `${tag} campaign`, spaceId } },
      ];
    };
    const inInternal = await contentIn(internal.id, 'Secret');
    const inHybrid = await contentIn(hybrid.id, 'Shared');
    const ask = (id: string, person: Person) => t.gql(CONTENT_NODE, { id }, person.accessToken);

    // Employees read both spaces: every object resolves, as its own query shows it.
    for (const { id, node } of [...inInternal, ...inHybrid]) {
      expect((await ask(id, employee)).data?.node).toEqual(node);
    }
    // The customer reads the hybrid space only.
    for (const { id, node } of inHybrid) expect((await ask(id, customer)).data?.node).toEqual(node);
    // Internal objects answer exactly like missing ones of the same type, and leak nothing.
    const missing = (type: string) => ask(toGlobalId(type, randomUUID()), customer);
    for (const { id, node } of inInternal) {
      const hidden = await ask(id, customer);
      expect(hidden).toEqual(await missing(node.__typename));
      expect(hidden.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      expect(JSON.stringify(hidden)).not.toMatch(/Secret/);
    }
    // A type nobody registered, and a malformed id, answer NOT_FOUND too.
    for (const id of [toGlobalId('Invitation', randomUUID()), 'not-an-id']) {
      expect((await ask(id, employee)).errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    }

    // A comment hidden by a moderator exists only for its author and the moderators.
    const [hybridPost, , hybridComment] = inHybrid;
    const report = await must(
      `mutation($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }`,
      { input: { commentId: hybridComment!.id, reason: 'SPAM' } },
      customer.accessToken,
    );
    await must(
      `mutation($input: ResolveReportInput!) { resolveReport(input: $input) { report { status } } }`,
      { input: { reportId: report.reportContent.report.id, action: 'HIDE' } },
      owner.accessToken,
    );
    expect(await ask(hybridComment!.id, customer)).toEqual(await missing('Comment'));
    expect((await ask(hybridComment!.id, owner)).data?.node).toEqual(hybridComment!.node);
    expect((await ask(hybridPost!.id, customer)).data?.node).toEqual(hybridPost!.node);
  }, 60_000);
});
