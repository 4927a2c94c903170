import { decideAnalyticsAction, type AnalyticsAction } from './analytics.policy';
import {
  checkIdeaMerge,
  checkItemState,
  ideaStatusTargets,
  ideaTakesVotes,
  type ContentAction,
  type IdeaStatus,
  type PostKind,
} from './content.policy';
import { decideContentActionFor, type ContentStanding } from './moderation.policy';
import { decideOrgAction, type OrgAction, type OrgRole } from './organization.policy';
import {
  canCreateSpace,
  checkJoinSpace,
  checkLeaveSpace,
  decideSpaceAction,
  type SpaceAction,
  type SpaceFacts,
  type ViewerInSpace,
} from './space.policy';

/**
 * What the viewer may do with an object (`viewerCan` in the API), so a client shows exactly the actions the API
 * accepts and never re-implements a rule. Each flag is the decision the operation itself takes (the same
 * functions, on the same facts): true means the operation is accepted as far as the viewer and the object's
 * state go. What depends on the operation's own input (whom to remove, which status, what text) or on budgets
 * (newcomer limits, invitation quota) is decided when it runs.
 */

/** An organization's operations; `role` is the viewer's role in it (null: not a member). */
export interface OrganizationAbilities {
  /** addOrganizationMember */
  addMember: boolean;
  /** setOrganizationRole (who may be given which role is checked per change: checkRoleChange) */
  setMemberRole: boolean;
  /** Organization.members */
  listMembers: boolean;
  /** createSpace, kind INTERNAL */
  createSpace: boolean;
  /** createSpace, kind HYBRID */
  createHybridSpace: boolean;
  /** createCustomerAccount */
  createCustomerAccount: boolean;
  /** customerAccounts */
  listCustomerAccounts: boolean;
  /** auditLog */
  readAuditLog: boolean;
  /** engagementReport for the whole organization, effortLogs, the CSV export */
  readAnalytics: boolean;
  /** objectives, createObjective, updateObjective, recordKpiValue */
  manageObjectives: boolean;
}

export function organizationAbilities(role: OrgRole | null): OrganizationAbilities {
  const may = (action: OrgAction) => decideOrgAction(role, action) === 'ALLOW';
  return {
    addMember: may('org.members.add'),
    setMemberRole: may('org.members.setRole'),
    listMembers: may('org.members.list'),
    createSpace: canCreateSpace(role, 'INTERNAL') === 'ALLOW',
    createHybridSpace: canCreateSpace(role, 'HYBRID') === 'ALLOW',
    createCustomerAccount: may('org.customerAccounts.create'),
    listCustomerAccounts: may('org.customerAccounts.read'),
    readAuditLog: may('org.audit.read'),
    readAnalytics: decideAnalyticsAction(role, 'analytics.report') === 'ALLOW',
    manageObjectives: decideAnalyticsAction(role, 'analytics.objectives.write') === 'ALLOW',
  };
}

/** What the viewer is to one space, as `SpaceAccess` loads it. */
export interface SpaceStanding {
  viewer: ViewerInSpace;
  facts: SpaceFacts;
  /** Owners of the space besides the viewer. */
  otherOwners: number;
}

/** A space's own operations (the content ones are `SpaceContentAbilities`). */
export interface SpaceAbilities {
  /** updateSpace */
  update: boolean;
  /** setSpaceRole */
  setMemberRole: boolean;
  /** joinSpace */
  join: boolean;
  /** leaveSpace */
  leave: boolean;
  /** spaceMembers */
  listMembers: boolean;
  /** removeSpaceMember (moderators remove members and customers only: canRemoveSpaceMember, per target) */
  removeMember: boolean;
  /** inviteToSpace */
  invite: boolean;
  /** Space.invitations, revokeInvitation (of someone else's invitation) */
  manageInvitations: boolean;
  /** withdrawConsent */
  withdrawConsent: boolean;
  /** renewConsent */
  renewConsent: boolean;
  /** engagementReport of this space (its owners and moderators, and the organization's analysts) */
  readAnalytics: boolean;
  /** logEffort for this space */
  logEffort: boolean;
}

