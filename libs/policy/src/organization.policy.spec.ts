import { checkRoleChange, decideOrgAction, type OrgAction, type OrgRole, type RoleChange } from './organization.policy';

describe('decideOrgAction', () => {
  const table: [OrgRole | null, OrgAction, string][] = [
    [null, 'org.read', 'NOT_FOUND'],
    [null, 'org.members.add', 'NOT_FOUND'],
    ['CUSTOMER', 'org.read', 'ALLOW'],
    ['CUSTOMER', 'org.members.list', 'FORBIDDEN'],
    ['CUSTOMER', 'org.members.add', 'FORBIDDEN'],
    ['MEMBER', 'org.members.list', 'ALLOW'],
    ['MEMBER', 'org.members.add', 'FORBIDDEN'],
    ['MANAGER', 'org.members.setRole', 'FORBIDDEN'],
    ['ADMIN', 'org.members.add', 'ALLOW'],
    ['OWNER', 'org.members.setRole', 'ALLOW'],
  ];
  it.each(table)('%s may %s → %s', (role, action, expected) => {
    expect(decideOrgAction(role, action)).toBe(expected);
  });
});

describe('checkRoleChange', () => {
  const change = (over: Partial<RoleChange>): RoleChange => ({
    viewerRole: 'OWNER',
    isSelf: false,
    currentRole: 'MEMBER',
    newRole: 'MANAGER',
    ownersAfter: 1,
    ...over,
  });
  it.each<[string, Partial<RoleChange>, string]>([
    ['owner promotes a member to manager', {}, 'ALLOW'],
    ['owner makes an admin', { newRole: 'ADMIN' }, 'ALLOW'],
    ['admin promotes a member to manager', { viewerRole: 'ADMIN' }, 'ALLOW'],
    ['admin cannot make an admin', { viewerRole: 'ADMIN', newRole: 'ADMIN' }, 'OUTRANKED'],
    ['admin cannot demote an owner', { viewerRole: 'ADMIN', currentRole: 'OWNER', newRole: 'MEMBER' }, 'OUTRANKED'],
    ['nobody changes their own role', { isSelf: true }, 'SELF'],
    ['customers only come by invitation', { newRole: 'CUSTOMER' }, 'CUSTOMER_BY_INVITATION_ONLY'],
    ['the last owner stays', { currentRole: 'OWNER', newRole: 'ADMIN', ownersAfter: 0 }, 'LAST_OWNER'],
    ['a manager cannot change roles', { viewerRole: 'MANAGER' }, 'FORBIDDEN'],
    ['an outsider learns nothing', { viewerRole: null }, 'NOT_FOUND'],
  ])('%s', (_name, over, expected) => {
    expect(checkRoleChange(change(over))).toBe(expected);
  });
});
