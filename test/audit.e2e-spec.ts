import { fromGlobalId } from '@ruche/kernel';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, REFRESH, signIn, signUp } from './support/identity';
import { createOrganization, employeeOf } from './support/spaces';

/** Each audited action writes exactly one row, in the same transaction: an action that fails leaves none. */
describe('audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const rows = async (action: string, actorGlobalId?: string) =>
    (
      await t.sql.query(
        `SELECT action, actor_id, organization_id, target_id, ip_hash IS NOT NULL AS has_ip, request_id IS NOT NULL AS has_request
         FROM audit_events WHERE action = $1 AND ($2::uuid IS NULL OR actor_id = $2) ORDER BY id`,
        [action, actorGlobalId ? fromGlobalId(actorGlobalId, 'User') : null],
      )
    ).rows;

  it('records sign-in success and failure (unknown e-mails too) with the request id and a hashed IP', async () => {
    const person = await signUp(t);
    expect(codeOf(await signIn(t, { email: person.email, password: 'wrong password!' }))).toBe('UNAUTHENTICATED');
    expect((await signIn(t, person)).errors).toBeUndefined();
    expect(await rows('auth.sign_in_failed', person.id)).toEqual([
      expect.objectContaining({ has_ip: true, has_request: true, organization_id: null }),
    ]);
    expect(await rows('auth.sign_in_succeeded', person.id)).toHaveLength(1);
    const before = (await rows('auth.sign_in_failed')).length;
    await signIn(t, { email: 'nobody-here@example.test', password: 'whatever password' });
    const unknown = await rows('auth.sign_in_failed');
    expect(unknown).toHaveLength(before + 1);
    expect(unknown.at(-1)!.actor_id).toBeNull();
  });

  it('records refresh-token reuse once', async () => {
    const person = await signUp(t);
    await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } });
    expect(codeOf(await t.gql(REFRESH, { input: { refreshToken: person.refreshToken } }))).toBe('UNAUTHENTICATED');
    expect(await rows('auth.refresh_token_reused', person.id)).toHaveLength(1);
  });

  it('records a role change, and nothing for a refused one', async () => {
    const org = await createOrganization(t);
    const employee = await employeeOf(t, org);
    const SET = `mutation($input: SetOrganizationRoleInput!) { setOrganizationRole(input: $input) { member { role } } }`;
    const ok = await t.gql(
      SET,
      { input: { organizationId: org.id, userId: employee.id, role: 'MANAGER' } },
      org.owner.accessToken,
    );
    expect(ok.errors).toBeUndefined();
    const ownRole = await t.gql(
      SET,
      { input: { organizationId: org.id, userId: org.owner.id, role: 'MEMBER' } },
      org.owner.accessToken,
    );
    expect(codeOf(ownRole)).toBe('FORBIDDEN');
    const changes = await rows('org.role_changed', org.owner.id);
    expect(changes).toEqual([expect.objectContaining({ target_id: fromGlobalId(employee.id, 'User') })]);
  });
});
