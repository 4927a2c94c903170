import {
  commentAbilities,
  ideaAbilities,
  organizationAbilities,
  postAbilities,
  spaceAbilities,
  spaceContentAbilities,
} from './abilities.policy';
import type { ContentStanding } from './moderation.policy';
import type { SpaceFacts, ViewerInSpace } from './space.policy';

const hybrid: SpaceFacts = { kind: 'HYBRID', visibility: 'OPEN', membersCanInvite: false };
const customer: ViewerInSpace = { orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'CURRENT', invited: false };
const employee: ViewerInSpace = { orgRole: 'MEMBER', spaceRole: null, consent: 'NONE', invited: false };
const moderator: ViewerInSpace = { orgRole: 'MEMBER', spaceRole: 'MODERATOR', consent: 'NONE', invited: false };
const now = new Date('2030-01-10T12:00:00Z');
const standing = (viewer: ViewerInSpace, suspendedUntil: Date | null = null): ContentStanding => ({
  viewer,
  facts: hybrid,
  suspendedUntil,
});

describe('abilities', () => {
  it('reports the organization decisions per role', () => {
    expect(organizationAbilities('ADMIN')).toEqual({
      addMember: true,
      setMemberRole: true,
      listMembers: true,
      createSpace: true,
      createHybridSpace: true,
      createCustomerAccount: true,
      listCustomerAccounts: true,
      readAuditLog: true,
      readAnalytics: true,
      manageObjectives: true,
    });
    expect(organizationAbilities('MANAGER')).toMatchObject({
      createSpace: true,
      createHybridSpace: false,
      createCustomerAccount: true,
      readAuditLog: false,
      readAnalytics: true,
      manageObjectives: true,
    });
    expect(organizationAbilities('MEMBER')).toMatchObject({ readAnalytics: false, manageObjectives: false });
    expect(Object.values(organizationAbilities('CUSTOMER')).every((flag) => !flag)).toBe(true);
    expect(Object.values(organizationAbilities(null)).every((flag) => !flag)).toBe(true);
  });

  it('joins once, and leaves a space only while another owner stays', () => {
    expect(spaceAbilities({ viewer: employee, facts: hybrid, otherOwners: 0 })).toMatchObject({
      join: true,
      leave: false,
    });
    const member = { ...employee, spaceRole: 'MEMBER' as const };
    expect(spaceAbilities({ viewer: member, facts: hybrid, otherOwners: 0 })).toMatchObject({
      join: false,
      leave: true,
    });
    const owner = { ...employee, spaceRole: 'OWNER' as const };
    expect(spaceAbilities({ viewer: owner, facts: hybrid, otherOwners: 0 }).leave).toBe(false);
    expect(spaceAbilities({ viewer: owner, facts: hybrid, otherOwners: 1 }).leave).toBe(true);
    // Staff read their space's analytics and log effort for it; a plain member does neither.
    expect(spaceAbilities({ viewer: owner, facts: hybrid, otherOwners: 0 })).toMatchObject({
      readAnalytics: true,
      logEffort: true,
    });
    expect(spaceAbilities({ viewer: member, facts: hybrid, otherOwners: 0 })).toMatchObject({
      readAnalytics: false,
      logEffort: false,
    });
    expect(Object.values(spaceAbilities(null)).every((flag) => !flag)).toBe(true);
  });

  it('takes a running suspension away from participation only', () => {
    const suspended = standing(customer, new Date(now.getTime() + 86_400_000));
    expect(spaceContentAbilities(suspended, now).post).toBe(false);
    expect(spaceContentAbilities(standing(customer, new Date(now.getTime() - 1)), now).post).toBe(true);
    const own = { isAuthor: true, deleted: false, kind: 'DISCUSSION' as const };
    expect(postAbilities(suspended, own, now)).toEqual({
      update: false,
      delete: true,
      pin: false,
      comment: false,
      react: false,
      report: true,
    });
  });

  it('leaves a deleted post nothing but being deleted again', () => {
    const deleted = { isAuthor: false, deleted: true, kind: 'DISCUSSION' as const };
    expect(postAbilities(standing(moderator), deleted, now)).toEqual({
      update: false,
      delete: true,
      pin: false,
      comment: false,
      react: false,
      report: false,
    });
    const live = { isAuthor: false, deleted: false };
    expect(commentAbilities(standing(customer), live, { ...deleted, isAuthor: false }, now)).toEqual({
      update: false,
      delete: false,
      reply: false,
      report: true,
    });
  });

  it('moves and merges ideas as the funnel allows', () => {
    const idea = { isAuthor: false, deleted: false };
    expect(ideaAbilities(standing(moderator), { ...idea, status: 'NEW' }, now)).toMatchObject({
      vote: true,
      changeStatus: true,
      changeStatusTo: ['UNDER_REVIEW', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED', 'DECLINED'],
      merge: true,
    });
    expect(ideaAbilities(standing(moderator), { ...idea, status: 'IMPLEMENTED' }, now)).toMatchObject({
      changeStatus: false,
      changeStatusTo: [],
      merge: false,
    });
    expect(ideaAbilities(standing(customer), { ...idea, status: 'MERGED' }, now)).toMatchObject({
      vote: false,
      unvote: true,
      changeStatus: false,
    });
  });
});
