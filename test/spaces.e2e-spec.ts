import { existsSync } from 'node:fs';
import { fromGlobalId } from '@ruche/kernel';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, signedIn, signUp, uniqueEmail } from './support/identity';
import {
  ACCEPT,
  createOrganization,
  createSpace,
  customerOf,
  employeeOf,
  invite,
  MEMBERS,
  PREVIEW,
  SPACE,
  SPACES,
  WITHDRAW,
} from './support/spaces';

const AUDIT = `query Audit($organizationId: ID!, $first: Int!) {
  auditLog(organizationId: $organizationId, first: $first) { edges { node { action targetType actor { id } } } }
}`;

describe('hybrid spaces: the customer journey with plain GraphQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('admin creates spaces, invites a customer who signs up from the link, consents, sees only the hybrid space, withdraws and then sees nothing', async () => {
    const org = await createOrganization(t, 'Acme');
    const admin = org.owner;
    const internal = await createSpace(t, admin, org, { name: 'R&D internal', kind: 'INTERNAL' });
    const hybrid = await createSpace(t, admin, org, { name: 'Product council', kind: 'HYBRID' });
    expect(hybrid.consentVersion).toBe(1);

    const email = uniqueEmail('client.test');
    const { invitation, token } = await invite(t, admin, hybrid.id, email);
    expect(invitation).toMatchObject({ email, status: 'PENDING' });
    // The database keeps only the token's hash.
    const stored = await t.sql.query('SELECT token_hash FROM invitations WHERE email = $1', [email]);
    expect(stored.rows[0].token_hash).not.toContain(token);
    expect(stored.rows[0].token_hash).toHaveLength(64);

    // Anyone holding the link sees the space name, the inviter and the consent text — nothing else.
    const preview = await t.gql(PREVIEW, { token });
    expect(preview.errors).toBeUndefined();
    expect(preview.data!.invitation).toMatchObject({ spaceName: 'Product council', inviterName: 'Acme Owner' });
    expect(preview.data!.invitation.consent.version).toBe(1);
    expect(preview.data!.invitation.consent.text).toContain('Product council');

    // Signs up from the link, and later signs in on another device.
    const customer = await signedIn(t, await signUp(t, { email, displayName: 'Chloé Client' }));
    const refused = await t.gql(ACCEPT, { input: { token } }, customer.accessToken);
    expect(codeOf(refused)).toBe('CONSENT_REQUIRED');
    const accepted = await t.gql(
      ACCEPT,
      { input: { token, consent: { accepted: true, policyVersion: 1 } } },
      customer.accessToken,
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptInvitation.space).toMatchObject({
      id: hybrid.id,
      viewerRole: 'CUSTOMER',
      customerCount: 1,
    });
    expect(accepted.data!.acceptInvitation.consentRecord).toMatchObject({ policyVersion: 1, withdrawnAt: null });

    const seen = await t.gql(SPACES, { first: 10 }, customer.accessToken);
    expect(seen.data!.spaces.edges.map((e: any) => e.node.id)).toEqual([hybrid.id]);
    expect(codeOf(await t.gql(SPACE, { id: internal.id }, customer.accessToken))).toBe('NOT_FOUND');

    // Employees see that customers can read the hybrid space; badges say who is who.
    const asAdmin = await t.gql(SPACE, { id: hybrid.id }, admin.accessToken);
    expect(asAdmin.data!.space).toMatchObject({ holdsCustomers: true, customerCount: 1, memberCount: 2 });
    const members = await t.gql(MEMBERS, { spaceId: hybrid.id, first: 10 }, customer.accessToken);
    expect(members.data!.spaceMembers.edges.map((e: any) => [e.node.user.displayName, e.node.badge.label])).toEqual([
      ['Acme Owner', 'Employee'],
      ['Chloé Client', 'Customer'],
    ]);
    // A customer sees a co-member's name and badge, never their e-mail.
    expect(members.data!.spaceMembers.edges[0].node.user.email).toBeNull();

    const withdrawn = await t.gql(WITHDRAW, { spaceId: hybrid.id }, customer.accessToken);
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data!.withdrawConsent.consentRecord.withdrawnAt).not.toBeNull();
    const after = await t.gql(SPACES, { first: 10 }, customer.accessToken);
    expect(after.data!.spaces.edges).toEqual([]);
    expect(codeOf(await t.gql(SPACE, { id: hybrid.id }, customer.accessToken))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(MEMBERS, { spaceId: hybrid.id, first: 10 }, customer.accessToken))).toBe('NOT_FOUND');

    const audit = await t.gql(AUDIT, { organizationId: org.id, first: 50 }, admin.accessToken);
    expect(audit.errors).toBeUndefined();
    const actions = audit.data!.auditLog.edges.map((e: any) => e.node.action);
    for (const action of [
      'space.created',
      'invitation.created',
      'invitation.accepted',
      'consent.given',
      'consent.withdrawn',
      'auth.sign_in_succeeded',
    ]) {
      expect(actions).toContain(action);
    }
    // A customer is not an admin: the audit log is not theirs to read.
    expect(codeOf(await t.gql(AUDIT, { organizationId: org.id, first: 5 }, customer.accessToken))).toBe('FORBIDDEN');
  });

  it('names the customer company on the badge', async () => {
    const org = await createOrganization(t, 'Badges');
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });
    const account = await t.gql(
      `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id name } } }`,
      { input: { organizationId: org.id, name: 'Globex', domain: 'globex.test' } },
      org.owner.accessToken,
    );
    expect(account.errors).toBeUndefined();
    const email = uniqueEmail('globex.test');
    const { invitation, token } = await invite(t, org.owner, hybrid.id, email);
    expect(invitation.customerAccount.name).toBe('Globex');
    const customer = await signUp(t, { email, displayName: 'Gus' });
    await t.gql(ACCEPT, { input: { token, consent: { accepted: true, policyVersion: 1 } } }, customer.accessToken);
    const members = await t.gql(MEMBERS, { spaceId: hybrid.id, first: 10 }, org.owner.accessToken);
    const gus = members.data!.spaceMembers.edges.find((e: any) => e.node.user.displayName === 'Gus').node;
    expect(gus.badge).toEqual({ kind: 'CUSTOMER', label: 'Customer · Globex', customerAccount: { name: 'Globex' } });
  });

  it('employees join open spaces and never see private ones they do not belong to', async () => {
    const org = await createOrganization(t, 'Open');
    const open = await createSpace(t, org.owner, org, { kind: 'INTERNAL', visibility: 'OPEN' });
    const secret = await createSpace(t, org.owner, org, { kind: 'INTERNAL', visibility: 'PRIVATE' });
    const employee = await employeeOf(t, org);
    const listed = await t.gql(SPACES, { first: 10 }, employee.accessToken);
    expect(listed.data!.spaces.edges.map((e: any) => e.node.id)).toEqual([open.id]);
    expect(codeOf(await t.gql(SPACE, { id: secret.id }, employee.accessToken))).toBe('NOT_FOUND');
    const join = `mutation($id: ID!) { joinSpace(spaceId: $id) { space { viewerRole memberCount } } }`;
    const joined = await t.gql(join, { id: open.id }, employee.accessToken);
    expect(joined.data!.joinSpace.space).toEqual({ viewerRole: 'MEMBER', memberCount: 2 });
    expect(codeOf(await t.gql(join, { id: open.id }, employee.accessToken))).toBe('CONFLICT');
    expect(codeOf(await t.gql(join, { id: secret.id }, employee.accessToken))).toBe('NOT_FOUND');
  });
});

