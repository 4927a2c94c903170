import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, Node } from '@ruche/graphql';
import { User } from '@ruche/identity';
import { toGlobalId } from '@ruche/kernel';
import {
  IDEA_STATUSES,
  POST_KINDS,
  REACTION_KINDS,
  type IdeaAbilities as IdeaAbilityFlags,
  type IdeaStatus,
  type PostAbilities as PostAbilityFlags,
  type PostKind,
  type ReactionKind,
} from '@ruche/policy';
import { postImagesSql, type PostImageRow } from '@ruche/media';
import {
  Badge,
  spaceAccessRowFromJson,
  spaceStandingSql,
  standingOf,
  type AuthorizedSpace,
  type SpaceAccessRow,
} from '@ruche/spaces';
import { authorBadge } from './authors';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const PostKindEnum = enumOf(POST_KINDS);
registerEnumType(PostKindEnum, { name: 'PostKind' });
export const ReactionKindEnum = enumOf(REACTION_KINDS);
registerEnumType(ReactionKindEnum, { name: 'ReactionKind' });
export const IdeaStatusEnum = enumOf(IDEA_STATUSES);
registerEnumType(IdeaStatusEnum, { name: 'IdeaStatus' });
export const FEED_ORDERS = ['NEW', 'TOP', 'TRENDING'] as const;
export type FeedOrder = (typeof FEED_ORDERS)[number];
export const FeedOrderEnum = enumOf(FEED_ORDERS);
registerEnumType(FeedOrderEnum, {
  name: 'FeedOrder',
  description: 'NEW: newest first. TOP: highest score. TRENDING: score decayed by age (Reddit-style "hot").',
});

/** A post row as every read query selects it: the post, its author, their badge and the viewer's own state. */
export interface PostRow {
  id: string;
  organization_id: string;
  space_id: string;
  author_id: string | null;
  author_is_customer: boolean;
  kind: PostKind;
  title: string;
  body: string;
  body_html: string;
  tags: string[];
  pinned_at: Date | null;
  edited_at: Date | null;
  edited_by_moderator: boolean;
  deleted_at: Date | null;
  hidden_at: Date | null;
  mentions: string[];
  comment_count: number;
  reaction_count: number;
  reaction_counts: Partial<Record<ReactionKind, number>>;
  score: number;
  hot_rank: number;
  idea_status: IdeaStatus | null;
  campaign_id: string | null;
  vote_count: number;
  estimated_value: string | null;
  merged_into: string | null;
  status_changed_at: Date | null;
  first_response_at: Date | null;
  created_at: Date;
  updated_at: Date;
  author_name: string | null;
  author_email: string | null;
  author_verified_at: Date | null;
  author_created_at: Date | null;
  account_id: string | null;
  account_name: string | null;
  account_domain: string | null;
  account_created_at: Date | null;
  viewer_reaction: ReactionKind | null;
  viewer_following: boolean;
  viewer_voted: boolean;
  /**
   * Read with the post by the feed and by ContentAccess.post (`preloadSql`), so that a page's `viewerCan` and
   * `images` need no query of their own: what the viewer is to the post's space, their suspension there, the
   * post's images.
   */
  standing?: SpaceAccessRow | null;
  suspended_until?: Date | null;
  images?: PostImageRow[];
}

/** What the viewer is to a post's space, with their suspension there (ContentAccess.standing's answer). */
export type PostStanding = AuthorizedSpace & { suspendedUntil: Date | null };

/**
 * The preloaded columns of `PostRow` for a query over `posts p` for `viewer` at `now` (placeholders): select
 * `columns`, and add `joins` after the FROM clause.
 */
export function preloadSql(viewer: string, now: string): { columns: string; joins: string } {
  return {
    columns: `to_jsonb(sa) AS standing, su.until AS suspended_until, ${postImagesSql('p.id')} AS images`,
    joins: `LEFT JOIN LATERAL (${spaceStandingSql('ARRAY[p.space_id]', viewer, now)}) sa ON true
      LEFT JOIN space_suspensions su ON su.space_id = p.space_id AND su.user_id = ${viewer}`,
  };
}

/**
 * The columns of `PostRow` for a query over `posts p` on behalf of the user in `viewer` (a placeholder): one
 * statement gives a whole page with authors, badges, counts and viewer fields.
 */
export function postSelectSql(viewer: string): string {
  return `p.*, u.display_name AS author_name, u.email AS author_email, u.email_verified_at AS author_verified_at,
      u.created_at AS author_created_at, ca.id AS account_id, ca.name AS account_name, ca.domain AS account_domain,
      ca.created_at AS account_created_at, r.kind AS viewer_reaction, (f.user_id IS NOT NULL) AS viewer_following,
      (v.user_id IS NOT NULL) AS viewer_voted
    FROM posts p
    LEFT JOIN users u ON u.id = p.author_id
    LEFT JOIN space_memberships asm ON asm.space_id = p.space_id AND asm.user_id = p.author_id
    LEFT JOIN customer_accounts ca ON ca.id = asm.customer_account_id
    LEFT JOIN post_reactions r ON r.post_id = p.id AND r.user_id = ${viewer}
    LEFT JOIN post_follows f ON f.post_id = p.id AND f.user_id = ${viewer}
    LEFT JOIN idea_votes v ON v.post_id = p.id AND v.user_id = ${viewer}`;
}

