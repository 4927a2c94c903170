import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';
import { CREATE_ORG, signUp, uniqueEmail, type Person } from './identity';

export const CREATE_SPACE = `mutation CreateSpace($input: CreateSpaceInput!) {
  createSpace(input: $input) { space { id name kind visibility memberCount customerCount holdsCustomers viewerRole consentPolicy { version text } } }
}`;
export const INVITE = `mutation Invite($input: InviteToSpaceInput!) {
  inviteToSpace(input: $input) { invitation { id email status expiresAt customerAccount { id name } } }
}`;
export const PREVIEW = `query Preview($token: String!) {
  invitation(token: $token) { spaceName inviterName expiresAt consent { version text } }
}`;
export const ACCEPT = `mutation Accept($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { space { id name viewerRole customerCount } consentRecord { id policyVersion textHash grantedAt withdrawnAt } }
}`;
export const SPACES = `query Spaces($first: Int!, $after: String) {
  spaces(first: $first, after: $after) { edges { cursor node { id name kind visibility customerCount holdsCustomers viewerRole } } pageInfo { hasNextPage endCursor } }
}`;
export const SPACE = `query Space($id: ID!) { space(id: $id) { id name kind memberCount customerCount holdsCustomers viewerRole consentPolicy { version text } } }`;
export const MEMBERS = `query Members($spaceId: ID!, $first: Int!) {
  spaceMembers(spaceId: $spaceId, first: $first) { edges { node { role joinedAt badge { kind label customerAccount { name } } user { id displayName email } } } }
}`;
export const WITHDRAW = `mutation Withdraw($spaceId: ID!) { withdrawConsent(spaceId: $spaceId) { consentRecord { id withdrawnAt policyVersion } } }`;

export interface Organization {
  id: string;
  domain: string;
  owner: Person;
}

/** An organization whose owner claimed a fresh e-mail domain, so colleagues join by verifying an address in it. */
export async function createOrganization(t: TestApp, name = 'Acme'): Promise<Organization> {
  const domain = `acme-${randomUUID().slice(0, 8)}.test`;
  const owner = await signUp(t, { email: uniqueEmail(domain), displayName: `${name} Owner`, verify: true });
  const res = await t.gql(CREATE_ORG, { input: { name, emailDomains: [domain] } }, owner.accessToken);
  if (res.errors) throw new Error(`createOrganization failed: ${JSON.stringify(res.errors)}`);
  return { id: res.data!.createOrganization.organization.id, domain, owner };
}

/** An employee: a verified address in the organization's domain. */
export async function employeeOf(t: TestApp, org: Organization, displayName = 'Employee'): Promise<Person> {
  return signUp(t, { email: uniqueEmail(org.domain), displayName, verify: true });
}

export async function createSpace(
  t: TestApp,
  by: Person,
  org: Organization,
  input: { name?: string; kind: 'INTERNAL' | 'HYBRID'; visibility?: 'OPEN' | 'PRIVATE'; membersCanInvite?: boolean },
): Promise<{ id: string; consentVersion: number | null }> {
  const res = await t.gql(
    CREATE_SPACE,
    { input: { organizationId: org.id, name: input.name ?? `${input.kind} space`, visibility: 'OPEN', ...input } },
    by.accessToken,
  );
  if (res.errors) throw new Error(`createSpace failed: ${JSON.stringify(res.errors)}`);
  const space = res.data!.createSpace.space;
  return { id: space.id, consentVersion: space.consentPolicy?.version ?? null };
}

/** Invites `email` and returns the token read from the mailed link, as the invitee would. */
export async function invite(
  t: TestApp,
  by: Person,
  spaceId: string,
  email: string,
  extra: Record<string, unknown> = {},
) {
  const res = await t.gql(INVITE, { input: { spaceId, email, ...extra } }, by.accessToken);
  if (res.errors) throw new Error(`inviteToSpace failed: ${JSON.stringify(res.errors)}`);
  const link = await t.mailbox.linkTo(email, '/invitation');
  const token = new URLSearchParams(link.hash.slice(1)).get('token')!;
  return { invitation: res.data!.inviteToSpace.invitation, token };
}

/** A customer: invited, signed up with the invited address, consented to the current policy. */
export async function customerOf(
  t: TestApp,
  by: Person,
  spaceId: string,
  displayName = 'Customer',
  email = uniqueEmail('client.test'),
) {
  const { token } = await invite(t, by, spaceId, email);
  const person = await signUp(t, { email, displayName });
  const preview = await t.gql(PREVIEW, { token });
  const res = await t.gql(
    ACCEPT,
    { input: { token, consent: { accepted: true, policyVersion: preview.data!.invitation.consent.version } } },
    person.accessToken,
  );
  if (res.errors) throw new Error(`acceptInvitation failed: ${JSON.stringify(res.errors)}`);
  return person;
}