describe('invitations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ INVITATIONS_PER_DAY: '5' });
  });
  afterAll(() => t.close());

  const accept = (token: string, accessToken: string) =>
    t.gql(ACCEPT, { input: { token, consent: { accepted: true, policyVersion: 1 } } }, accessToken);
  const counts = async () =>
    (
      await t.sql.query(
        `SELECT (SELECT count(*) FROM space_memberships)::int AS memberships, (SELECT count(*) FROM consent_records)::int AS consents`,
      )
    ).rows[0];

  it('refuses without explicit consent and writes nothing', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });
    const email = uniqueEmail('client.test');
    const { token } = await invite(t, org.owner, hybrid.id, email);
    const customer = await signUp(t, { email });
    const before = await counts();
    for (const consent of [undefined, { accepted: false, policyVersion: 1 }, { accepted: true, policyVersion: 2 }]) {
      const res = await t.gql(ACCEPT, { input: { token, consent } }, customer.accessToken);
      expect(codeOf(res)).toBe('CONSENT_REQUIRED');
    }
    expect(await counts()).toEqual(before);
    // Still usable once consent is given.
    expect((await accept(token, customer.accessToken)).errors).toBeUndefined();
  });

  it('is single use, bound to the invited e-mail, revocable and expires after 7 days — all unusable tokens answer alike', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });

    const email = uniqueEmail('client.test');
    const { token } = await invite(t, org.owner, hybrid.id, email);
    const stranger = await signUp(t);
    const wrong = await accept(token, stranger.accessToken);
    expect(codeOf(wrong)).toBe('FORBIDDEN');
    const customer = await signUp(t, { email });
    expect((await accept(token, customer.accessToken)).errors).toBeUndefined();
    const reused = await accept(token, customer.accessToken);

    const revokedEmail = uniqueEmail('client.test');
    const revoked = await invite(t, org.owner, hybrid.id, revokedEmail);
    const revoke = await t.gql(
      `mutation($input: RevokeInvitationInput!) { revokeInvitation(input: $input) { invitation { status } } }`,
      { input: { invitationId: revoked.invitation.id } },
      org.owner.accessToken,
    );
    expect(revoke.data!.revokeInvitation.invitation.status).toBe('REVOKED');
    const revokedPerson = await signUp(t, { email: revokedEmail });
    const afterRevoke = await accept(revoked.token, revokedPerson.accessToken);

    const lateEmail = uniqueEmail('client.test');
    const late = await invite(t, org.owner, hybrid.id, lateEmail);
    const latePerson = await signUp(t, { email: lateEmail });
    t.clock.advance(7 * 86_400_000 + 1000);
    const expired = await accept(late.token, latePerson.accessToken);
    const unknown = await accept('x'.repeat(43), latePerson.accessToken);
    t.clock.advance(-(7 * 86_400_000 + 1000));

    const answers = [reused, afterRevoke, expired, unknown].map((r) => [codeOf(r), r.errors?.[0]?.message]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]![0]).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(PREVIEW, { token }))).toBe('NOT_FOUND');
  });

  it('limits invitations per inviter per day and only lets the right people invite', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });
    const internal = await createSpace(t, org.owner, org, { kind: 'INTERNAL' });
    const employee = await employeeOf(t, org);
    const inviteQ = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { invitation { id } } }`;
    expect(
      codeOf(await t.gql(inviteQ, { input: { spaceId: internal.id, email: uniqueEmail() } }, org.owner.accessToken)),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(await t.gql(inviteQ, { input: { spaceId: hybrid.id, email: uniqueEmail() } }, employee.accessToken)),
    ).toBe('FORBIDDEN');
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(
        codeOf(await t.gql(inviteQ, { input: { spaceId: hybrid.id, email: uniqueEmail() } }, org.owner.accessToken)),
      );
    }
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED']);
  });
});

describe('the invitation page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('mails a link whose token stays in the fragment (never sent to a server), answered by the web app with no referrer', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });
    const email = uniqueEmail('client.test');
    await invite(t, org.owner, hybrid.id, email);
    const link = await t.mailbox.linkTo(email, '/invitation');
    expect(link.pathname).toBe('/invitation');
    expect(link.search).toBe('');
    expect(new URLSearchParams(link.hash.slice(1)).get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // What the browser requests: the path only. The web app's /invitation page answers it (the API has no
    // page of its own any more); without a web build (API-only runs) nothing answers there.
    const page = await t.http().get(link.pathname).set('accept', 'text/html');
    if (existsSync('dist/web/index.html')) {
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.text).toContain('<div id="root"');
    } else {
      expect(page.status).toBe(404);
    }
  });
});

describe('invitation token guessing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AUTH_THROTTLE_PER_MINUTE: '10' });
  });
  afterAll(() => t.close());

  it('is throttled per IP', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 15; i++) codes.push(codeOf(await t.gql(PREVIEW, { token: `guess-${i}-${'y'.repeat(30)}` })));
    expect(codes.slice(0, 10).every((c) => c === 'NOT_FOUND')).toBe(true);
    expect(codes.slice(10).every((c) => c === 'RATE_LIMITED')).toBe(true);
  });
});

describe('consent', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const UPDATE = `mutation($input: UpdateSpaceInput!) { updateSpace(input: $input) { space { consentPolicy { version text } } } }`;
  const PENDING = `query { pendingConsents { spaceId spaceName policy { version text } } }`;
  const RENEW = `mutation($input: RenewConsentInput!) { renewConsent(input: $input) { space { id viewerRole } consentRecord { policyVersion } } }`;

  it('a new policy version puts customers behind CONSENT_REQUIRED until they accept it again', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Beta testers' });
    const customer = await customerOf(t, org.owner, hybrid.id);
    const newText = 'Version two: we also use your feedback in anonymised product research reports.';
    const updated = await t.gql(UPDATE, { input: { spaceId: hybrid.id, consentText: newText } }, org.owner.accessToken);
    expect(updated.data!.updateSpace.space.consentPolicy).toEqual({ version: 2, text: newText });

    expect(codeOf(await t.gql(SPACE, { id: hybrid.id }, customer.accessToken))).toBe('CONSENT_REQUIRED');
    expect((await t.gql(SPACES, { first: 10 }, customer.accessToken)).data!.spaces.edges).toEqual([]);
    expect(codeOf(await t.gql(MEMBERS, { spaceId: hybrid.id, first: 5 }, customer.accessToken))).toBe(
      'CONSENT_REQUIRED',
    );
    const pending = await t.gql(PENDING, {}, customer.accessToken);
    expect(pending.data!.pendingConsents).toEqual([
      { spaceId: hybrid.id, spaceName: 'Beta testers', policy: { version: 2, text: newText } },
    ]);

    const stale = await t.gql(
      RENEW,
      { input: { spaceId: hybrid.id, consent: { accepted: true, policyVersion: 1 } } },
      customer.accessToken,
    );
    expect(codeOf(stale)).toBe('CONSENT_REQUIRED');
    const renewed = await t.gql(
      RENEW,
      { input: { spaceId: hybrid.id, consent: { accepted: true, policyVersion: 2 } } },
      customer.accessToken,
    );
    expect(renewed.data!.renewConsent).toEqual({
      space: { id: hybrid.id, viewerRole: 'CUSTOMER' },
      consentRecord: { policyVersion: 2 },
    });
    expect((await t.gql(SPACE, { id: hybrid.id }, customer.accessToken)).errors).toBeUndefined();
    expect((await t.gql(PENDING, {}, customer.accessToken)).data!.pendingConsents).toEqual([]);
  });

  const MY_CONSENTS = `query { myConsents { spaceId spaceName text current record { policyVersion grantedAt withdrawnAt textHash } viewerCan { withdrawConsent renewConsent } } }`;

  it("myConsents lists the viewer's own consents only, with the text accepted, follows renewal and withdrawal", async () => {
    const org = await createOrganization(t);
    const internal = await createSpace(t, org.owner, org, { kind: 'INTERNAL', name: 'Secret roadmap' });
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Product council' });
    const other = await createSpace(t, org.owner, org, { kind: 'HYBRID', name: 'Other council' });
    const customer = await customerOf(t, org.owner, hybrid.id, 'Chloé');
    const stranger = await customerOf(t, org.owner, other.id, 'Sam');
    const v1 = (await t.gql(SPACE, { id: hybrid.id }, org.owner.accessToken)).data!.space.consentPolicy.text;

    const mine = await t.gql(MY_CONSENTS, {}, customer.accessToken);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myConsents).toEqual([
      {
        spaceId: hybrid.id,
        spaceName: 'Product council',
        text: v1,
        current: true,
        record: { policyVersion: 1, grantedAt: expect.any(String), withdrawnAt: null, textHash: expect.any(String) },
        viewerCan: { withdrawConsent: true, renewConsent: true },
      },
    ]);
    // Another customer's records, the internal space and the employees' side stay out of it.
    expect(
      (await t.gql(MY_CONSENTS, {}, stranger.accessToken)).data!.myConsents.map((c: { spaceId: string }) => c.spaceId),
    ).toEqual([other.id]);
    expect((await t.gql(MY_CONSENTS, {}, org.owner.accessToken)).data!.myConsents).toEqual([]);
    expect(JSON.stringify(mine.data)).not.toContain(internal.id);

    // A new policy version: the record stays (not current) until renewed, then the new text is the one listed.
    const v2 = 'Version two: your feedback also feeds anonymised research.';
    await t.gql(UPDATE, { input: { spaceId: hybrid.id, consentText: v2 } }, org.owner.accessToken);
    const outdated = (await t.gql(MY_CONSENTS, {}, customer.accessToken)).data!.myConsents;
    expect(outdated).toMatchObject([
      { spaceId: hybrid.id, current: false, text: v1, record: { policyVersion: 1 }, viewerCan: { renewConsent: true } },
    ]);
    await t.gql(
      RENEW,
      { input: { spaceId: hybrid.id, consent: { accepted: true, policyVersion: 2 } } },
      customer.accessToken,
    );
    expect((await t.gql(MY_CONSENTS, {}, customer.accessToken)).data!.myConsents).toMatchObject([
      { spaceId: hybrid.id, current: true, text: v2, record: { policyVersion: 2 } },
    ]);

    // Withdrawn: the space leaves the list with the membership.
    expect((await t.gql(WITHDRAW, { spaceId: hybrid.id }, customer.accessToken)).errors).toBeUndefined();
    expect((await t.gql(MY_CONSENTS, {}, customer.accessToken)).data!.myConsents).toEqual([]);
  });

  it('withdrawal takes effect on the very next request, keeps the ledger and the proof', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });
    const customer = await customerOf(t, org.owner, hybrid.id);
    expect((await t.gql(SPACE, { id: hybrid.id }, customer.accessToken)).errors).toBeUndefined();
    await t.gql(WITHDRAW, { spaceId: hybrid.id }, customer.accessToken);
    expect(codeOf(await t.gql(SPACE, { id: hybrid.id }, customer.accessToken))).toBe('NOT_FOUND');
    const ledger = await t.sql.query(
      'SELECT policy_version, withdrawn_at IS NOT NULL AS withdrawn, length(text_hash) AS hash FROM consent_records WHERE space_id = $1',
      [fromGlobalId(hybrid.id, 'Space')],
    );
    expect(ledger.rows).toEqual([{ policy_version: 1, withdrawn: true, hash: 64 }]);
    const space = await t.gql(SPACE, { id: hybrid.id }, org.owner.accessToken);
    expect(space.data!.space).toMatchObject({ customerCount: 0, holdsCustomers: false, memberCount: 1 });
  });

  it('removing a customer ends their consent, and a new invitation needs a new one', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID' });
    const customer = await customerOf(t, org.owner, hybrid.id);
    const removed = await t.gql(
      `mutation($input: RemoveSpaceMemberInput!) { removeSpaceMember(input: $input) { space { customerCount } } }`,
      { input: { spaceId: hybrid.id, userId: customer.id } },
      org.owner.accessToken,
    );
    expect(removed.data!.removeSpaceMember.space.customerCount).toBe(0);
    expect(codeOf(await t.gql(SPACE, { id: hybrid.id }, customer.accessToken))).toBe('NOT_FOUND');
    const ledger = await t.sql.query(
      'SELECT withdrawn_at IS NOT NULL AS ended FROM consent_records WHERE subject_id = $1',
      [fromGlobalId(customer.id, 'User')],
    );
    expect(ledger.rows).toEqual([{ ended: true }]);
  });

  it('an employee invited to a hybrid space joins as a member, without a consent record', async () => {
    const org = await createOrganization(t);
    const hybrid = await createSpace(t, org.owner, org, { kind: 'HYBRID', visibility: 'PRIVATE' });
    const employee = await employeeOf(t, org);
    const { token } = await invite(t, org.owner, hybrid.id, employee.email);
    const res = await t.gql(ACCEPT, { input: { token } }, employee.accessToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.acceptInvitation).toMatchObject({
      space: { viewerRole: 'MEMBER', customerCount: 0 },
      consentRecord: null,
    });
  });
});
