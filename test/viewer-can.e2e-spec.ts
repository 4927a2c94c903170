import { randomUUID } from 'node:crypto';
import { createTestApp, type GqlResult, type TestApp } from './support/test-app';
import { signUp, uniqueEmail, type Person } from './support/identity';
import { buildPolicyWorld, JOIN, ROLES, type PolicyWorld, type Role } from './support/policy-world';

/**
 * `viewerCan` must say exactly what the API then accepts. For each role of the policy matrix, in a world of its
 * own, every flag of every object is read, then its operation is really run as that role: a true flag must
 * succeed, a false one must answer an error (FORBIDDEN, NOT_FOUND, CONSENT_REQUIRED, CONFLICT…). Objects a role
 * cannot read at all count as "every flag false". Operations that change state run on fresh objects, or last.
 */

const ORG_FLAGS = [
  'addMember',
  'setMemberRole',
  'listMembers',
  'createSpace',
  'createHybridSpace',
  'createCustomerAccount',
  'listCustomerAccounts',
  'readAuditLog',
  'readAnalytics',
  'manageObjectives',
] as const;
const SPACE_FLAGS = [
  'listMembers',
  'manageInvitations',
  'invite',
  'update',
  'setMemberRole',
  'removeMember',
  'renewConsent',
  'post',
  'postAnnouncement',
  'createCampaign',
  'moderate',
  'readAnalytics',
  'logEffort',
] as const;
/** Run last, per space: they change what the viewer is to the space. */
const MEMBERSHIP_FLAGS = ['join', 'leave', 'withdrawConsent'] as const;
const POST_FLAGS = ['report', 'react', 'comment', 'update', 'pin', 'delete'] as const;
const COMMENT_FLAGS = ['report', 'reply', 'update', 'delete'] as const;
const IDEA_FLAGS = ['vote', 'unvote', 'changeStatus', 'merge'] as const;

