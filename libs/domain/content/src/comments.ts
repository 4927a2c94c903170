import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Db } from '@ruche/database';
import {
  ConnectionType,
  Node,
  cursorTimestampSql,
  decodeCursor,
  MultilineText,
  toConnection,
  type Connection,
  type ConnectionArgs,
} from '@ruche/graphql';
import { User } from '@ruche/identity';
import { badInput, Clock, fromGlobalId, notFound, toGlobalId } from '@ruche/kernel';
import {
  canSeeHidden,
  checkItemState,
  visibleContentSql,
  type CommentAbilities as CommentAbilityFlags,
} from '@ruche/policy';
import { Badge } from '@ruche/spaces';
import { author, authorBadge } from './authors';
import { ContentAccess } from './content-access';
import { renderMarkdown } from './markdown';
import { Mentions } from './mentions';
import { NewcomerLimits } from './newcomers';
import { Notifications } from './notifications';
import { MENTIONS_DESCRIPTION, OptionalIds } from './post.inputs';
import { Post, stateOf } from './post.types';
import { PostsService } from './posts.service';

@ObjectType({
  description: 'What the viewer may do with a comment, decided by the same policy as the operations themselves.',
})
export class CommentAbilities implements CommentAbilityFlags {
  @Field({ description: 'updateComment.' }) update!: boolean;
  @Field({ description: 'deleteComment.' }) delete!: boolean;
  @Field({ description: 'addComment with this comment as parentId.' }) reply!: boolean;
  @Field({ description: 'reportContent (once while your report is open).' }) report!: boolean;
}

@ObjectType({ implements: () => [Node], description: 'Fetch one again with node(id).' })
export class Comment {
  @Field(() => ID) id!: string;
  @Field(() => ID) postId!: string;
  @Field(() => ID, { nullable: true, description: 'The comment this one answers.' }) parentId!: string | null;
  @Field({ description: 'Markdown source.' }) body!: string;
  @Field({ description: 'Sanitized HTML rendering: safe to display as is.' }) bodyHtml!: string;
  @Field(() => User, { nullable: true }) author!: User | null;
  @Field(() => Badge) authorBadge!: Badge;
  @Field({ description: "An employee's first answer to a customer's post or to a question." }) firstResponse!: boolean;
  @Field() deleted!: boolean;
  @Field({ description: "Hidden by a moderator: only its author and the space's moderators still see it." })
  hidden!: boolean;
  @Field(() => Date, { nullable: true }) editedAt!: Date | null;
  @Field() createdAt!: Date;

  /** Internal: the facts its rules read, for `viewerCan`. */
  spaceUuid!: string;
  authorId!: string | null;
  post!: { authorId: string | null; deleted: boolean };
}

export const CommentConnection = ConnectionType(Comment);

@ObjectType()
export class CommentPayload {
  @Field(() => Comment) comment!: Comment;
  @Field(() => Post) post!: Post;
}

