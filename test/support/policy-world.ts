import type { TestApp } from './test-app';
import { signUp, uniqueEmail, type Person } from './identity';
import { createOrganization, createSpace, customerOf, employeeOf, invite, type Organization } from './spaces';

/** The roles of the policy matrix (security reference §6.1 A1), from outsider to org admin. */
export const ROLES = [
  'anonymous',
  'invitedNotConsented',
  'customerOfA',
  'customerOfB',
  'employee',
  'spaceModerator',
  'manager',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * One organization with every role: an owner (who set it up), an ADMIN, a MANAGER, a plain employee, the
 * MODERATOR of hybrid space A, a customer of A, a customer of B, and someone invited to A who has not
 * accepted. Spaces: internal open I, internal private P (owner only), hybrid open A and B.
 */
export interface PolicyWorld {
  org: Organization;
  owner: Person;
  people: Record<Exclude<Role, 'anonymous'>, Person>;
  spaces: { internal: string; privateInternal: string; hybridA: string; hybridB: string };
}

const SET_ORG_ROLE = `mutation($input: SetOrganizationRoleInput!) { setOrganizationRole(input: $input) { member { role } } }`;
export const SET_SPACE_ROLE = `mutation($input: SetSpaceRoleInput!) { setSpaceRole(input: $input) { role } }`;
export const JOIN = `mutation($id: ID!) { joinSpace(spaceId: $id) { space { id } } }`;

async function must(t: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await t.gql(query, variables, token);
  if (res.errors) throw new Error(`${query.slice(0, 60)} failed: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

export async function buildPolicyWorld(t: TestApp): Promise<PolicyWorld> {
  const org = await createOrganization(t, 'Matrix Corp');
  const owner = org.owner;
  const [internal, privateInternal, hybridA, hybridB] = await Promise.all([
    createSpace(t, owner, org, { name: 'Internal', kind: 'INTERNAL', visibility: 'OPEN' }),
    createSpace(t, owner, org, { name: 'Board room', kind: 'INTERNAL', visibility: 'PRIVATE' }),
    createSpace(t, owner, org, { name: 'Council A', kind: 'HYBRID', visibility: 'OPEN' }),
    createSpace(t, owner, org, { name: 'Council B', kind: 'HYBRID', visibility: 'OPEN' }),
  ]);
  const [admin, manager, employee, spaceModerator] = await Promise.all([
    employeeOf(t, org, 'Ada Admin'),
    employeeOf(t, org, 'Max Manager'),
    employeeOf(t, org, 'Eve Employee'),
    employeeOf(t, org, 'Mo Moderator'),
  ]);
  await must(
    t,
    SET_ORG_ROLE,
    { input: { organizationId: org.id, userId: admin.id, role: 'ADMIN' } },
    owner.accessToken,
  );
  await must(
    t,
    SET_ORG_ROLE,
    { input: { organizationId: org.id, userId: manager.id, role: 'MANAGER' } },
    owner.accessToken,
  );
  await must(t, JOIN, { id: hybridA.id }, spaceModerator.accessToken);
  await must(
    t,
    SET_SPACE_ROLE,
    { input: { spaceId: hybridA.id, userId: spaceModerator.id, role: 'MODERATOR' } },
    owner.accessToken,
  );
  const customerOfA = await customerOf(t, owner, hybridA.id, 'Carla A');
  const customerOfB = await customerOf(t, owner, hybridB.id, 'Carl B');
  const invitedEmail = uniqueEmail('client.test');
  await invite(t, owner, hybridA.id, invitedEmail);
  const invitedNotConsented = await signUp(t, { email: invitedEmail, displayName: 'Ivy Invited' });
  return {
    org,
    owner,
    people: { invitedNotConsented, customerOfA, customerOfB, employee, spaceModerator, manager, admin },
    spaces: {
      internal: internal.id,
      privateInternal: privateInternal.id,
      hybridA: hybridA.id,
      hybridB: hybridB.id,
    },
  };
}