/** The facts of a post its own rule (`checkItemState`) reads. */
export const stateOf = (row: PostRow) => ({ deleted: row.deleted_at !== null, kind: row.kind });

@ObjectType({
  description: 'One width an image is served in (WebP). `url` is served to exactly those who may see the image.',
})
export class ImageVariant {
  @Field(() => Int) width!: number;
  @Field(() => Int, { description: 'Of one frame, for an animation.' }) height!: number;
  @Field() url!: string;
}

@ObjectType({ description: 'An image shown with a post; `url` serves it to those who can read the post.' })
export class Image {
  @Field(() => ID) id!: string;
  @Field({ description: 'The full image (at most 2048 px wide).' }) url!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int, { description: 'Of one frame, for an animation.' }) height!: number;
  @Field({ description: 'An animated GIF or WebP, served as animated WebP.' }) animated!: boolean;
  @Field(() => [ImageVariant], {
    description:
      'Every width the image is served in (of 320, 640, 1024 and its own), narrowest first, never wider than ' +
      'the image; the last is the image itself (`url`). For `srcset` with `sizes`.',
  })
  variants!: ImageVariant[];
  @Field({ description: '`variants` as an HTML `srcset` value: `<url> <width>w, ...`.' }) srcset!: string;
}

@ObjectType({ description: 'Reactions per kind.' })
export class ReactionCounts {
  @Field(() => Int) LIKE!: number;
  @Field(() => Int) CELEBRATE!: number;
  @Field(() => Int) INSIGHTFUL!: number;
  @Field(() => Int) SUPPORT!: number;
  @Field(() => Int) CURIOUS!: number;
}

@ObjectType({
  description: 'What the viewer may do with a post, decided by the same policy as the operations themselves.',
})
export class PostAbilities implements PostAbilityFlags {
  @Field({ description: 'updatePost.' }) update!: boolean;
  @Field({ description: 'deletePost.' }) delete!: boolean;
  @Field({ description: 'pinPost (to pin or unpin it).' }) pin!: boolean;
  @Field({ description: 'addComment.' }) comment!: boolean;
  @Field({ description: 'react.' }) react!: boolean;
  @Field({ description: 'reportContent (once while your report is open).' }) report!: boolean;
}

@ObjectType({
  description: 'What the viewer may do with an idea, decided by the same policy as the operations themselves.',
})
export class IdeaAbilities implements IdeaAbilityFlags {
  @Field({ description: 'voteIdea.' }) vote!: boolean;
  @Field({ description: 'unvoteIdea.' }) unvote!: boolean;
  @Field({ description: 'changeIdeaStatus.' }) changeStatus!: boolean;
  @Field(() => [IdeaStatusEnum], { description: 'The statuses changeIdeaStatus accepts now, in funnel order.' })
  changeStatusTo!: IdeaStatus[];
  @Field({ description: 'mergeIdeas with this idea as the duplicate (sourceId).' }) merge!: boolean;
}

@ObjectType({ description: 'The idea side of a post of kind IDEA.' })
export class IdeaDetails {
  @Field(() => IdeaStatusEnum) status!: IdeaStatus;
  @Field(() => Int) voteCount!: number;
  @Field({ description: 'Whether the viewer voted for it.' }) viewerVoted!: boolean;
  @Field(() => ID, { nullable: true }) campaignId!: string | null;
  @Field(() => Float, { nullable: true, description: 'Estimated value (currency of the organization), for ROI.' })
  estimatedValue!: number | null;
  @Field(() => ID, { nullable: true, description: 'The idea this one was merged into.' }) mergedIntoId!: string | null;
  @Field(() => Date, { nullable: true }) statusChangedAt!: Date | null;

  /** Internal: the post's facts, for `viewerCan`. */
  post!: Pick<Post, 'spaceUuid' | 'authorId' | 'deleted' | 'preload'>;
}

