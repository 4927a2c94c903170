import { decideContentAction, moderatesSpace, type ContentAction } from './content.policy';
import type { OrgRole } from './organization.policy';
import type { SpaceDecision, SpaceFacts, SpaceRole, ViewerInSpace } from './space.policy';

export const REPORT_REASONS = ['SPAM', 'ABUSE', 'OFF_TOPIC', 'PERSONAL_DATA', 'OTHER'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const REPORT_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const MODERATION_ACTIONS = ['HIDE', 'RESTORE', 'DISMISS', 'SUSPEND'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export const SUSPENSION_DAYS = { default: 7, min: 1, max: 365 } as const;

/**
 * HIDE, DISMISS and SUSPEND decide an open report. RESTORE may also undo an earlier decision on a resolved
 * one: a moderator who hid something by mistake shows it again from the same report.
 */
export function canResolve(status: ReportStatus, action: ModerationAction): boolean {
  return status === 'OPEN' || action === 'RESTORE';
}

/** A suspension is for participants: the space's own moderators (and org admins) cannot be suspended from it. */
export function canBeSuspended(author: Pick<ViewerInSpace, 'orgRole' | 'spaceRole'>): boolean {
  return author.orgRole !== null && !moderatesSpace(author);
}

/** Taking part, which a suspension blocks; reading, reporting and deleting one's own content stay open. */
const PARTICIPATION: ReadonlySet<ContentAction> = new Set<ContentAction>([
  'post.create',
  'post.update',
  'comment.create',
  'comment.update',
  'react',
  'idea.vote',
]);

export const suspensionApplies = (action: ContentAction): boolean => PARTICIPATION.has(action);

/** A running suspension blocks participation until `until`; moderators of the space are never blocked. */
export function suspensionBlocks(
  v: Pick<ViewerInSpace, 'orgRole' | 'spaceRole'>,
  action: ContentAction,
  until: Date | null,
  now: Date,
): boolean {
  return until !== null && until > now && suspensionApplies(action) && !moderatesSpace(v);
}

/** What the viewer is to a space, for content: their roles and consent, the space, a suspension's end if any. */
export interface ContentStanding {
  viewer: ViewerInSpace;
  facts: SpaceFacts;
  /** When the viewer's suspension from the space ends (null: never suspended there). */
  suspendedUntil: Date | null;
}

/** SUSPENDED: the viewer reads the space but may not take part until their suspension ends. */
export type ContentDecision = SpaceDecision | 'SUSPENDED';

/**
 * The whole content rule, as `ContentAccess` enforces it and abilities report it: `decideContentAction`, then a
 * running suspension (participation only).
 */
export function decideContentActionFor(
  standing: ContentStanding,
  action: ContentAction,
  now: Date,
  isAuthor = false,
): ContentDecision {
  const decision = decideContentAction(standing.viewer, standing.facts, action, isAuthor);
  if (decision !== 'ALLOW') return decision;
  return suspensionBlocks(standing.viewer, action, standing.suspendedUntil, now) ? 'SUSPENDED' : 'ALLOW';
}

/** Content hidden by a moderator stays visible to its author and the space's moderators only. */
export function canSeeHidden(v: Pick<ViewerInSpace, 'orgRole' | 'spaceRole'>, isAuthor: boolean): boolean {
  return isAuthor || moderatesSpace(v);
}

/**
 * SQL for the ids of the spaces `viewer` moderates (same rule as `moderatesSpace` among readable spaces, and as
 * `ruche_managed_spaces()`): every space of an organization they administer, those they own or moderate as an
 * employee. `viewer` is a placeholder such as `$1`.
 */
export function moderatedSpaceIdsSql(viewer: string): string {
  return `(
    SELECT s.id FROM spaces s
    JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ${viewer}
    WHERE om.role IN ('OWNER', 'ADMIN')
    UNION
    SELECT sm.space_id FROM space_memberships sm
    JOIN spaces s ON s.id = sm.space_id
    JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
    WHERE sm.user_id = ${viewer} AND sm.role IN ('OWNER', 'MODERATOR') AND om.role <> 'CUSTOMER'
  )`;
}

/** SQL twin of `canSeeHidden` for a `posts` or `comments` row aliased `alias`, in lists. */
export function visibleContentSql(alias: string, viewer: string): string {
  return `(${alias}.hidden_at IS NULL OR ${alias}.author_id = ${viewer} OR ${alias}.space_id IN ${moderatedSpaceIdsSql(viewer)})`;
}

/**
 * Newcomer limits (Discourse's trust level 0, for customers): a customer in their first `days` in a space, with
 * fewer than `contributions` posts and comments there, gets small budgets. Either condition lifts them.
 */
export const NEWCOMER_LIMITS = {
  days: 3,
  contributions: 5,
  postsPerDay: 3,
  linksPerItem: 2,
  mentionsPerItem: 2,
} as const;
export type NewcomerLimits = { readonly [K in keyof typeof NEWCOMER_LIMITS]: number };

export interface NewcomerFacts {
  orgRole: OrgRole | null;
  spaceRole: SpaceRole | null;
  /** When they joined the space (their membership), null if they are not a member. */
  joinedAt: Date | null;
  /** Their posts and comments in the space that were not hidden by a moderator. */
  contributions: number;
  /** When each of their posts in the space in the last 24 hours was created. */
  recentPostTimes: Date[];
}

export interface NewItem {
  /** A new post (counts against the daily budget); false for a comment or an edit. */
  newPost: boolean;
  links: number;
  mentions: number;
}

export type NewcomerVerdict =
  | { ok: true }
  | { ok: false; code: 'BAD_USER_INPUT'; fieldErrors: Record<string, string[]> }
  | { ok: false; code: 'RATE_LIMITED'; retryAfterSeconds: number };

const DAY_MS = 86_400_000;

export function isNewcomer(f: NewcomerFacts, now: Date, limits: NewcomerLimits = NEWCOMER_LIMITS): boolean {
  if (f.orgRole !== 'CUSTOMER' || f.spaceRole !== 'CUSTOMER' || f.joinedAt === null) return false;
  return now.getTime() - f.joinedAt.getTime() < limits.days * DAY_MS && f.contributions < limits.contributions;
}

export function checkNewcomerLimits(
  f: NewcomerFacts,
  item: NewItem,
  now: Date,
  limits: NewcomerLimits = NEWCOMER_LIMITS,
): NewcomerVerdict {
  if (!isNewcomer(f, now, limits)) return { ok: true };
  if (item.newPost && f.recentPostTimes.length >= limits.postsPerDay) {
    // The next post is allowed once enough of the day's posts are more than 24 hours old.
    const times = f.recentPostTimes.map((d) => d.getTime()).sort((a, b) => a - b);
    const freedAt = times[times.length - limits.postsPerDay]! + DAY_MS;
    return {
      ok: false,
      code: 'RATE_LIMITED',
      retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000)),
    };
  }
  const fieldErrors: Record<string, string[]> = {};
  const until = `during their first ${limits.days} days or ${limits.contributions} contributions`;
  if (item.links > limits.linksPerItem) {
    fieldErrors.body = [`new members may include at most ${limits.linksPerItem} links ${until}`];
  }
  if (item.mentions > limits.mentionsPerItem) {
    fieldErrors.mentions = [`new members may mention at most ${limits.mentionsPerItem} people ${until}`];
  }
  return Object.keys(fieldErrors).length > 0 ? { ok: false, code: 'BAD_USER_INPUT', fieldErrors } : { ok: true };
}
