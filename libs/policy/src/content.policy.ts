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

/** What the state of the post or comment acted on refuses, whoever asks. */
export type ItemRefusal = 'DELETED' | 'NOT_AN_IDEA';

/** Actions a deleted post or comment (a tombstone kept so its thread stays readable) refuses. */
const LIVE_ONLY: ReadonlySet<ContentAction> = new Set<ContentAction>([
  'post.update',
  'post.pin',
  'comment.create',
  'comment.update',
  'react',
  'idea.vote',
  'idea.moderate',
  'report',
]);

/**
 * The item's own rule, after the viewer's (`decideContentAction`): a deleted post or comment can still be read
 * and deleted again (nothing happens), nothing else; idea actions need a post of kind IDEA. `kind` is the
 * post's (absent for a comment). Null: the item's state refuses nothing.
 */
export function checkItemState(item: { deleted: boolean; kind?: PostKind }, action: ContentAction): ItemRefusal | null {
  if ((action === 'idea.vote' || action === 'idea.moderate') && item.kind !== 'IDEA') return 'NOT_AN_IDEA';
  return item.deleted && LIVE_ONLY.has(action) ? 'DELETED' : null;
}

/**
 * The idea funnel NEW → UNDER_REVIEW → PLANNED → IN_PROGRESS → IMPLEMENTED, or DECLINED. Moderators may skip
 * or step back a stage (as in IdeaScale); IMPLEMENTED and MERGED are final; MERGED only through mergeIdeas.
 */
export function canMoveIdea(from: IdeaStatus, to: IdeaStatus): boolean {
  return from !== to && from !== 'IMPLEMENTED' && from !== 'MERGED' && to !== 'MERGED';
}

/** Where a moderator may move an idea that is at `from` (`canMoveIdea`), in funnel order. */
export function ideaStatusTargets(from: IdeaStatus): IdeaStatus[] {
  return IDEA_STATUSES.filter((to) => canMoveIdea(from, to));
}

/** A merged idea takes no more votes: they went to the idea it was merged into. */
export function ideaTakesVotes(status: IdeaStatus): boolean {
  return status !== 'MERGED';
}

export type MergeRefusal = 'FINAL_STATUS' | 'ALREADY_MERGED';

/**
 * Merging a duplicate (`source`) into `target` (null: any target, for what the duplicate itself allows): an
 * implemented idea is final; a merged idea is neither merged again nor merged into. Null: allowed.
 */
export function checkIdeaMerge(source: IdeaStatus, target: IdeaStatus | null): MergeRefusal | null {
  if (source === 'IMPLEMENTED') return 'FINAL_STATUS';
  if (source === 'MERGED' || target === 'MERGED') return 'ALREADY_MERGED';
  return null;
}