/** `standing` null: a space the viewer cannot reach at all. */
export function spaceAbilities(standing: SpaceStanding | null): SpaceAbilities {
  const may = (action: SpaceAction) =>
    standing !== null && decideSpaceAction(standing.viewer, standing.facts, action) === 'ALLOW';
  const manages = standing?.viewer.spaceRole === 'OWNER' || standing?.viewer.spaceRole === 'MODERATOR';
  const analytics = (action: AnalyticsAction) =>
    standing !== null &&
    may('space.read') &&
    decideAnalyticsAction(standing.viewer.orgRole, action, manages) === 'ALLOW';
  return {
    update: may('space.update'),
    setMemberRole: may('space.update'),
    join: standing !== null && checkJoinSpace(standing.viewer, standing.facts) === 'ALLOW',
    leave: standing !== null && checkLeaveSpace(standing.viewer, standing.facts, standing.otherOwners) === 'ALLOW',
    listMembers: may('space.members.list'),
    removeMember: may('space.members.remove'),
    invite: may('space.invite'),
    manageInvitations: may('space.invitations.manage'),
    withdrawConsent: may('space.consent.withdraw'),
    renewConsent: may('space.consent.renew'),
    readAnalytics: analytics('analytics.report'),
    logEffort: analytics('analytics.effort.log'),
  };
}

/** What the viewer may publish and moderate in a space. */
export interface SpaceContentAbilities {
  /** createPost (DISCUSSION, QUESTION, IDEA) */
  post: boolean;
  /** createPost, kind ANNOUNCEMENT */
  postAnnouncement: boolean;
  /** createCampaign */
  createCampaign: boolean;
  /** moderationQueue of the space, resolveReport */
  moderate: boolean;
}

export function spaceContentAbilities(standing: ContentStanding | null, now: Date): SpaceContentAbilities {
  const may = (action: ContentAction) => standing !== null && decideContentActionFor(standing, action, now) === 'ALLOW';
  return {
    post: may('post.create'),
    postAnnouncement: may('post.create') && may('post.announce'),
    createCampaign: may('campaign.create'),
    moderate: may('moderate'),
  };
}

/** The facts of one post (or comment) that its rules read. */
export interface ContentItem {
  isAuthor: boolean;
  deleted: boolean;
  /** The post's kind; absent for a comment. */
  kind?: PostKind;
}

/** The viewer's rule, then the item's own state: exactly what `ContentAccess` and the services check. */
const allows = (standing: ContentStanding | null, item: ContentItem, action: ContentAction, now: Date) =>
  standing !== null &&
  decideContentActionFor(standing, action, now, item.isAuthor) === 'ALLOW' &&
  checkItemState(item, action) === null;

export interface PostAbilities {
  /** updatePost */
  update: boolean;
  /** deletePost */
  delete: boolean;
  /** pinPost */
  pin: boolean;
  /** addComment */
  comment: boolean;
  /** react */
  react: boolean;
  /** reportContent (once while the viewer's report is open) */
  report: boolean;
}

export function postAbilities(standing: ContentStanding | null, post: ContentItem, now: Date): PostAbilities {
  const may = (action: ContentAction) => allows(standing, post, action, now);
  return {
    update: may('post.update'),
    delete: may('post.delete'),
    pin: may('post.pin'),
    comment: may('comment.create'),
    react: may('react'),
    report: may('report'),
  };
}

export interface CommentAbilities {
  /** updateComment */
  update: boolean;
  /** deleteComment */
  delete: boolean;
  /** addComment with this comment as parentId */
  reply: boolean;
  /** reportContent (once while the viewer's report is open) */
  report: boolean;
}

/** `post`: the comment's post, which a reply goes to. */
export function commentAbilities(
  standing: ContentStanding | null,
  comment: Omit<ContentItem, 'kind'>,
  post: ContentItem,
  now: Date,
): CommentAbilities {
  const may = (action: ContentAction) => allows(standing, comment, action, now);
  return {
    update: may('comment.update'),
    delete: may('comment.delete'),
    reply: allows(standing, post, 'comment.create', now),
    report: may('report'),
  };
}

export interface IdeaAbilities {
  /** voteIdea */
  vote: boolean;
  /** unvoteIdea */
  unvote: boolean;
  /** changeIdeaStatus */
  changeStatus: boolean;
  /** The statuses changeIdeaStatus accepts now (empty when changeStatus is false). */
  changeStatusTo: IdeaStatus[];
  /** mergeIdeas with this idea as the duplicate (sourceId) */
  merge: boolean;
}

export function ideaAbilities(
  standing: ContentStanding | null,
  idea: Omit<ContentItem, 'kind'> & { status: IdeaStatus },
  now: Date,
): IdeaAbilities {
  const item: ContentItem = { ...idea, kind: 'IDEA' };
  const may = (action: ContentAction) => allows(standing, item, action, now);
  const changeStatusTo = may('idea.moderate') ? ideaStatusTargets(idea.status) : [];
  return {
    vote: may('idea.vote') && ideaTakesVotes(idea.status),
    unvote: may('idea.vote'),
    changeStatus: changeStatusTo.length > 0,
    changeStatusTo,
    merge: may('idea.moderate') && checkIdeaMerge(idea.status, null) === null,
  };
}
