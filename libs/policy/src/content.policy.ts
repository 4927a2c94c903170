import { isEmployee, isOrgAdmin } from './organization.policy';
import {
  canReadSpace,
  decideSpaceAction,
  type SpaceDecision,
  type SpaceFacts,
  type ViewerInSpace,
} from './space.policy';

export const POST_KINDS = ['DISCUSSION', 'QUESTION', 'IDEA', 'ANNOUNCEMENT'] as const;
export type PostKind = (typeof POST_KINDS)[number];
export const REACTION_KINDS = ['LIKE', 'CELEBRATE', 'INSIGHTFUL', 'SUPPORT', 'CURIOUS'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];
export const IDEA_STATUSES = [
  'NEW',
  'UNDER_REVIEW',
  'PLANNED',
  'IN_PROGRESS',
  'IMPLEMENTED',
  'DECLINED',
  'MERGED',
] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

export type ContentAction =
  | 'post.read'
  | 'post.create'
  | 'post.announce'
  | 'post.update'
  | 'post.delete'
  | 'post.pin'
  | 'comment.create'
  | 'comment.update'
  | 'comment.delete'
  | 'react'
  | 'idea.vote'
  | 'idea.moderate'
  | 'campaign.create'
  | 'report'
  | 'moderate';

/** Someone who reads a space takes part in it: any employee who reads it, a customer with current consent. */
export function canParticipate(v: ViewerInSpace, s: SpaceFacts): boolean {
  return canReadSpace(v, s) && (isEmployee(v.orgRole) || v.spaceRole === 'CUSTOMER');
}

/** Owners and moderators of the space, and the organization's admins. */
export function moderatesSpace(v: Pick<ViewerInSpace, 'orgRole' | 'spaceRole'>): boolean {
  return isOrgAdmin(v.orgRole) || v.spaceRole === 'OWNER' || v.spaceRole === 'MODERATOR';
}

/**
 * What a viewer may do with content of a space. The space's own rule comes first (NOT_FOUND for what they
 * cannot read, CONSENT_REQUIRED for a customer behind the consent gate); `isAuthor` says whether the
 * viewer wrote the post or comment in question.
 */
export function decideContentAction(
  v: ViewerInSpace,
  s: SpaceFacts,
  action: ContentAction,
  isAuthor = false,
): SpaceDecision {
  const base = decideSpaceAction(v, s, 'space.read');
  if (base !== 'ALLOW') return base;
  const participates = canParticipate(v, s);
  switch (action) {
    case 'post.read':
    case 'report':
      return 'ALLOW';
    case 'post.create':
    case 'comment.create':
    case 'react':
    case 'idea.vote':
      return participates ? 'ALLOW' : 'FORBIDDEN';
    case 'post.announce':
    case 'post.pin':
    case 'idea.moderate':
    case 'campaign.create':
    case 'moderate':
      return moderatesSpace(v) ? 'ALLOW' : 'FORBIDDEN';
    case 'post.update':
    case 'post.delete':
    case 'comment.update':
    case 'comment.delete':
      return (isAuthor && participates) || moderatesSpace(v) ? 'ALLOW' : 'FORBIDDEN';
  }
}

/**
 * The idea funnel NEW → UNDER_REVIEW → PLANNED → IN_PROGRESS → IMPLEMENTED, or DECLINED. Moderators may skip
 * or step back a stage (as in IdeaScale); IMPLEMENTED and MERGED are final; MERGED only through mergeIdeas.
 */
export function canMoveIdea(from: IdeaStatus, to: IdeaStatus): boolean {
  return from !== to && from !== 'IMPLEMENTED' && from !== 'MERGED' && to !== 'MERGED';
}