@InputType()
export class AddCommentInput {
  @Field(() => ID) @IsString() @MaxLength(200) postId!: string;
  @Field(() => ID, { nullable: true, description: 'Answer to this comment (same post).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  parentId?: string;
  @MultilineText() @Field() @IsString() @Length(1, 20_000) body!: string;
  @OptionalIds(20, MENTIONS_DESCRIPTION) mentions?: string[];
}

@InputType()
export class UpdateCommentInput {
  @Field(() => ID) @IsString() @MaxLength(200) commentId!: string;
  @MultilineText() @Field() @IsString() @Length(1, 20_000) body!: string;
}

interface CommentRow {
  id: string;
  post_id: string;
  space_id: string;
  parent_id: string | null;
  author_id: string | null;
  author_is_customer: boolean;
  body: string;
  body_html: string;
  first_response: boolean;
  edited_at: Date | null;
  deleted_at: Date | null;
  hidden_at: Date | null;
  created_at: Date;
  post_author_id: string | null;
  post_deleted: boolean;
  author_name: string | null;
  author_created_at: Date | null;
  account_id: string | null;
  account_name: string | null;
  account_domain: string | null;
  account_created_at: Date | null;
}

const COMMENT_SELECT = `c.*, u.display_name AS author_name, u.created_at AS author_created_at,
    ca.id AS account_id, ca.name AS account_name, ca.domain AS account_domain, ca.created_at AS account_created_at,
    cp.author_id AS post_author_id, (cp.deleted_at IS NOT NULL) AS post_deleted
  FROM comments c
  LEFT JOIN posts cp ON cp.id = c.post_id
  LEFT JOIN users u ON u.id = c.author_id
  LEFT JOIN space_memberships asm ON asm.space_id = c.space_id AND asm.user_id = c.author_id
  LEFT JOIN customer_accounts ca ON ca.id = asm.customer_account_id`;

function toComment(r: CommentRow): Comment {
  const deleted = r.deleted_at !== null;
  return Object.assign(new Comment(), {
    id: toGlobalId('Comment', r.id),
    postId: toGlobalId('Post', r.post_id),
    parentId: r.parent_id ? toGlobalId('Comment', r.parent_id) : null,
    body: deleted ? '' : r.body,
    bodyHtml: deleted ? '' : r.body_html,
    author: author(r.author_id, r.author_name, r.author_created_at),
    authorBadge: authorBadge(r.author_is_customer, r),
    firstResponse: r.first_response,
    deleted,
    hidden: r.hidden_at !== null,
    editedAt: r.edited_at,
    createdAt: r.created_at,
    spaceUuid: r.space_id,
    authorId: r.author_id,
    post: { authorId: r.post_author_id, deleted: r.post_deleted },
  });
}

/** Threaded comments: a comment may answer another one of the same post. */
@Injectable()
export class CommentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: ContentAccess,
    private readonly posts: PostsService,
    private readonly notifications: Notifications,
    private readonly mentions: Mentions,
    private readonly newcomers: NewcomerLimits,
  ) {}