@ObjectType({ implements: () => [Node], description: 'Fetch one again with post(id) or node(id).' })
export class Post {
  @Field(() => ID) id!: string;
  @Field(() => ID) spaceId!: string;
  @Field(() => PostKindEnum) kind!: PostKind;
  @Field() title!: string;
  @Field({ description: 'Markdown source.' }) body!: string;
  @Field({ description: 'Sanitized HTML rendering of the Markdown: safe to display as is.' }) bodyHtml!: string;
  @Field(() => [String]) tags!: string[];
  @Field(() => User, { nullable: true, description: 'Null once the account is gone.' }) author!: User | null;
  @Field(() => Badge, { description: '"Employee" or "Customer · <company>", as the author was when posting.' })
  authorBadge!: Badge;
  @Field() pinned!: boolean;
  @Field({ description: 'A deleted post stays as a tombstone so its thread remains readable.' }) deleted!: boolean;
  @Field({ description: "Hidden by a moderator: only its author and the space's moderators still see it." })
  hidden!: boolean;
  @Field(() => Date, { nullable: true }) editedAt!: Date | null;
  @Field({ description: 'The last edit was made by a moderator, not the author.' }) editedByModerator!: boolean;
  @Field(() => Int) commentCount!: number;
  @Field(() => Int) reactionCount!: number;
  @Field(() => ReactionCounts) reactionCounts!: ReactionCounts;
  @Field(() => Int, { description: 'Reactions + 2 × comments + 2 × votes: the TOP order.' }) score!: number;
  @Field(() => ReactionKindEnum, { nullable: true, description: "The viewer's reaction." })
  viewerReaction!: ReactionKind | null;
  @Field({ description: 'The viewer follows the thread (authors and commenters do).' }) viewerFollowing!: boolean;
  @Field(() => IdeaDetails, { nullable: true }) idea!: IdeaDetails | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;

  postId!: string;
  spaceUuid!: string;
  /** Internal: the author's uuid (null once the account is gone). */
  authorId!: string | null;
  /** Internal: the mentioned users' uuids, for the `mentions` field. */
  mentionIds!: string[];
  /** Internal: read with the post (PostRow.standing, images), so field resolvers need not query for them. */
  preload?: PostPreload;

  static from(row: PostRow, viewerId: string): Post {
    const deleted = row.deleted_at !== null;
    const counts = Object.fromEntries(REACTION_KINDS.map((k) => [k, row.reaction_counts?.[k] ?? 0]));
    const preload: PostPreload | undefined =
      row.standing === undefined
        ? undefined
        : {
            standing: row.standing && {
              ...standingOf(spaceAccessRowFromJson(row.standing)),
              suspendedUntil: row.suspended_until ?? null,
            },
            images: row.images,
          };
    const facts = { spaceUuid: row.space_id, authorId: row.author_id, deleted, preload };
    return Object.assign(new Post(), {
      preload,
      id: toGlobalId('Post', row.id),
      postId: row.id,
      spaceUuid: row.space_id,
      authorId: row.author_id,
      mentionIds: deleted ? [] : (row.mentions ?? []),
      spaceId: toGlobalId('Space', row.space_id),
      kind: row.kind,
      title: deleted ? '[deleted]' : row.title,
      body: deleted ? '' : row.body,
      bodyHtml: deleted ? '' : row.body_html,
      tags: deleted ? [] : row.tags,
      author:
        row.author_id && row.author_name && row.author_created_at
          ? User.from(
              {
                id: row.author_id,
                displayName: row.author_name,
                email: row.author_email ?? '',
                emailVerifiedAt: row.author_verified_at,
                createdAt: row.author_created_at,
              } as Parameters<typeof User.from>[0],
              viewerId,
            )
          : null,
      authorBadge: authorBadge(row.author_is_customer, row),
      pinned: row.pinned_at !== null,
      deleted,
      hidden: row.hidden_at !== null,
      editedAt: row.edited_at,
      editedByModerator: row.edited_by_moderator,
      commentCount: row.comment_count,
      reactionCount: row.reaction_count,
      reactionCounts: counts,
      score: row.score,
      viewerReaction: row.viewer_reaction,
      viewerFollowing: row.viewer_following,
      idea: row.idea_status
        ? Object.assign(new IdeaDetails(), {
            post: facts,
            status: row.idea_status,
            voteCount: row.vote_count,
            viewerVoted: row.viewer_voted,
            campaignId: row.campaign_id ? toGlobalId('Campaign', row.campaign_id) : null,
            estimatedValue: row.estimated_value === null ? null : Number(row.estimated_value),
            mergedIntoId: row.merged_into ? toGlobalId('Post', row.merged_into) : null,
            statusChangedAt: row.status_changed_at,
          })
        : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}

export interface PostPreload {
  standing: PostStanding | null;
  images: PostImageRow[] | undefined;
}

export const PostConnection = ConnectionType(Post);

@ObjectType({ description: 'An earlier version of a post, kept at each edit.' })
export class PostRevision {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() body!: string;
  @Field(() => [String]) tags!: string[];
  @Field(() => User, { nullable: true }) editor!: User | null;
  @Field() byModerator!: boolean;
  @Field({ description: 'When this version was replaced.' }) replacedAt!: Date;

  editorId!: string | null;
}

export const PostRevisionConnection = ConnectionType(PostRevision);

@ObjectType()
export class PostPayload {
  @Field(() => Post) post!: Post;
}
