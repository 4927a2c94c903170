import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { cursorTimestampSql, decodeCursor, toConnection, type Connection, type ConnectionArgs } from '@ruche/graphql';
import { badInput, Clock, fromGlobalId, notFound, toGlobalId } from '@ruche/kernel';
import { checkItemState, type ReactionKind } from '@ruche/policy';
import { Uploads } from '@ruche/media';
import { ContentAccess } from './content-access';
import { renderMarkdown } from './markdown';
import { Mentions } from './mentions';
import { NewcomerLimits } from './newcomers';
import type { CreatePostInput, FeedArgs, UpdatePostInput } from './post.inputs';
import { feedCursorParts, feedStatement } from './feed.query';
import { withReaction } from './post-counts';
import { Post, PostRevision, stateOf, type PostRow } from './post.types';

const normalizeTags = (tags: string[] | undefined) => [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()))];

@Injectable()
export class PostsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: ContentAccess,
    private readonly uploads: Uploads,
    private readonly mentions: Mentions,
    private readonly newcomers: NewcomerLimits,
  ) {}

  async create(viewerId: string, input: CreatePostInput): Promise<Post> {
    const spaceId = fromGlobalId(input.spaceId, 'Space');
    return this.db.transaction(async () => {
      const { space, viewer } = await this.access.inSpace(viewerId, spaceId, 'post.create');
      const kind = input.kind ?? 'DISCUSSION';
      if (kind === 'ANNOUNCEMENT') await this.access.inSpace(viewerId, spaceId, 'post.announce');
      const campaignId = await this.campaignFor(input.campaignId, kind, space.id);
      const mentions = await this.mentions.resolve(input.mentions, space.id);
      await this.newcomers.enforce(viewerId, space.id, { newPost: true, body: input.body, mentions: mentions.length });
      const id = randomUUID();
      const now = this.clock.now();
      await this.db.manager.query(
        `INSERT INTO posts (id, organization_id, space_id, author_id, author_is_customer, kind, title, body, body_html,
                            tags, idea_status, campaign_id, hot_rank, created_at, updated_at, mentions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)`,
        [
          id,
          space.organization_id,
          space.id,
          viewerId,
          viewer.orgRole === 'CUSTOMER',
          kind,
          input.title.trim(),
          input.body,
          renderMarkdown(input.body),
          normalizeTags(input.tags),
          kind === 'IDEA' ? 'NEW' : null,
          campaignId,
          now.getTime() / 1000 / 45_000,
          now,
          mentions,
        ],
      );
      await this.uploads.attach(
        input.imageIds ?? [],
        { id, spaceId: space.id, organizationId: space.organization_id },
        viewerId,
      );
      await this.follow(id, space.id, viewerId);
      const at = { organizationId: space.organization_id, spaceId: space.id, postId: id, actorId: viewerId };
      await this.mentions.notify(mentions, at);
      return this.view(viewerId, id);
    });
  }

  /** Edits keep the previous version; an edit by someone else than the author is marked as a moderator's. */
  async update(viewerId: string, input: UpdatePostInput): Promise<Post> {
    return this.db.transaction(async () => {
      const { row } = await this.access.post(viewerId, input.postId, 'post.update');
      if (checkItemState(stateOf(row), 'post.update')) throw badInput({ postId: ['a deleted post cannot be edited'] });
      const byModerator = row.author_id !== viewerId;
      const mentions = input.mentions ? await this.mentions.resolve(input.mentions, row.space_id) : row.mentions;
      await this.newcomers.enforce(viewerId, row.space_id, {
        newPost: false,
        body: input.body ?? row.body,
        mentions: mentions.length,
      });
      const now = this.clock.now();
      await this.db.manager.query(
        `INSERT INTO post_revisions (post_id, space_id, editor_id, by_moderator, title, body, tags, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [row.id, row.space_id, viewerId, byModerator, row.title, row.body, row.tags, now],
      );
      const body = input.body ?? row.body;
      await this.db.manager.query(
        `UPDATE posts SET title = $2, body = $3, body_html = $4, tags = $5, edited_at = $6, edited_by_moderator = $7,
                          updated_at = $6, mentions = $8
         WHERE id = $1`,
        [
          row.id,
          input.title?.trim() ?? row.title,
          body,
          renderMarkdown(body),
          input.tags ? normalizeTags(input.tags) : row.tags,
          now,
          byModerator,
          mentions,
        ],
      );
      await this.uploads.attach(
        input.imageIds ?? [],
        { id: row.id, spaceId: row.space_id, organizationId: row.organization_id },
        viewerId,
      );
      // Only people newly mentioned by this edit hear of it.
      const added = mentions.filter((m) => !row.mentions.includes(m));
      await this.mentions.notify(added, {
        organizationId: row.organization_id,
        spaceId: row.space_id,
        postId: row.id,
        actorId: viewerId,
      });
      return this.view(viewerId, row.id);
    });
  }

  /** Soft delete: the post stays as a tombstone so its comments remain readable. */
  async remove(viewerId: string, postGlobalId: string): Promise<Post> {
    return this.db.transaction(async () => {
      const { row } = await this.access.post(viewerId, postGlobalId, 'post.delete');
      if (!row.deleted_at) {
        const now = this.clock.now();
        await this.db.manager.query(
          'UPDATE posts SET deleted_at = $2, deleted_by = $3, pinned_at = NULL, updated_at = $2 WHERE id = $1',
          [row.id, now, viewerId],
        );
      }
      return this.view(viewerId, row.id);
    });
  }

  async pin(viewerId: string, postGlobalId: string, pinned: boolean): Promise<Post> {
    return this.db.transaction(async () => {
      const { row } = await this.access.post(viewerId, postGlobalId, 'post.pin');
      if (checkItemState(stateOf(row), 'post.pin')) throw badInput({ postId: ['a deleted post cannot be pinned'] });
      await this.db.manager.query('UPDATE posts SET pinned_at = $2 WHERE id = $1', [
        row.id,
        pinned ? this.clock.now() : null,
      ]);
      return this.view(viewerId, row.id);
    });
  }

  async get(viewerId: string, postGlobalId: string): Promise<Post> {
    return this.db.transaction(async () =>
      Post.from((await this.access.post(viewerId, postGlobalId, 'post.read')).row, viewerId),
    );
  }

  /**
   * One space, or every space the viewer can read (filtered in SQL, before pagination). One statement for the
   * page, whatever its size: authors, badges, counts and the viewer's own state come from the same query.
   */
  async feed(
    viewerId: string,
    args: FeedArgs,
    only?: { kind: 'IDEA'; status?: string; campaignId?: string },
  ): Promise<Connection<Post>> {
    const order = args.order ?? 'NEW';
    const after = args.after ? decodeCursor(args.after, feedCursorParts(order)) : null;
    return this.db.transaction(async () => {
      const spaceId = args.spaceId ? fromGlobalId(args.spaceId, 'Space') : null;
      const { sql, params } = feedStatement({
        viewerId,
        order,
        spaceId,
        pinnedFirst: spaceId !== null && !only,
        ideas: only?.kind === 'IDEA',
        status: only?.status,
        campaignId: only?.campaignId ? fromGlobalId(only.campaignId, 'Campaign') : null,
        tag: args.tag?.toLowerCase(),
        after,
        limit: args.first + 1,
        now: this.clock.now(),
      });
      const rows = await this.db.prepared<PostRow & { k_pinned: number; k_order: string | number }>(sql, params);
      // One space: may the viewer read it? Its posts carry the answer (their standing); without any, ask.
      if (spaceId) await this.access.readsSpace(viewerId, spaceId, rows[0]);
      return toConnection(
        rows,
        args,
        (r) => [r.k_pinned, r.k_order, r.id],
        (r) => Post.from(r, viewerId),
      );
    });
  }

  /**
   * One reaction per person and post; reacting again with another kind changes it. Four round trips: the
   * transaction's opening, the post with the viewer's standing, the write (which returns the previous kind),
   * the commit; the answer is computed from them (withReaction), not read again.
   */
  async react(viewerId: string, postGlobalId: string, kind: ReactionKind): Promise<Post> {
    return this.db.transaction(async () => {
      const { row } = await this.access.post(viewerId, postGlobalId, 'react');
      if (checkItemState(stateOf(row), 'react')) throw notFound('Post');
      const [{ previous }]: { previous: ReactionKind | null }[] = await this.db.manager.query(
        `WITH previous AS (SELECT kind FROM post_reactions WHERE post_id = $1 AND user_id = $3),
              changed AS (
                INSERT INTO post_reactions (post_id, space_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (post_id, user_id) DO UPDATE SET kind = EXCLUDED.kind
                WHERE post_reactions.kind <> EXCLUDED.kind)
         SELECT (SELECT kind FROM previous) AS previous`,
        [row.id, row.space_id, viewerId, kind, this.clock.now()],
      );
      return Post.from(withReaction(row, previous, kind), viewerId);
    });
  }

  async unreact(viewerId: string, postGlobalId: string): Promise<Post> {
    return this.db.transaction(async () => {
      const { row } = await this.access.post(viewerId, postGlobalId, 'react');
      const removed: { kind: ReactionKind }[] = await this.db.manager.query(
        // Wrapped in a SELECT: TypeORM answers a bare DELETE … RETURNING with [rows, count].
        'WITH gone AS (DELETE FROM post_reactions WHERE post_id = $1 AND user_id = $2 RETURNING kind) SELECT kind FROM gone',
        [row.id, viewerId],
      );
      return Post.from(withReaction(row, removed[0]?.kind ?? null, null), viewerId);
    });
  }

  async revisions(postId: string, args: ConnectionArgs): Promise<Connection<PostRevision>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    return this.db.transaction(async () => {
      const rows: {
        id: string;
        title: string;
        body: string;
        tags: string[];
        editor_id: string | null;
        by_moderator: boolean;
        created_at: Date;
        position: string;
      }[] = await this.db.manager.query(
        `SELECT r.*, ${cursorTimestampSql('r.created_at')} AS position FROM post_revisions r
         WHERE r.post_id = $1 AND ($2::timestamptz IS NULL OR (r.created_at, r.id) > ($2::timestamptz, $3::uuid))
         ORDER BY r.created_at, r.id LIMIT $4`,
        [postId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      return toConnection(
        rows,
        args,
        (r) => [r.position, r.id],
        (r) =>
          Object.assign(new PostRevision(), {
            id: toGlobalId('PostRevision', r.id),
            title: r.title,
            body: r.body,
            tags: r.tags,
            editorId: r.editor_id,
            byModerator: r.by_moderator,
            replacedAt: r.created_at,
          }),
      );
    });
  }

  async follow(postId: string, spaceId: string, userId: string): Promise<void> {
    await this.db.manager.query(
      `INSERT INTO post_follows (post_id, space_id, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [postId, spaceId, userId, this.clock.now()],
    );
  }

  /** The post as the viewer sees it now (inside the writing transaction). */
  async view(viewerId: string, postId: string): Promise<Post> {
    const row = await this.access.postRow(viewerId, postId);
    if (!row) throw notFound('Post');
    return Post.from(row, viewerId);
  }

  private async campaignFor(globalId: string | undefined, kind: string, spaceId: string): Promise<string | null> {
    if (globalId === undefined) return null;
    if (kind !== 'IDEA') throw badInput({ campaignId: ['only ideas answer a campaign'] });
    const id = fromGlobalId(globalId, 'Campaign');
    const [campaign]: { space_id: string }[] = await this.db.manager.query(
      'SELECT space_id FROM campaigns WHERE id = $1',
      [id],
    );
    if (!campaign || campaign.space_id !== spaceId) throw notFound('Campaign');
    return id;
  }
}
