import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';
import { signUp, uniqueEmail } from './identity';
import { invite, MEMBERS, PREVIEW, SPACE, SPACES } from './spaces';
import { JOIN, SET_SPACE_ROLE, type PolicyWorld, type Role } from './policy-world';

/** ALLOW, or the `extensions.code` the role must get. */
export type Outcome =
  | 'ALLOW'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONSENT_REQUIRED'
  | 'CONFLICT'
  | 'BAD_USER_INPUT';

export interface MatrixRow {
  /** The GraphQL operation (Query or Mutation field) this row covers. */
  operation: string;
  /** What the row targets, when an operation has several rows. */
  target?: string;
  query: string;
  /** Builds the variables for one role; may create what that one call needs (a fresh member to remove…). */
  variables: (ctx: { t: TestApp; world: PolicyWorld; role: Role }) => Promise<Record<string, unknown>>;
  /** Changes state: runs on a fresh world so earlier calls cannot affect later ones. */
  mutates: boolean;
  expect: Record<Role, Outcome>;
}

const fixed =
  (vars: (world: PolicyWorld) => Record<string, unknown>): MatrixRow['variables'] =>
  async ({ world }) =>
    vars(world);

/** Everyone but anonymous gets `signedIn`. */
const signedInAll = (signedIn: Outcome): Record<Role, Outcome> => ({
  anonymous: 'UNAUTHENTICATED',
  invitedNotConsented: signedIn,
  customerOfA: signedIn,
  customerOfB: signedIn,
  employee: signedIn,
  spaceModerator: signedIn,
  manager: signedIn,
  admin: signedIn,
});

/** Org-level operations: outsiders (the invitee is not a member yet) cannot tell the organization exists. */
const orgLevel = (o: {
  customers: Outcome;
  employee: Outcome;
  manager: Outcome;
  admin: Outcome;
}): Record<Role, Outcome> => ({
  anonymous: 'UNAUTHENTICATED',
  invitedNotConsented: 'NOT_FOUND',
  customerOfA: o.customers,
  customerOfB: o.customers,
  employee: o.employee,
  spaceModerator: o.employee,
  manager: o.manager,
  admin: o.admin,
});

/** Operations on hybrid space A. The invitee knows A from the invitation: they are asked to consent. */
const onSpaceA = (
  o: Omit<Record<Role, Outcome>, 'anonymous' | 'invitedNotConsented' | 'customerOfB'>,
): Record<Role, Outcome> => ({
  anonymous: 'UNAUTHENTICATED',
  invitedNotConsented: 'CONSENT_REQUIRED',
  customerOfB: 'NOT_FOUND',
  ...o,
});

const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;