const selection = (flags: readonly string[]) => `viewerCan { ${flags.join(' ')} }`;
const READ_ORG = `query($id: ID!) { organization(id: $id) { ${selection(ORG_FLAGS)} } }`;
const SPACE_ABILITIES = selection([...SPACE_FLAGS, ...MEMBERSHIP_FLAGS]);
const READ_SPACE = `query($id: ID!) { space(id: $id) { ${SPACE_ABILITIES} } }`;
const READ_SPACES = `query { spaces(first: 50) { edges { node { id ${SPACE_ABILITIES} } } } }`;
const READ_POST = `query($id: ID!) {
  post(id: $id) { ${selection(POST_FLAGS)} idea { viewerCan { ${IDEA_FLAGS.join(' ')} changeStatusTo } } }
}`;
const READ_FEED = `query($spaceId: ID!) { feed(spaceId: $spaceId, first: 50) { edges { node { id ${selection(POST_FLAGS)} } } } }`;
const READ_COMMENT = `query($id: ID!) { node(id: $id) { ... on Comment { ${selection(COMMENT_FLAGS)} } } }`;

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(postId: $id) { post { id } } }`;
const CHANGE_STATUS = `mutation($input: ChangeIdeaStatusInput!) { changeIdeaStatus(input: $input) { idea { id } } }`;
const MERGE = `mutation($input: MergeIdeasInput!) { mergeIdeas(input: $input) { post { id } } }`;
const SET_ORG_ROLE = `mutation($input: SetOrganizationRoleInput!) { setOrganizationRole(input: $input) { member { role } } }`;
const ENGAGEMENT = `query($input: EngagementReportInput!) { engagementReport(input: $input) { totals { suppressed } } }`;
const REPORT = `mutation($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }`;

type Flags = Record<string, boolean>;
interface Verdict {
  check: string;
  can: boolean;
  outcome: string;
}

/** Per flag ("Post.pin"), the values seen over the whole file: each must be seen true and false somewhere. */
const seen = new Map<string, Set<boolean>>();

describe('viewerCan agrees with what each operation answers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function must(query: string, variables: Record<string, unknown>, token: string) {
    const res = await t.gql(query, variables, token);
    if (res.errors) throw new Error(`${query.slice(0, 70)} failed: ${JSON.stringify(res.errors)}`);
    return res.data!;
  }

  /** The flags as `viewer` reads them, or null when the object itself answers an error. */
  async function read(query: string, id: string, token: string, pick: (data: any) => Flags | null) {
    const res = await t.gql(query, { id }, token);
    return res.errors ? null : pick(res.data);
  }

  /** A world of its own for one role, and what that role's walk finds there. */
  class Walk {
    readonly verdicts: Verdict[] = [];
    readonly token: string;
    constructor(
      readonly world: PolicyWorld,
      readonly role: Exclude<Role, 'anonymous'>,
    ) {
      this.token = world.people[role].accessToken;
    }

    private get owner() {
      return this.world.owner;
    }

    /** Reads nothing itself: records one flag against the answer of its operation. */
    async check(type: string, object: string, flag: string, flags: Flags | null, run: () => Promise<GqlResult>) {
      const can = flags?.[flag] ?? false;
      const res = await run();
      const outcome: string = res.errors?.[0]?.extensions?.code ?? 'ALLOW';
      this.verdicts.push({ check: `${type}(${object}).${flag}`, can, outcome });
      const key = `${type}.${flag}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(can));
      return res;
    }

    gql(query: string, variables: Record<string, unknown> = {}) {
      return t.gql(query, variables, this.token);
    }

    async ownersPost(spaceId: string, kind = 'DISCUSSION'): Promise<string> {
      const data = await must(
        CREATE_POST,
        { input: { spaceId, kind, title: `A ${kind.toLowerCase()}`, body: 'Some **text**' } },
        this.owner.accessToken,
      );
      return data.createPost.post.id;
    }

    async ownersComment(postId: string): Promise<string> {
      const data = await must(ADD_COMMENT, { input: { postId, body: 'A comment' } }, this.owner.accessToken);
      return data.addComment.comment.id;
    }

    /** A fresh employee who belongs to the space (private ones: joined while an admin, then demoted). */
    async freshMemberOf(spaceId: string, isPrivate: boolean): Promise<string> {
      const { org, owner } = this.world;
      const person = await signUp(t, { email: uniqueEmail(org.domain), verify: true });
      const setRole = (role: string) =>
        must(SET_ORG_ROLE, { input: { organizationId: org.id, userId: person.id, role } }, owner.accessToken);
      if (isPrivate) await setRole('ADMIN');
      await must(JOIN, { id: spaceId }, person.accessToken);
      if (isPrivate) await setRole('MEMBER');
      return person.id;
    }

    async organization(): Promise<string | null> {
      const id = this.world.org.id;
      let ownSpace: string | null = null;
      for (const flag of ORG_FLAGS) {
        const flags = await read(READ_ORG, id, this.token, (d) => d.organization.viewerCan);
        const res = await this.check('Organization', 'org', flag, flags, async () => {
          switch (flag) {
            case 'addMember':
              return this.gql(
                `mutation($input: AddOrganizationMemberInput!) { addOrganizationMember(input: $input) { member { role } } }`,
                { input: { organizationId: id, email: (await signUp(t)).email } },
              );
            case 'setMemberRole': {
              const person = await signUp(t, { email: uniqueEmail(this.world.org.domain), verify: true });
              return this.gql(SET_ORG_ROLE, { input: { organizationId: id, userId: person.id, role: 'MANAGER' } });
            }
            case 'listMembers':
              return this.gql(
                `query($id: ID!) { organization(id: $id) { members(first: 1) { edges { node { role } } } } }`,
                {
                  id,
                },
              );
            case 'createSpace':
            case 'createHybridSpace':
              return this.gql(`mutation($input: CreateSpaceInput!) { createSpace(input: $input) { space { id } } }`, {
                input: {
                  organizationId: id,
                  name: `Own ${flag}`,
                  kind: flag === 'createSpace' ? 'INTERNAL' : 'HYBRID',
                  visibility: 'OPEN',
                },
              });
            case 'createCustomerAccount':
              return this.gql(
                `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id } } }`,
                { input: { organizationId: id, name: `Client ${randomUUID().slice(0, 8)}` } },
              );
            case 'listCustomerAccounts':
              return this.gql(
                `query($id: ID!) { customerAccounts(organizationId: $id, first: 1) { edges { node { id } } } }`,
                {
                  id,
                },
              );
            case 'readAuditLog':
              return this.gql(
                `query($id: ID!) { auditLog(organizationId: $id, first: 1) { edges { node { action } } } }`,
                {
                  id,
                },
              );
            case 'readAnalytics':
              return this.gql(ENGAGEMENT, { input: { organizationId: id, from: '2026-01-01', to: '2026-01-07' } });
            case 'manageObjectives':
              return this.gql(
                `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { objective { id } } }`,
                {
                  input: {
                    organizationId: id,
                    title: 'Grow',
                    kind: 'AWARENESS',
                    startsOn: '2026-01-01',
                    endsOn: '2026-06-30',
                  },
                },
              );
          }
        });
        if (flag === 'createSpace' && !res.errors) ownSpace = res.data!.createSpace.space.id;
      }
      return ownSpace;
    }

    /** The space's own flags (membership ones excepted); returns the post the viewer published, if any. */
    async space(name: string, spaceId: string, isPrivate: boolean): Promise<string | null> {
      let ownPost: string | null = null;
      for (const flag of SPACE_FLAGS) {
        const flags = await read(READ_SPACE, spaceId, this.token, (d) => d.space.viewerCan);
        const res = await this.check('Space', name, flag, flags, async () => {
          switch (flag) {
            case 'listMembers':
              return this.gql(`query($id: ID!) { spaceMembers(spaceId: $id, first: 1) { edges { node { role } } } }`, {
                id: spaceId,
              });
            case 'manageInvitations':
              return this.gql(
                `query($id: ID!) { space(id: $id) { invitations(first: 1) { edges { node { id } } } } }`,
                {
                  id: spaceId,
                },
              );
            case 'invite':
              return this.gql(
                `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { invitation { id } } }`,
                { input: { spaceId, email: uniqueEmail('client.test') } },
              );
            case 'update':
              return this.gql(`mutation($input: UpdateSpaceInput!) { updateSpace(input: $input) { space { id } } }`, {
                input: { spaceId, description: `Updated by ${this.role}` },
              });
            case 'setMemberRole':
              return this.gql(`mutation($input: SetSpaceRoleInput!) { setSpaceRole(input: $input) { role } }`, {
                input: { spaceId, userId: await this.freshMemberOf(spaceId, isPrivate), role: 'MODERATOR' },
              });
            case 'removeMember':
              return this.gql(
                `mutation($input: RemoveSpaceMemberInput!) { removeSpaceMember(input: $input) { space { id } } }`,
                { input: { spaceId, userId: await this.freshMemberOf(spaceId, isPrivate) } },
              );
            case 'renewConsent':
              return this.gql(
                `mutation($input: RenewConsentInput!) { renewConsent(input: $input) { consentRecord { id } } }`,
                { input: { spaceId, consent: { accepted: true, policyVersion: 1 } } },
              );
            case 'post':
            case 'postAnnouncement':
              return this.gql(CREATE_POST, {
                input: {
                  spaceId,
                  kind: flag === 'post' ? 'DISCUSSION' : 'ANNOUNCEMENT',
                  title: `By ${this.role}`,
                  body: 'Hello',
                },
              });
            case 'createCampaign':
              return this.gql(
                `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
                { input: { spaceId, title: 'Greener', question: 'How?', deadline: '2099-01-01T00:00:00Z' } },
              );
            case 'moderate':
              return this.gql(`query($id: ID!) { moderationQueue(spaceId: $id, first: 1) { edges { node { id } } } }`, {
                id: spaceId,
              });
            case 'readAnalytics':
              return this.gql(ENGAGEMENT, {
                input: { organizationId: this.world.org.id, spaceId, from: '2026-01-01', to: '2026-01-07' },
              });
            case 'logEffort':
              return this.gql(`mutation($input: LogEffortInput!) { logEffort(input: $input) { effortLog { id } } }`, {
                input: { spaceId, periodStart: '2026-01-01', periodEnd: '2026-01-07', hours: 2 },
              });
          }
        });
        if (flag === 'post' && !res.errors) ownPost = res.data!.createPost.post.id;
      }
      return ownPost;
    }

    /** joinSpace, leaveSpace and withdrawConsent, in `order`: each flag is read again just before its call. */
    async membership(name: string, spaceId: string, order: readonly (typeof MEMBERSHIP_FLAGS)[number][]) {
      for (const flag of order) {
        const flags = await read(READ_SPACE, spaceId, this.token, (d) => d.space.viewerCan);
        await this.check('Space', name, flag, flags, () => {
          switch (flag) {
            case 'join':
              return this.gql(JOIN, { id: spaceId });
            case 'leave':
              return this.gql(`mutation($id: ID!) { leaveSpace(spaceId: $id) { spaceId } }`, { id: spaceId });
            case 'withdrawConsent':
              return this.gql(`mutation($id: ID!) { withdrawConsent(spaceId: $id) { consentRecord { id } } }`, {
                id: spaceId,
              });
          }
        });
      }
    }

    /** A post's flags; `fresh` gives the post for each flag (a new one, or always the same). */
    async post(name: string, fresh: () => Promise<string>): Promise<[string, string] | null> {
      let ownComment: [string, string] | null = null;
      for (const flag of POST_FLAGS) {
        const postId = await fresh();
        const flags = await read(READ_POST, postId, this.token, (d) => d.post.viewerCan);
        const res = await this.check('Post', name, flag, flags, () => {
          switch (flag) {
            case 'report':
              return this.gql(REPORT, { input: { postId, reason: 'SPAM' } });
            case 'react':
              return this.gql(`mutation($input: ReactInput!) { react(input: $input) { post { id } } }`, {
                input: { postId, kind: 'CELEBRATE' },
              });
            case 'comment':
              return this.gql(ADD_COMMENT, { input: { postId, body: `From ${this.role}` } });
            case 'update':
              return this.gql(`mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } } }`, {
                input: { postId, body: 'Edited' },
              });
            case 'pin':
              return this.gql(`mutation($input: PinPostInput!) { pinPost(input: $input) { post { id } } }`, {
                input: { postId },
              });
            case 'delete':
              return this.gql(DELETE_POST, { id: postId });
          }
        });
        if (flag === 'comment' && !res.errors) ownComment = [postId, res.data!.addComment.comment.id];
      }
      return ownComment;
    }

    /** A comment's flags; `fresh` gives [post id, comment id] for each flag. */
    async comment(name: string, fresh: () => Promise<[string, string]>) {
      for (const flag of COMMENT_FLAGS) {
        const [postId, commentId] = await fresh();
        const flags = await read(READ_COMMENT, commentId, this.token, (d) => d.node.viewerCan);
        await this.check('Comment', name, flag, flags, () => {
          switch (flag) {
            case 'report':
              return this.gql(REPORT, { input: { commentId, reason: 'SPAM' } });
            case 'reply':
              return this.gql(ADD_COMMENT, { input: { postId, parentId: commentId, body: 'An answer' } });
            case 'update':
              return this.gql(`mutation($input: UpdateCommentInput!) { updateComment(input: $input) { id } }`, {
                input: { commentId, body: 'Edited' },
              });
            case 'delete':
              return this.gql(`mutation($id: ID!) { deleteComment(commentId: $id) { id } }`, { id: commentId });
          }
        });
      }
    }

    /** An idea's flags; `fresh` gives the idea for each flag. */
    async idea(name: string, fresh: () => Promise<string>) {
      for (const flag of IDEA_FLAGS) {
        const ideaId = await fresh();
        const abilities = await read(READ_POST, ideaId, this.token, (d) => d.post.idea.viewerCan);
        await this.check('Idea', name, flag, abilities, async () => {
          switch (flag) {
            case 'vote':
              return this.gql(`mutation($id: ID!) { voteIdea(ideaId: $id) { post { id } } }`, { id: ideaId });
            case 'unvote':
              return this.gql(`mutation($id: ID!) { unvoteIdea(ideaId: $id) { post { id } } }`, { id: ideaId });
            case 'changeStatus': {
              const to = (abilities?.changeStatusTo as unknown as string[] | undefined)?.[0] ?? 'UNDER_REVIEW';
              return this.gql(CHANGE_STATUS, { input: { ideaId, status: to, note: 'Looked at it' } });
            }
            case 'merge':
              return this.gql(MERGE, {
                input: { sourceId: ideaId, targetId: await this.ownersPost(this.world.spaces.hybridA, 'IDEA') },
              });
          }
        });
      }
    }

    /** An idea of the owner's in space A, moved on by the owner (who moderates A). */
    async ownersIdeaIn(state: 'NEW' | 'IMPLEMENTED' | 'MERGED'): Promise<string> {
      const id = await this.ownersPost(this.world.spaces.hybridA, 'IDEA');
      const token = this.owner.accessToken;
      if (state === 'IMPLEMENTED') {
        await must(CHANGE_STATUS, { input: { ideaId: id, status: 'IMPLEMENTED', note: 'Done' } }, token);
      }
      if (state === 'MERGED') {
        const target = await this.ownersPost(this.world.spaces.hybridA, 'IDEA');
        await must(MERGE, { input: { sourceId: id, targetId: target } }, token);
      }
      return id;
    }

    /** Lists answer the same flags as single reads (they are batched per request, never recomputed otherwise). */
    async listsAgree() {
      const spaces = await this.gql(READ_SPACES);
      for (const edge of spaces.data!.spaces.edges as { node: { id: string; viewerCan: Flags } }[]) {
        const single = await this.gql(READ_SPACE, { id: edge.node.id });
        expect({ space: edge.node.id, flags: edge.node.viewerCan }).toEqual({
          space: edge.node.id,
          flags: single.data!.space.viewerCan,
        });
      }
      const feed = await this.gql(READ_FEED, { spaceId: this.world.spaces.hybridA });
      for (const edge of feed.data?.feed.edges ?? []) {
        const single = await this.gql(READ_POST, { id: edge.node.id });
        expect(edge.node.viewerCan).toEqual(single.data!.post.viewerCan);
      }
    }

    /** Every check whose flag and answer disagree. */
    disagreements() {
      return this.verdicts.filter((v) => v.can !== (v.outcome === 'ALLOW'));
    }
  }

  /** The whole walk for one role: organization, spaces, posts, comments, ideas, then memberships. */
  async function walk(role: Exclude<Role, 'anonymous'>): Promise<Walk> {
    const world = await buildPolicyWorld(t);
    const w = new Walk(world, role);
    const { spaces } = world;
    const ownSpace = await w.organization();

    const ownPost = await w.space('hybridA', spaces.hybridA, false);
    await w.space('hybridB', spaces.hybridB, false);
    await w.space('internal', spaces.internal, false);
    await w.space('privateInternal', spaces.privateInternal, true);
    if (ownSpace) await w.space('own space', ownSpace, false);

    await w.listsAgree();

    const ownComment = await w.post("owner's post in A", () => w.ownersPost(spaces.hybridA));
    await w.post("owner's post in the internal space", () => w.ownersPost(spaces.internal));
    const deleted = await w.ownersPost(spaces.hybridA);
    await must(DELETE_POST, { id: deleted }, world.owner.accessToken);
    await w.post("owner's deleted post", async () => deleted);
    if (ownPost) await w.post('own post', async () => ownPost);

    await w.comment("owner's comment", async () => {
      const postId = await w.ownersPost(spaces.hybridA);
      return [postId, await w.ownersComment(postId)];
    });
    const onDeleted = await w.ownersPost(spaces.hybridA);
    const commentOnDeleted = await w.ownersComment(onDeleted);
    await must(DELETE_POST, { id: onDeleted }, world.owner.accessToken);
    await w.comment("owner's comment on a deleted post", async () => [onDeleted, commentOnDeleted]);
    if (ownComment) await w.comment('own comment', async () => ownComment);

    await w.idea("owner's new idea", () => w.ownersIdeaIn('NEW'));
    const implemented = await w.ownersIdeaIn('IMPLEMENTED');
    await w.idea("owner's implemented idea", async () => implemented);
    const merged = await w.ownersIdeaIn('MERGED');
    await w.idea("owner's merged idea", async () => merged);

    // Membership last. A customer leaving A withdraws; a customer of B withdraws first, then leaves.
    await w.membership('hybridA', spaces.hybridA, ['join', 'leave', 'withdrawConsent']);
    await w.membership('hybridB', spaces.hybridB, ['join', 'withdrawConsent', 'leave']);
    await w.membership('internal', spaces.internal, ['join', 'leave', 'withdrawConsent']);
    await w.membership('privateInternal', spaces.privateInternal, ['leave', 'join', 'withdrawConsent']);
    if (ownSpace) await w.membership('own space', ownSpace, ['join', 'leave', 'withdrawConsent']);
    return w;
  }

  const roles = ROLES.filter((r): r is Exclude<Role, 'anonymous'> => r !== 'anonymous');

  it.each(roles)(
    '%s: every flag is true exactly when its operation succeeds',
    async (role) => {
      const w = await walk(role);
      expect(w.verdicts.length).toBeGreaterThan(100);
      expect(w.disagreements()).toEqual([]);
    },
    180_000,
  );

  it('a suspended customer sees participation closed, and the API agrees', async () => {
    const world = await buildPolicyWorld(t);
    const customer: Person = world.people.customerOfA;
    const w = new Walk(world, 'customerOfA');
    const own = await must(
      CREATE_POST,
      { input: { spaceId: world.spaces.hybridA, title: 'Buy now', body: 'Spam' } },
      customer.accessToken,
    );
    const report = await must(
      REPORT,
      { input: { postId: own.createPost.post.id, reason: 'SPAM' } },
      world.people.employee.accessToken,
    );
    await must(
      `mutation($input: ResolveReportInput!) { resolveReport(input: $input) { suspendedUntil } }`,
      { input: { reportId: report.reportContent.report.id, action: 'SUSPEND', suspendDays: 3 } },
      world.owner.accessToken,
    );
    await w.space('hybridA', world.spaces.hybridA, false);
    await w.post("owner's post in A", () => w.ownersPost(world.spaces.hybridA));
    await w.idea("owner's new idea", () => w.ownersIdeaIn('NEW'));
    expect(w.disagreements()).toEqual([]);
    const flag = (check: string) => w.verdicts.find((v) => v.check === check);
    expect(flag('Space(hybridA).post')).toEqual({ check: 'Space(hybridA).post', can: false, outcome: 'FORBIDDEN' });
    expect(flag("Post(owner's post in A).react")?.can).toBe(false);
    expect(flag("Post(owner's post in A).report")?.can).toBe(true);
    expect(flag("Idea(owner's new idea).vote")?.can).toBe(false);
  }, 120_000);

  it('saw every flag both true and false (no flag is vacuous)', () => {
    const flags = [
      ...ORG_FLAGS.map((f) => `Organization.${f}`),
      ...[...SPACE_FLAGS, ...MEMBERSHIP_FLAGS].map((f) => `Space.${f}`),
      ...POST_FLAGS.map((f) => `Post.${f}`),
      ...COMMENT_FLAGS.map((f) => `Comment.${f}`),
      ...IDEA_FLAGS.map((f) => `Idea.${f}`),
    ];
    expect(flags.filter((f) => seen.get(f)?.size !== 2)).toEqual([]);
  });
});
