import {
  badgeOf,
  canCreateSpace,
  canReadSpace,
  canRemoveSpaceMember,
  decideSpaceAction,
  type SpaceFacts,
  type ViewerInSpace,
} from './space.policy';

const hybridOpen: SpaceFacts = { kind: 'HYBRID', visibility: 'OPEN', membersCanInvite: false };
const internalOpen: SpaceFacts = { kind: 'INTERNAL', visibility: 'OPEN', membersCanInvite: false };
const internalPrivate: SpaceFacts = { kind: 'INTERNAL', visibility: 'PRIVATE', membersCanInvite: false };
const viewer = (over: Partial<ViewerInSpace>): ViewerInSpace => ({
  orgRole: null,
  spaceRole: null,
  consent: 'NONE',
  invited: false,
  ...over,
});

describe('canReadSpace', () => {
  it.each<[string, ViewerInSpace, SpaceFacts, boolean]>([
    ['an outsider reads nothing', viewer({}), internalOpen, false],
    ['an employee reads open spaces', viewer({ orgRole: 'MEMBER' }), internalOpen, true],
    ['an employee does not read private spaces they are not in', viewer({ orgRole: 'MEMBER' }), internalPrivate, false],
    [
      'an employee reads private spaces they belong to',
      viewer({ orgRole: 'MEMBER', spaceRole: 'MEMBER' }),
      internalPrivate,
      true,
    ],
    ['an org admin reads every space of the organization', viewer({ orgRole: 'ADMIN' }), internalPrivate, true],
    ['a customer never reads an internal space, even open', viewer({ orgRole: 'CUSTOMER' }), internalOpen, false],
    [
      'a customer with current consent reads their hybrid space',
      viewer({ orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'CURRENT' }),
      hybridOpen,
      true,
    ],
    [
      'a customer with outdated consent does not',
      viewer({ orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'OUTDATED' }),
      hybridOpen,
      false,
    ],
    ['a customer of another hybrid space does not', viewer({ orgRole: 'CUSTOMER' }), hybridOpen, false],
  ])('%s', (_name, v, s, expected) => {
    expect(canReadSpace(v, s)).toBe(expected);
  });
});

describe('decideSpaceAction', () => {
  it('asks the invitee and the customer with an outdated consent to consent, and hides the space from anyone else', () => {
    expect(decideSpaceAction(viewer({ invited: true }), hybridOpen, 'space.read')).toBe('CONSENT_REQUIRED');
    const outdated = viewer({ orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'OUTDATED' });
    expect(decideSpaceAction(outdated, hybridOpen, 'space.read')).toBe('CONSENT_REQUIRED');
    expect(decideSpaceAction(outdated, hybridOpen, 'space.consent.renew')).toBe('ALLOW');
    expect(decideSpaceAction(outdated, hybridOpen, 'space.consent.withdraw')).toBe('ALLOW');
    expect(decideSpaceAction(viewer({ orgRole: 'CUSTOMER' }), hybridOpen, 'space.read')).toBe('NOT_FOUND');
    expect(decideSpaceAction(viewer({ orgRole: 'CUSTOMER', invited: true }), internalOpen, 'space.read')).toBe(
      'NOT_FOUND',
    );
  });

  it('lets only hybrid spaces take invitations, from managers of the space or members when allowed', () => {
    const member = viewer({ orgRole: 'MEMBER', spaceRole: 'MEMBER' });
    expect(decideSpaceAction(member, hybridOpen, 'space.invite')).toBe('FORBIDDEN');
    expect(decideSpaceAction(member, { ...hybridOpen, membersCanInvite: true }, 'space.invite')).toBe('ALLOW');
    expect(decideSpaceAction(viewer({ orgRole: 'MEMBER', spaceRole: 'MODERATOR' }), hybridOpen, 'space.invite')).toBe(
      'ALLOW',
    );
    expect(decideSpaceAction(viewer({ orgRole: 'OWNER' }), internalOpen, 'space.invite')).toBe('FORBIDDEN');
    const customer = viewer({ orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'CURRENT' });
    expect(decideSpaceAction(customer, { ...hybridOpen, membersCanInvite: true }, 'space.invite')).toBe('FORBIDDEN');
  });

  it('lets employees join open spaces only, and admins any', () => {
    expect(decideSpaceAction(viewer({ orgRole: 'MEMBER' }), internalOpen, 'space.join')).toBe('ALLOW');
    expect(decideSpaceAction(viewer({ orgRole: 'MEMBER' }), internalPrivate, 'space.join')).toBe('NOT_FOUND');
    expect(decideSpaceAction(viewer({ orgRole: 'ADMIN' }), internalPrivate, 'space.join')).toBe('ALLOW');
    const customer = viewer({ orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'CURRENT' });
    expect(decideSpaceAction(customer, hybridOpen, 'space.join')).toBe('FORBIDDEN');
  });
});

describe('badges and space roles', () => {
  it('derives badges from roles', () => {
    expect(badgeOf('MEMBER', null)).toEqual({ kind: 'EMPLOYEE', label: 'Employee' });
    expect(badgeOf('CUSTOMER', 'Globex')).toEqual({ kind: 'CUSTOMER', label: 'Customer · Globex' });
    expect(badgeOf('CUSTOMER', null)).toEqual({ kind: 'CUSTOMER', label: 'Customer' });
  });

  it('keeps hybrid spaces for org admins and moderators below owners', () => {
    expect(canCreateSpace('MEMBER', 'INTERNAL')).toBe('ALLOW');
    expect(canCreateSpace('MEMBER', 'HYBRID')).toBe('FORBIDDEN');
    expect(canCreateSpace('ADMIN', 'HYBRID')).toBe('ALLOW');
    expect(canCreateSpace('CUSTOMER', 'INTERNAL')).toBe('FORBIDDEN');
    expect(canCreateSpace(null, 'INTERNAL')).toBe('NOT_FOUND');
    expect(canRemoveSpaceMember({ orgRole: 'MEMBER', spaceRole: 'MODERATOR' }, 'CUSTOMER')).toBe(true);
    expect(canRemoveSpaceMember({ orgRole: 'MEMBER', spaceRole: 'MODERATOR' }, 'OWNER')).toBe(false);
    expect(canRemoveSpaceMember({ orgRole: 'MEMBER', spaceRole: 'MEMBER' }, 'MEMBER')).toBe(false);
  });
});