/** A post by the organization's owner in space A (or the internal space), for calls on someone else's post. */
async function ownersPost(t: TestApp, world: PolicyWorld, space: 'hybridA' | 'internal' = 'hybridA'): Promise<string> {
  const res = await t.gql(
    CREATE_POST,
    { input: { spaceId: world.spaces[space], title: 'A post', body: 'Some **text**' } },
    world.owner.accessToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.createPost.post.id;
}

async function ownersIdea(t: TestApp, world: PolicyWorld): Promise<string> {
  const res = await t.gql(
    CREATE_POST,
    { input: { spaceId: world.spaces.hybridA, kind: 'IDEA', title: 'An idea', body: 'Let us do it' } },
    world.owner.accessToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.createPost.post.id;
}

async function ownersComment(t: TestApp, world: PolicyWorld): Promise<string> {
  const res = await t.gql(
    ADD_COMMENT,
    { input: { postId: await ownersPost(t, world), body: 'A comment' } },
    world.owner.accessToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.addComment.comment.id;
}

async function ownersCampaign(t: TestApp, world: PolicyWorld, space: 'hybridA' | 'internal'): Promise<string> {
  const res = await t.gql(
    `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
    {
      input: { spaceId: world.spaces[space], title: 'A campaign', question: 'How?', deadline: '2099-01-01T00:00:00Z' },
    },
    world.owner.accessToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.createCampaign.campaign.id;
}

/** An objective of the owner's with one business KPI, for calls that change or feed it. */
async function ownersObjective(t: TestApp, world: PolicyWorld): Promise<{ objectiveId: string; kpiId: string }> {
  const res = await t.gql(
    `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { objective { id kpis { id } } } }`,
    {
      input: {
        organizationId: world.org.id,
        title: 'New customers',
        kind: 'SALES',
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        kpis: [{ name: 'New customers', source: 'BUSINESS', direction: 'INCREASE', target: 20, period: 'MONTH' }],
      },
    },
    world.owner.accessToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const objective = res.data!.createObjective.objective;
  return { objectiveId: objective.id, kpiId: objective.kpis[0].id };
}

const REPORT = `mutation($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }`;

/** An open report by the customer of A on a fresh post of the owner's, for calls that resolve one. */
async function customersReport(t: TestApp, world: PolicyWorld): Promise<string> {
  const res = await t.gql(
    REPORT,
    { input: { postId: await ownersPost(t, world), reason: 'SPAM' } },
    world.people.customerOfA.accessToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.reportContent.report.id;
}

/** Content of space A: the invitee and customers of B cannot tell it exists. */
const contentOfA = (
  o: Omit<Record<Role, Outcome>, 'anonymous' | 'invitedNotConsented' | 'customerOfB'>,
): Record<Role, Outcome> => ({
  anonymous: 'UNAUTHENTICATED',
  invitedNotConsented: 'NOT_FOUND',
  customerOfB: 'NOT_FOUND',
  ...o,
});
const PARTICIPANTS = {
  customerOfA: 'ALLOW',
  employee: 'ALLOW',
  spaceModerator: 'ALLOW',
  manager: 'ALLOW',
  admin: 'ALLOW',
} as const;
const MODERATORS_ONLY = {
  customerOfA: 'FORBIDDEN',
  employee: 'FORBIDDEN',
  spaceModerator: 'ALLOW',
  manager: 'FORBIDDEN',
  admin: 'ALLOW',
} as const;
const ORG = `query($id: ID!) { organization(id: $id) { id viewerRole } }`;

/** A fresh employee who joined space A, for calls that remove or promote someone. */
async function freshMemberOfA(t: TestApp, world: PolicyWorld): Promise<string> {
  const person = await signUp(t, { email: uniqueEmail(world.org.domain), verify: true });
  const res = await t.gql(JOIN, { id: world.spaces.hybridA }, person.accessToken);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return person.id;
}

export const POLICY_MATRIX: MatrixRow[] = [
  // --- identity ---
  {
    operation: 'me',
    query: `query { me { id } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'signUp',
    query: `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
    variables: fixed(() => ({
      input: { email: uniqueEmail(), password: 'a long enough password', displayName: 'New' },
    })),
    mutates: true,
    expect: { ...signedInAll('ALLOW'), anonymous: 'ALLOW' },
  },
  {
    operation: 'signIn',
    query: `mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }`,
    variables: async ({ world, role }) => {
      const person = role === 'anonymous' ? world.owner : world.people[role];
      return { input: { email: person.email, password: person.password } };
    },
    mutates: true,
    expect: { ...signedInAll('ALLOW'), anonymous: 'ALLOW' },
  },
  {
    operation: 'refreshSession',
    query: `mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { user { id } } }`,
    variables: async ({ t }) => ({ input: { refreshToken: (await signUp(t)).refreshToken } }),
    mutates: true,
    expect: { ...signedInAll('ALLOW'), anonymous: 'ALLOW' },
  },
  {
    operation: 'signOut',
    query: `mutation { signOut { ok } }`,
    variables: fixed(() => ({})),
    mutates: true,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'verifyEmail',
    query: `mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { id } } }`,
    variables: async ({ t }) => {
      const person = await signUp(t);
      const link = await t.mailbox.linkTo(person.email, '/verify-email');
      return { input: { token: link.searchParams.get('token') } };
    },
    mutates: true,
    expect: { ...signedInAll('ALLOW'), anonymous: 'ALLOW' },
  },
  {
    operation: 'requestEmailVerification',
    query: `mutation { requestEmailVerification { ok } }`,
    variables: fixed(() => ({})),
    mutates: true,
    // Everyone but the invitee has a verified address (customers: the invitation link verified it).
    expect: { ...signedInAll('CONFLICT'), invitedNotConsented: 'ALLOW' },
  },
  {
    operation: 'createOrganization',
    query: `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }`,
    variables: fixed(() => ({ input: { name: 'Another company' } })),
    mutates: true,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'organization',
    query: ORG,
    variables: fixed((w) => ({ id: w.org.id })),
    mutates: false,
    expect: orgLevel({ customers: 'ALLOW', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'addOrganizationMember',
    query: `mutation($input: AddOrganizationMemberInput!) { addOrganizationMember(input: $input) { member { role } } }`,
    variables: async ({ t, world }) => ({ input: { organizationId: world.org.id, email: (await signUp(t)).email } }),
    mutates: true,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'FORBIDDEN', admin: 'ALLOW' }),
  },
  {
    operation: 'setOrganizationRole',
    query: `mutation($input: SetOrganizationRoleInput!) { setOrganizationRole(input: $input) { member { role } } }`,
    variables: async ({ t, world }) => {
      const person = await signUp(t, { email: uniqueEmail(world.org.domain), verify: true });
      return { input: { organizationId: world.org.id, userId: person.id, role: 'MANAGER' } };
    },
    mutates: true,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'FORBIDDEN', admin: 'ALLOW' }),
  },
  {
    operation: 'auditLog',
    query: `query($id: ID!) { auditLog(organizationId: $id, first: 5) { edges { node { action } } } }`,
    variables: fixed((w) => ({ id: w.org.id })),
    mutates: false,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'FORBIDDEN', admin: 'ALLOW' }),
  },
  // --- analytics ---
  {
    operation: 'engagementReport',
    target: 'organization',
    query: `query($input: EngagementReportInput!) { engagementReport(input: $input) { totals { activePeople } } }`,
    variables: fixed((w) => ({ input: { organizationId: w.org.id, from: '2026-01-01', to: '2026-01-31' } })),
    mutates: false,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'engagementReport',
    target: 'space A',
    query: `query($input: EngagementReportInput!) { engagementReport(input: $input) { totals { activePeople } } }`,
    variables: fixed((w) => ({
      input: { organizationId: w.org.id, spaceId: w.spaces.hybridA, from: '2026-01-01', to: '2026-01-31' },
    })),
    mutates: false,
    // Space staff read their own space; the invitee is no member of the organization yet.
    expect: contentOfA({
      customerOfA: 'FORBIDDEN',
      employee: 'FORBIDDEN',
      spaceModerator: 'ALLOW',
      manager: 'ALLOW',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'engagementReport',
    target: 'internal space',
    query: `query($input: EngagementReportInput!) { engagementReport(input: $input) { totals { activePeople } } }`,
    variables: fixed((w) => ({
      input: { organizationId: w.org.id, spaceId: w.spaces.internal, from: '2026-01-01', to: '2026-01-31' },
    })),
    mutates: false,
    expect: {
      ...orgLevel({ customers: 'NOT_FOUND', employee: 'FORBIDDEN', manager: 'ALLOW', admin: 'ALLOW' }),
    },
  },
  {
    operation: 'objectives',
    query: `query($id: ID!) { objectives(organizationId: $id, first: 5) { edges { node { id kpis { progress { status } } } } } }`,
    variables: fixed((w) => ({ id: w.org.id })),
    mutates: false,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'createObjective',
    query: `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { objective { id } } }`,
    variables: fixed((w) => ({
      input: {
        organizationId: w.org.id,
        title: 'Fewer returns',
        kind: 'CUSTOMER_CARE',
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
      },
    })),
    mutates: true,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'updateObjective',
    query: `mutation($input: UpdateObjectiveInput!) { updateObjective(input: $input) { objective { id } } }`,
    variables: async ({ t, world }) => ({
      input: { id: (await ownersObjective(t, world)).objectiveId, title: 'Renamed' },
    }),
    mutates: true,
    // Objectives are invisible outside the analysts: like a missing one.
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'NOT_FOUND', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'recordKpiValue',
    query: `mutation($input: RecordKpiValueInput!) { recordKpiValue(input: $input) { kpi { id } } }`,
    variables: async ({ t, world }) => ({
      input: { kpiId: (await ownersObjective(t, world)).kpiId, periodStart: '2026-03-01', value: 42 },
    }),
    mutates: true,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'NOT_FOUND', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'logEffort',
    query: `mutation($input: LogEffortInput!) { logEffort(input: $input) { effortLog { id } } }`,
    variables: fixed((w) => ({
      input: { spaceId: w.spaces.hybridA, periodStart: '2026-03-01', periodEnd: '2026-03-31', hours: 10, cost: 500 },
    })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'FORBIDDEN',
      employee: 'FORBIDDEN',
      spaceModerator: 'ALLOW',
      manager: 'ALLOW',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'effortLogs',
    query: `query($id: ID!) { effortLogs(organizationId: $id, first: 5) { edges { node { hours } } } }`,
    variables: fixed((w) => ({ id: w.org.id })),
    mutates: false,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'recordViews',
    query: `mutation($input: RecordViewsInput!) { recordViews(input: $input) { recorded } }`,
    variables: async ({ t, world }) => ({ input: { postIds: [await ownersPost(t, world)] } }),
    mutates: true,
    // Anyone signed in reports what they saw; a post they may not read is simply not counted.
    expect: signedInAll('ALLOW'),
  },
  // --- customer accounts ---
  {
    operation: 'customerAccounts',
    query: `query($id: ID!) { customerAccounts(organizationId: $id, first: 5) { edges { node { id } } } }`,
    variables: fixed((w) => ({ id: w.org.id })),
    mutates: false,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'createCustomerAccount',
    query: `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id } } }`,
    variables: fixed((w) => ({ input: { organizationId: w.org.id, name: `Client ${randomUUID().slice(0, 6)}` } })),
    mutates: true,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  // --- spaces ---
  {
    operation: 'createSpace',
    target: 'internal',
    query: `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { space { id } } }`,
    variables: fixed((w) => ({
      input: { organizationId: w.org.id, name: 'New', kind: 'INTERNAL', visibility: 'OPEN' },
    })),
    mutates: true,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'createSpace',
    target: 'hybrid',
    query: `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { space { id } } }`,
    variables: fixed((w) => ({ input: { organizationId: w.org.id, name: 'New', kind: 'HYBRID', visibility: 'OPEN' } })),
    mutates: true,
    expect: orgLevel({ customers: 'FORBIDDEN', employee: 'FORBIDDEN', manager: 'FORBIDDEN', admin: 'ALLOW' }),
  },
  {
    operation: 'updateSpace',
    query: `mutation($input: UpdateSpaceInput!) { updateSpace(input: $input) { space { id } } }`,
    variables: fixed((w) => ({ input: { spaceId: w.spaces.hybridA, description: 'Updated' } })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'FORBIDDEN',
      employee: 'FORBIDDEN',
      spaceModerator: 'FORBIDDEN',
      manager: 'FORBIDDEN',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'spaces',
    query: SPACES,
    variables: fixed(() => ({ first: 10 })),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'space',
    target: 'hybrid space A',
    query: SPACE,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: false,
    expect: onSpaceA({
      customerOfA: 'ALLOW',
      employee: 'ALLOW',
      spaceModerator: 'ALLOW',
      manager: 'ALLOW',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'space',
    target: 'internal open space',
    query: SPACE,
    variables: fixed((w) => ({ id: w.spaces.internal })),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'space',
    target: 'private internal space',
    query: SPACE,
    variables: fixed((w) => ({ id: w.spaces.privateInternal })),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'NOT_FOUND', manager: 'NOT_FOUND', admin: 'ALLOW' }),
  },
  {
    operation: 'node',
    target: 'hybrid space A',
    query: NODE,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: false,
    expect: onSpaceA({
      customerOfA: 'ALLOW',
      employee: 'ALLOW',
      spaceModerator: 'ALLOW',
      manager: 'ALLOW',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'node',
    target: 'internal space',
    query: NODE,
    variables: fixed((w) => ({ id: w.spaces.internal })),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'node',
    target: 'an employee in no hybrid space',
    query: NODE,
    variables: fixed((w) => ({ id: w.people.manager.id })),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'node',
    target: 'the moderator of A',
    query: NODE,
    variables: fixed((w) => ({ id: w.people.spaceModerator.id })),
    mutates: false,
    expect: {
      ...orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
      customerOfA: 'ALLOW',
    },
  },
  {
    operation: 'node',
    target: 'the organization',
    query: NODE,
    variables: fixed((w) => ({ id: w.org.id })),
    mutates: false,
    expect: orgLevel({ customers: 'ALLOW', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'node',
    target: 'a post in hybrid space A',
    query: NODE,
    variables: async ({ t, world }) => ({ id: await ownersPost(t, world) }),
    mutates: false,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'node',
    target: 'a post in the internal space',
    query: NODE,
    variables: async ({ t, world }) => ({ id: await ownersPost(t, world, 'internal') }),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'node',
    target: 'a comment in hybrid space A',
    query: NODE,
    variables: async ({ t, world }) => ({ id: await ownersComment(t, world) }),
    mutates: false,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'node',
    target: 'a campaign in the internal space',
    query: NODE,
    variables: async ({ t, world }) => ({ id: await ownersCampaign(t, world, 'internal') }),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'joinSpace',
    query: JOIN,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'FORBIDDEN',
      employee: 'ALLOW',
      spaceModerator: 'CONFLICT',
      manager: 'ALLOW',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'leaveSpace',
    query: `mutation($id: ID!) { leaveSpace(spaceId: $id) { spaceId } }`,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'ALLOW',
      employee: 'FORBIDDEN',
      spaceModerator: 'ALLOW',
      manager: 'FORBIDDEN',
      admin: 'FORBIDDEN',
    }),
  },
  {
    operation: 'spaceMembers',
    query: MEMBERS,
    variables: fixed((w) => ({ spaceId: w.spaces.hybridA, first: 10 })),
    mutates: false,
    expect: onSpaceA({
      customerOfA: 'ALLOW',
      employee: 'ALLOW',
      spaceModerator: 'ALLOW',
      manager: 'ALLOW',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'removeSpaceMember',
    query: `mutation($input: RemoveSpaceMemberInput!) { removeSpaceMember(input: $input) { space { id } } }`,
    variables: async ({ t, world }) => ({
      input: { spaceId: world.spaces.hybridA, userId: await freshMemberOfA(t, world) },
    }),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'FORBIDDEN',
      employee: 'FORBIDDEN',
      spaceModerator: 'ALLOW',
      manager: 'FORBIDDEN',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'setSpaceRole',
    query: SET_SPACE_ROLE,
    variables: async ({ t, world }) => ({
      input: { spaceId: world.spaces.hybridA, userId: await freshMemberOfA(t, world), role: 'MODERATOR' },
    }),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'FORBIDDEN',
      employee: 'FORBIDDEN',
      spaceModerator: 'FORBIDDEN',
      manager: 'FORBIDDEN',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'inviteToSpace',
    query: `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { invitation { id } } }`,
    variables: fixed((w) => ({ input: { spaceId: w.spaces.hybridA, email: uniqueEmail('client.test') } })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'FORBIDDEN',
      employee: 'FORBIDDEN',
      spaceModerator: 'ALLOW',
      manager: 'FORBIDDEN',
      admin: 'ALLOW',
    }),
  },
  {
    operation: 'revokeInvitation',
    query: `mutation($input: RevokeInvitationInput!) { revokeInvitation(input: $input) { invitation { status } } }`,
    variables: async ({ t, world }) => {
      const { invitation } = await invite(t, world.owner, world.spaces.hybridA, uniqueEmail('client.test'));
      return { input: { invitationId: invitation.id } };
    },
    mutates: true,
    // Customers and the invitee cannot even see someone else's invitation.
    expect: {
      ...onSpaceA({
        customerOfA: 'NOT_FOUND',
        employee: 'FORBIDDEN',
        spaceModerator: 'ALLOW',
        manager: 'FORBIDDEN',
        admin: 'ALLOW',
      }),
      invitedNotConsented: 'NOT_FOUND',
    },
  },
  {
    operation: 'invitation',
    query: PREVIEW,
    variables: async ({ t, world }) => ({
      token: (await invite(t, world.owner, world.spaces.hybridB, uniqueEmail('client.test'))).token,
    }),
    mutates: false,
    expect: { ...signedInAll('ALLOW'), anonymous: 'ALLOW' },
  },
  {
    operation: 'acceptInvitation',
    target: "an invitation to the caller's own e-mail",
    query: `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { space { id } } }`,
    variables: async ({ t, world, role }) => {
      const email = role === 'anonymous' ? uniqueEmail('client.test') : world.people[role].email;
      const fresh = await t.gql(
        `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { space { id consentPolicy { version } } } }`,
        { input: { organizationId: world.org.id, name: 'Fresh', kind: 'HYBRID', visibility: 'PRIVATE' } },
        world.owner.accessToken,
      );
      const { token } = await invite(t, world.owner, fresh.data!.createSpace.space.id, email);
      return { input: { token, consent: { accepted: true, policyVersion: 1 } } };
    },
    mutates: true,
    expect: { ...signedInAll('ALLOW'), anonymous: 'UNAUTHENTICATED' },
  },
  {
    operation: 'acceptInvitation',
    target: 'an invitation to someone else',
    query: `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { space { id } } }`,
    variables: async ({ t, world }) => ({
      input: {
        token: (await invite(t, world.owner, world.spaces.hybridB, uniqueEmail('client.test'))).token,
        consent: { accepted: true, policyVersion: 1 },
      },
    }),
    mutates: true,
    expect: signedInAll('FORBIDDEN'),
  },
  {
    operation: 'withdrawConsent',
    query: `mutation($id: ID!) { withdrawConsent(spaceId: $id) { consentRecord { id } } }`,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'ALLOW',
      employee: 'FORBIDDEN',
      spaceModerator: 'FORBIDDEN',
      manager: 'FORBIDDEN',
      admin: 'FORBIDDEN',
    }),
  },
  {
    operation: 'renewConsent',
    query: `mutation($input: RenewConsentInput!) { renewConsent(input: $input) { consentRecord { id } } }`,
    variables: fixed((w) => ({ input: { spaceId: w.spaces.hybridA, consent: { accepted: true, policyVersion: 1 } } })),
    mutates: true,
    expect: onSpaceA({
      customerOfA: 'ALLOW',
      employee: 'FORBIDDEN',
      spaceModerator: 'FORBIDDEN',
      manager: 'FORBIDDEN',
      admin: 'FORBIDDEN',
    }),
  },
  // --- content ---
  {
    operation: 'createPost',
    query: CREATE_POST,
    variables: fixed((w) => ({ input: { spaceId: w.spaces.hybridA, title: 'Hello', body: 'First post' } })),
    mutates: true,
    expect: onSpaceA(PARTICIPANTS),
  },
  {
    operation: 'createPost',
    target: 'an announcement',
    query: CREATE_POST,
    variables: fixed((w) => ({
      input: { spaceId: w.spaces.hybridA, kind: 'ANNOUNCEMENT', title: 'News', body: 'Big news' },
    })),
    mutates: true,
    expect: onSpaceA(MODERATORS_ONLY),
  },
  {
    operation: 'post',
    target: 'a post in hybrid space A',
    query: `query($id: ID!) { post(id: $id) { id } }`,
    variables: async ({ t, world }) => ({ id: await ownersPost(t, world) }),
    mutates: false,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'post',
    target: 'a post in the internal space',
    query: `query($id: ID!) { post(id: $id) { id } }`,
    variables: async ({ t, world }) => ({ id: await ownersPost(t, world, 'internal') }),
    mutates: false,
    expect: orgLevel({ customers: 'NOT_FOUND', employee: 'ALLOW', manager: 'ALLOW', admin: 'ALLOW' }),
  },
  {
    operation: 'feed',
    query: `query { feed(first: 10) { edges { node { id } } } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'search',
    query: `query { search(query: "post", first: 10) { edges { node { rank headline post { id } comment { id } } } } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'mentionCandidates',
    target: 'hybrid space A',
    query: `query($id: ID!) { mentionCandidates(spaceId: $id, query: "", first: 10) { user { id } badge { label } } }`,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: false,
    expect: onSpaceA(PARTICIPANTS),
  },
  {
    operation: 'updatePost',
    target: "someone else's post",
    query: `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } } }`,
    variables: async ({ t, world }) => ({ input: { postId: await ownersPost(t, world), body: 'Edited' } }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  {
    operation: 'deletePost',
    target: "someone else's post",
    query: `mutation($id: ID!) { deletePost(postId: $id) { post { id } } }`,
    variables: async ({ t, world }) => ({ id: await ownersPost(t, world) }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  {
    operation: 'pinPost',
    query: `mutation($input: PinPostInput!) { pinPost(input: $input) { post { id } } }`,
    variables: async ({ t, world }) => ({ input: { postId: await ownersPost(t, world) } }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  {
    operation: 'react',
    query: `mutation($input: ReactInput!) { react(input: $input) { post { id } } }`,
    variables: async ({ t, world }) => ({ input: { postId: await ownersPost(t, world), kind: 'CELEBRATE' } }),
    mutates: true,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'unreact',
    query: `mutation($id: ID!) { unreact(postId: $id) { post { id } } }`,
    variables: async ({ t, world }) => ({ id: await ownersPost(t, world) }),
    mutates: true,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'addComment',
    query: ADD_COMMENT,
    variables: async ({ t, world }) => ({ input: { postId: await ownersPost(t, world), body: 'Nice' } }),
    mutates: true,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'updateComment',
    target: "someone else's comment",
    query: `mutation($input: UpdateCommentInput!) { updateComment(input: $input) { id } }`,
    variables: async ({ t, world }) => ({ input: { commentId: await ownersComment(t, world), body: 'Edited' } }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  {
    operation: 'deleteComment',
    target: "someone else's comment",
    query: `mutation($id: ID!) { deleteComment(commentId: $id) { id } }`,
    variables: async ({ t, world }) => ({ id: await ownersComment(t, world) }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  // --- ideas ---
  {
    operation: 'createCampaign',
    query: `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
    variables: fixed((w) => ({
      input: {
        spaceId: w.spaces.hybridA,
        title: 'Greener packaging',
        question: 'How?',
        deadline: '2099-01-01T00:00:00Z',
      },
    })),
    mutates: true,
    expect: onSpaceA(MODERATORS_ONLY),
  },
  {
    operation: 'campaigns',
    query: `query { campaigns(first: 10) { edges { node { id } } } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'ideas',
    query: `query { ideas(first: 10) { edges { node { id } } } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'voteIdea',
    query: `mutation($id: ID!) { voteIdea(ideaId: $id) { post { id } } }`,
    variables: async ({ t, world }) => ({ id: await ownersIdea(t, world) }),
    mutates: true,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'unvoteIdea',
    query: `mutation($id: ID!) { unvoteIdea(ideaId: $id) { post { id } } }`,
    variables: async ({ t, world }) => ({ id: await ownersIdea(t, world) }),
    mutates: true,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'changeIdeaStatus',
    query: `mutation($input: ChangeIdeaStatusInput!) { changeIdeaStatus(input: $input) { idea { id } } }`,
    variables: async ({ t, world }) => ({
      input: { ideaId: await ownersIdea(t, world), status: 'PLANNED', note: 'Next quarter' },
    }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  {
    operation: 'mergeIdeas',
    query: `mutation($input: MergeIdeasInput!) { mergeIdeas(input: $input) { post { id } } }`,
    variables: async ({ t, world }) => ({
      input: { sourceId: await ownersIdea(t, world), targetId: await ownersIdea(t, world) },
    }),
    mutates: true,
    expect: contentOfA(MODERATORS_ONLY),
  },
  // --- moderation ---
  {
    operation: 'reportContent',
    query: REPORT,
    variables: async ({ t, world }) => ({ input: { postId: await ownersPost(t, world), reason: 'OFF_TOPIC' } }),
    mutates: true,
    expect: contentOfA(PARTICIPANTS),
  },
  {
    operation: 'moderationQueue',
    target: 'hybrid space A',
    query: `query($id: ID!) { moderationQueue(spaceId: $id, first: 10) { edges { node { id } } } }`,
    variables: fixed((w) => ({ id: w.spaces.hybridA })),
    mutates: false,
    expect: onSpaceA(MODERATORS_ONLY),
  },
  {
    operation: 'moderationQueue',
    target: 'every space the viewer moderates (empty for others)',
    query: `query { moderationQueue(first: 10) { edges { node { id } } } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'resolveReport',
    target: "a customer's report on a post of space A",
    query: `mutation($input: ResolveReportInput!) { resolveReport(input: $input) { report { status } } }`,
    variables: async ({ t, world }) => ({ input: { reportId: await customersReport(t, world), action: 'DISMISS' } }),
    mutates: true,
    // A report exists for its reporter (who may not decide it) and the moderators; for anyone else it does not.
    expect: {
      anonymous: 'UNAUTHENTICATED',
      invitedNotConsented: 'NOT_FOUND',
      customerOfA: 'FORBIDDEN',
      customerOfB: 'NOT_FOUND',
      employee: 'NOT_FOUND',
      spaceModerator: 'ALLOW',
      manager: 'NOT_FOUND',
      admin: 'ALLOW',
    },
  },
  // --- notifications ---
  {
    operation: 'notifications',
    query: `query { notifications(first: 10) { unreadCount edges { node { postId } } } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'markNotificationsRead',
    query: `mutation { markNotificationsRead(input: { all: true }) { unreadCount } }`,
    variables: fixed(() => ({})),
    mutates: true,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'setNotificationPreference',
    query: `mutation { setNotificationPreference(input: { kind: COMMENT, mode: DIGEST }) { kind mode } }`,
    variables: fixed(() => ({})),
    mutates: true,
    expect: signedInAll('ALLOW'),
  },
  {
    operation: 'pendingConsents',
    query: `query { pendingConsents { spaceId } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
  {
    // Everyone may list their own consents (employees get an empty list); never anyone else's.
    operation: 'myConsents',
    query: `query { myConsents { spaceId } }`,
    variables: fixed(() => ({})),
    mutates: false,
    expect: signedInAll('ALLOW'),
  },
];
