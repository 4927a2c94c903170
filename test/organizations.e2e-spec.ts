import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, CREATE_ORG, signedIn, signUp, uniqueEmail, verifyFromMail, type Person } from './support/identity';

const ORG = `query Org($id: ID!, $first: Int!, $after: String) {
  organization(id: $id) { id name viewerRole emailDomains
    members(first: $first, after: $after) { edges { cursor node { role user { id displayName email } } } pageInfo { hasNextPage endCursor } } }
}`;
const ORG_ONLY = `query Org($id: ID!) { organization(id: $id) { id name viewerRole } }`;
const ADD_MEMBER = `mutation Add($input: AddOrganizationMemberInput!) {
  addOrganizationMember(input: $input) { member { role user { id } } }
}`;
const SET_ROLE = `mutation Set($input: SetOrganizationRoleInput!) {
  setOrganizationRole(input: $input) { member { role user { id } } }
}`;

describe('organizations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const domain = () => `co-${randomUUID().slice(0, 8)}.test`;

  /** An owner with a verified address in a fresh company domain, and their organization. */
  async function company(): Promise<{ owner: Person; orgId: string; domain: string }> {
    const d = domain();
    const owner = await signedIn(t, await signUp(t, { email: uniqueEmail(d), verify: true }));
    const res = await t.gql(CREATE_ORG, { input: { name: `Org ${d}`, emailDomains: [d] } }, owner.accessToken);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return { owner, orgId: res.data!.createOrganization.organization.id, domain: d };
  }

  const roleIn = async (orgId: string, person: Person) =>
    (await t.gql(ORG_ONLY, { id: orgId }, person.accessToken)).data?.organization?.viewerRole ?? null;

  it('me.organizations lists the viewer’s own organizations with their role, and nobody else’s', async () => {
    const { owner, orgId, domain: d } = await company();
    const colleague = await signedIn(t, await signUp(t, { email: uniqueEmail(d), verify: true }));
    const mine = await t.gql(`{ me { organizations { id viewerRole } } }`, {}, colleague.accessToken);
    expect(mine.data!.me.organizations).toEqual([{ id: orgId, viewerRole: 'MEMBER' }]);
    // Another person's User (here the owner, through node) never shows their memberships.
    const other = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on User { organizations { id } } } }`,
      { id: owner.id },
      colleague.accessToken,
    );
    expect(other.errors).toBeUndefined();
    expect(other.data!.node.organizations).toEqual([]);
  });

  describe('employees join through a verified e-mail in the organization domain', () => {
    it('a colleague who verifies later joins as MEMBER; an unverified one does not', async () => {
      const { orgId, domain: d } = await company();
      const colleague = await signUp(t, { email: uniqueEmail(d) });
      expect(codeOf(await t.gql(ORG_ONLY, { id: orgId }, colleague.accessToken))).toBe('NOT_FOUND');
      await verifyFromMail(t, colleague.email);
      expect(await roleIn(orgId, colleague)).toBe('MEMBER');
    });

    it('colleagues verified before the organization existed join when it claims the domain', async () => {
      const d = domain();
      const early = await signUp(t, { email: uniqueEmail(d), verify: true });
      const founder = await signedIn(t, await signUp(t, { email: uniqueEmail(d), verify: true }));
      const res = await t.gql(CREATE_ORG, { input: { name: 'Late Org', emailDomains: [d] } }, founder.accessToken);
      expect(await roleIn(res.data!.createOrganization.organization.id, early)).toBe('MEMBER');
    });

    it('nobody can claim a domain they have not verified, a mailbox provider, or a taken domain', async () => {
      const countOrgs = async () => Number((await t.sql.query('SELECT count(*) FROM organizations')).rows[0].count);
      const unverified = await signUp(t, { email: uniqueEmail(domain()) });
      const before = await countOrgs();
      const own = unverified.email.split('@')[1];
      for (const emailDomains of [[own], ['gmail.com'], [domain()]]) {
        const res = await t.gql(CREATE_ORG, { input: { name: 'Nope', emailDomains } }, unverified.accessToken);
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0].extensions.fieldErrors.emailDomains).toBeDefined();
      }
      const { domain: taken } = await company();
      const rival = await signedIn(t, await signUp(t, { email: uniqueEmail(taken), verify: true }));
      const afterCompany = await countOrgs();
      const res = await t.gql(CREATE_ORG, { input: { name: 'Rival', emailDomains: [taken] } }, rival.accessToken);
      expect(codeOf(res)).toBe('CONFLICT');
      expect(await countOrgs()).toBe(afterCompany);
      expect(afterCompany).toBe(before + 1);
    });

    it('an organization without domains is fine; its creator is OWNER', async () => {
      const person = await signUp(t);
      const res = await t.gql(CREATE_ORG, { input: { name: 'Side project' } }, person.accessToken);
      expect(res.data!.createOrganization.organization).toMatchObject({ viewerRole: 'OWNER', emailDomains: [] });
    });
  });

  describe('roles', () => {
    it('owners and admins manage employees within their rank', async () => {
      const { owner, orgId } = await company();
      const admin = await signUp(t);
      const member = await signUp(t);
      const manager = await signUp(t);

      const added = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: admin.email, role: 'ADMIN' } },
        owner.accessToken,
      );
      expect(added.data!.addOrganizationMember.member).toEqual({ role: 'ADMIN', user: { id: admin.id } });

      const byAdmin = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: member.email } },
        admin.accessToken,
      );
      expect(byAdmin.data!.addOrganizationMember.member.role).toBe('MEMBER');
      const promoted = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: member.id, role: 'MANAGER' } },
        admin.accessToken,
      );
      expect(promoted.data!.setOrganizationRole.member.role).toBe('MANAGER');

      const outranked = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: member.id, role: 'ADMIN' } },
        admin.accessToken,
      );
      expect([codeOf(outranked), outranked.errors![0].extensions.reason]).toEqual(['FORBIDDEN', 'OUTRANKED']);
      const againstOwner = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: owner.id, role: 'MEMBER' } },
        admin.accessToken,
      );
      expect(codeOf(againstOwner)).toBe('FORBIDDEN');

      const byMember = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: manager.email } },
        member.accessToken,
      );
      expect(codeOf(byMember)).toBe('FORBIDDEN');

      const self = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: admin.id, role: 'OWNER' } },
        admin.accessToken,
      );
      expect([codeOf(self), self.errors![0].extensions.reason]).toEqual(['FORBIDDEN', 'SELF_ROLE_CHANGE']);

      const customer = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: manager.email, role: 'CUSTOMER' } },
        owner.accessToken,
      );
      expect(codeOf(customer)).toBe('BAD_USER_INPUT');

      const twice = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: member.email } },
        owner.accessToken,
      );
      expect(codeOf(twice)).toBe('CONFLICT');
      const byId = await signUp(t);
      const addedById = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, userId: byId.id } },
        owner.accessToken,
      );
      expect(addedById.data!.addOrganizationMember.member).toEqual({ role: 'MEMBER', user: { id: byId.id } });
      const neither = await t.gql(ADD_MEMBER, { input: { organizationId: orgId } }, owner.accessToken);
      expect(neither.errors![0].extensions.fieldErrors.email).toBeDefined();

      const nobody = await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: uniqueEmail() } },
        owner.accessToken,
      );
      expect(codeOf(nobody)).toBe('NOT_FOUND');
    });

    it('an organization always keeps an owner', async () => {
      const { owner, orgId } = await company();
      const second = await signUp(t);
      await t.gql(
        ADD_MEMBER,
        { input: { organizationId: orgId, email: second.email, role: 'OWNER' } },
        owner.accessToken,
      );
      const demote = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: owner.id, role: 'MEMBER' } },
        second.accessToken,
      );
      expect(demote.data!.setOrganizationRole.member.role).toBe('MEMBER');
      // `second` is now the last owner: nobody can demote them, and they cannot demote themselves.
      const promoted = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: owner.id, role: 'ADMIN' } },
        second.accessToken,
      );
      expect(promoted.errors).toBeUndefined();
      const last = await t.gql(
        SET_ROLE,
        { input: { organizationId: orgId, userId: second.id, role: 'MEMBER' } },
        owner.accessToken,
      );
      expect(codeOf(last)).toBe('FORBIDDEN');
      const { rows } = await t.sql.query(
        `SELECT count(*) FROM organization_memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.role = 'OWNER' AND o.name = (SELECT name FROM organizations WHERE id = (SELECT organization_id FROM organization_memberships WHERE user_id = (SELECT id FROM users WHERE email = $1) LIMIT 1))`,
        [second.email],
      );
      expect(Number(rows[0].count)).toBe(1);
    });
  });

  describe('visibility', () => {
    it('outsiders get NOT_FOUND, identical to a missing or malformed id', async () => {
      const { orgId } = await company();
      const stranger = await signUp(t);
      const hidden = await t.gql(ORG_ONLY, { id: orgId }, stranger.accessToken);
      const missing = await t.gql(
        ORG_ONLY,
        { id: Buffer.from(`Organization:${randomUUID()}`).toString('base64url') },
        stranger.accessToken,
      );
      const garbage = await t.gql(ORG_ONLY, { id: 'garbage' }, stranger.accessToken);
      expect(hidden.errors![0]).toEqual(missing.errors![0]);
      expect(garbage.errors![0]).toEqual(missing.errors![0]);
      expect(codeOf(hidden)).toBe('NOT_FOUND');
    });

    it('lists members with keyset pagination and a bounded page size', async () => {
      const { owner, orgId, domain: d } = await company();
      for (let i = 0; i < 3; i++) await signUp(t, { email: uniqueEmail(d), verify: true });
      const page1 = await t.gql(ORG, { id: orgId, first: 2 }, owner.accessToken);
      const m1 = page1.data!.organization.members;
      expect(m1.edges).toHaveLength(2);
      expect(m1.pageInfo.hasNextPage).toBe(true);
      const page2 = await t.gql(ORG, { id: orgId, first: 2, after: m1.pageInfo.endCursor }, owner.accessToken);
      const m2 = page2.data!.organization.members;
      expect(m2.edges).toHaveLength(2);
      expect(m2.pageInfo.hasNextPage).toBe(false);
      const ids = [...m1.edges, ...m2.edges].map((e: any) => e.node.user.id);
      expect(new Set(ids).size).toBe(4);
      // E-mail addresses of other people are not part of a member list.
      expect(m2.edges.every((e: any) => e.node.user.email === null || e.node.user.id === owner.id)).toBe(true);

      for (const first of [0, 101, -1]) {
        expect(codeOf(await t.gql(ORG, { id: orgId, first }, owner.accessToken))).toBe('BAD_USER_INPUT');
      }
      const crafted = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
      for (const after of [
        'not-a-cursor',
        crafted(['not a date', 'x']),
        crafted(['2026-01-01T00:00:00.000Z', "x' OR 1=1"]),
        crafted([1, 2]),
      ]) {
        expect(codeOf(await t.gql(ORG, { id: orgId, first: 2, after }, owner.accessToken))).toBe('BAD_USER_INPUT');
      }
    });
  });
});