  async add(viewerId: string, input: AddCommentInput): Promise<{ comment: Comment; post: Post; row: CommentRow }> {
    return this.db.transaction(async () => {
      const { row: post, access } = await this.access.post(viewerId, input.postId, 'comment.create');
      if (checkItemState(stateOf(post), 'comment.create')) {
        throw badInput({ postId: ['a deleted post takes no new comments'] });
      }
      let parentId: string | null = null;
      if (input.parentId !== undefined) {
        parentId = fromGlobalId(input.parentId, 'Comment');
        const [parent]: { post_id: string }[] = await this.db.manager.query(
          'SELECT post_id FROM comments WHERE id = $1',
          [parentId],
        );
        if (!parent || parent.post_id !== post.id) throw notFound('Comment');
      }
      const mentions = await this.mentions.resolve(input.mentions, post.space_id);
      await this.newcomers.enforce(viewerId, post.space_id, {
        newPost: false,
        body: input.body,
        mentions: mentions.length,
      });
      const id = randomUUID();
      const now = this.clock.now();
      await this.db.manager.query(
        `INSERT INTO comments (id, post_id, space_id, parent_id, author_id, author_is_customer, body, body_html, created_at, updated_at, mentions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
        [
          id,
          post.id,
          post.space_id,
          parentId,
          viewerId,
          access.viewer.orgRole === 'CUSTOMER',
          input.body,
          renderMarkdown(input.body),
          now,
          mentions,
        ],
      );
      // Everyone following the thread hears of it (grouped per thread when they read).
      const followers: { user_id: string }[] = await this.db.manager.query(
        'SELECT user_id FROM post_follows WHERE post_id = $1',
        [post.id],
      );
      await this.notifications.fanOut({
        kind: 'COMMENT',
        organizationId: post.organization_id,
        spaceId: post.space_id,
        postId: post.id,
        commentId: id,
        actorId: viewerId,
        recipients: followers.map((f) => f.user_id),
      });
      await this.mentions.notify(mentions, {
        organizationId: post.organization_id,
        spaceId: post.space_id,
        postId: post.id,
        commentId: id,
        actorId: viewerId,
      });
      await this.posts.follow(post.id, post.space_id, viewerId);
      const row = await this.row(id);
      return { comment: toComment(row!), post: await this.posts.view(viewerId, post.id), row: row! };
    });
  }

  async update(viewerId: string, input: UpdateCommentInput): Promise<Comment> {
    return this.db.transaction(async () => {
      const row = await this.authorize(viewerId, input.commentId, 'comment.update');
      if (checkItemState({ deleted: row.deleted_at !== null }, 'comment.update')) {
        throw badInput({ commentId: ['a deleted comment cannot be edited'] });
      }
      await this.newcomers.enforce(viewerId, row.space_id, { newPost: false, body: input.body, mentions: 0 });
      await this.db.manager.query(
        'UPDATE comments SET body = $2, body_html = $3, edited_at = $4, updated_at = $4 WHERE id = $1',
        [row.id, input.body, renderMarkdown(input.body), this.clock.now()],
      );
      return toComment((await this.row(row.id))!);
    });
  }

  async remove(viewerId: string, commentGlobalId: string): Promise<Comment> {
    return this.db.transaction(async () => {
      const row = await this.authorize(viewerId, commentGlobalId, 'comment.delete');
      if (!row.deleted_at) {
        await this.db.manager.query('UPDATE comments SET deleted_at = $2, updated_at = $2 WHERE id = $1', [
          row.id,
          this.clock.now(),
        ]);
      }
      return toComment((await this.row(row.id))!);
    });
  }

  /** A post's comments, oldest first (answers carry their parent id). */
  async forPost(viewerId: string, postId: string, args: ConnectionArgs): Promise<Connection<Comment>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    return this.db.transaction(async () => {
      const rows: (CommentRow & { position: string })[] = await this.db.manager.query(
        `SELECT ${cursorTimestampSql('c.created_at')} AS position, ${COMMENT_SELECT}
         WHERE c.post_id = $1 AND ${visibleContentSql('c', '$5')}
           AND ($2::timestamptz IS NULL OR (c.created_at, c.id) > ($2::timestamptz, $3::uuid))
         ORDER BY c.created_at, c.id LIMIT $4`,
        [postId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1, viewerId],
      );
      return toConnection(
        rows,
        args,
        (r) => [r.position, r.id],
        (r) => toComment(r),
      );
    });
  }

  /**
   * One comment, as the thread of its post shows it (`Post.comments`): the post must be readable by the viewer,
   * and a comment hidden by a moderator exists only for its author and the moderators. For `node(id)`.
   */
  async get(viewerId: string, commentGlobalId: string): Promise<Comment> {
    return this.db.transaction(async () => {
      const row = await this.row(fromGlobalId(commentGlobalId, 'Comment'));
      if (!row) throw notFound('Comment');
      const { access } = await this.access.postOf(viewerId, row.post_id, 'post.read', 'Comment');
      if (row.hidden_at && !canSeeHidden(access.viewer, row.author_id === viewerId)) throw notFound('Comment');
      return toComment(row);
    });
  }

  private async authorize(viewerId: string, commentGlobalId: string, action: 'comment.update' | 'comment.delete') {
    const row = await this.row(fromGlobalId(commentGlobalId, 'Comment'));
    if (!row) throw notFound('Comment');
    await this.access.inSpace(viewerId, row.space_id, action, 'Comment', row.author_id === viewerId);
    return row;
  }

  /** Comments by id, in one query (a page of the moderation queue). */
  async byIds(ids: string[]): Promise<Map<string, Comment>> {
    const rows: CommentRow[] = await this.db.manager.query(`SELECT ${COMMENT_SELECT} WHERE c.id = ANY ($1::uuid[])`, [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, toComment(r)]));
  }

  private async row(id: string): Promise<CommentRow | null> {
    const [row]: CommentRow[] = await this.db.manager.query(`SELECT ${COMMENT_SELECT} WHERE c.id = $1`, [id]);
    return row ?? null;
  }
}
