import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  Args,
  ArgsType,
  Context,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  registerEnumType,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { AuditTrail, type AuditAction } from '@ruche/audit';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import {
  ConnectionArgs,
  ConnectionType,
  cursorTimestampSql,
  decodeCursor,
  toConnection,
  type Connection,
  type GraphQLContext,
  MultilineText,
} from '@ruche/graphql';
import { User, UsersLoader } from '@ruche/identity';
import { badInput, Clock, conflict, fromGlobalId, notFound, toGlobalId } from '@ruche/kernel';
import {
  canBeSuspended,
  canResolve,
  canSeeHidden,
  checkItemState,
  MODERATION_ACTIONS,
  moderatedSpaceIdsSql,
  REPORT_REASONS,
  REPORT_STATUSES,
  SUSPENSION_DAYS,
  type ModerationAction,
  type OrgRole,
  type ReportReason,
  type ReportStatus,
  type SpaceRole,
} from '@ruche/policy';
import { Comment, CommentsService } from './comments';
import { ContentAccess } from './content-access';
import { Post, postSelectSql, stateOf, type PostRow } from './post.types';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
const ReportReasonEnum = enumOf(REPORT_REASONS);
registerEnumType(ReportReasonEnum, { name: 'ReportReason' });
const ReportStatusEnum = enumOf(REPORT_STATUSES);
registerEnumType(ReportStatusEnum, { name: 'ReportStatus' });
const ModerationActionEnum = enumOf(MODERATION_ACTIONS);
registerEnumType(ModerationActionEnum, {
  name: 'ModerationAction',
  description:
    'HIDE: only the author and moderators still see the item. RESTORE: show it again (a suspension stays). ' +
    'DISMISS: nothing to do. SUSPEND: hide it and suspend its author from the space (no posting, commenting, ' +
    'reacting or voting).',
});

@ObjectType({ description: "A flag on a post or a comment, handled by the moderators of the item's space." })
export class Report {
  @Field(() => ID) id!: string;
  @Field(() => ID) spaceId!: string;
  @Field(() => ReportReasonEnum) reason!: ReportReason;
  @Field() details!: string;
  @Field(() => ReportStatusEnum) status!: ReportStatus;
  @Field(() => ModerationActionEnum, { nullable: true }) resolution!: ModerationAction | null;
  @Field(() => String, { nullable: true, description: "The moderator's note." }) note!: string | null;
  @Field(() => Post, { description: 'The reported post, or the post of the reported comment.' }) post!: Post;
  @Field(() => Comment, { nullable: true }) comment!: Comment | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;

  reporterId!: string | null;
}

const ReportConnection = ConnectionType(Report);

@ObjectType()
export class ReportPayload {
  @Field(() => Report) report!: Report;
}

@ObjectType()
export class ResolveReportPayload {
  @Field(() => Report) report!: Report;
  @Field(() => Date, { nullable: true, description: 'SUSPEND: when the suspension ends.' })
  suspendedUntil!: Date | null;
}

@InputType({ description: 'What to report: a comment (commentId), or a post (postId).' })
export class ReportContentInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) postId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) commentId?: string;
  @Field(() => ReportReasonEnum) @IsIn(REPORT_REASONS) reason!: ReportReason;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(1000) details?: string;
}

@ArgsType()
export class ModerationQueueArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'One space; every space the viewer moderates when omitted.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  spaceId?: string;
}

@InputType()
export class ResolveReportInput {
  @Field(() => ID) @IsString() @MaxLength(200) reportId!: string;
  @Field(() => ModerationActionEnum) @IsIn(MODERATION_ACTIONS) action!: ModerationAction;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 2000) note?: string;
  @Field(() => Int, { nullable: true, description: `SUSPEND: days (default ${SUSPENSION_DAYS.default}).` })
  @IsOptional()
  @IsInt()
  @Min(SUSPENSION_DAYS.min)
  @Max(SUSPENSION_DAYS.max)
  suspendDays?: number;
}

interface ReportRow {
  id: string;
  organization_id: string;
  space_id: string;
  post_id: string;
  comment_id: string | null;
  reporter_id: string | null;
  reason: ReportReason;
  details: string;
  status: ReportStatus;
  resolution: ModerationAction | null;
  note: string | null;
  resolved_at: Date | null;
  created_at: Date;
}

const AUDIT_OF: Record<ModerationAction, AuditAction> = {
  HIDE: 'moderation.hidden',
  RESTORE: 'moderation.restored',
  DISMISS: 'moderation.dismissed',
  SUSPEND: 'moderation.suspended',
};

/** Reports, the moderation queue and decisions; each report and decision is audited in its own transaction. */
@Injectable()
export class ModerationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: ContentAccess,
    private readonly comments: CommentsService,
    private readonly audit: AuditTrail,
  ) {}

  /** Anyone who can read an item may report it, once while their report is open. */
  async report(viewerId: string, input: ReportContentInput): Promise<Report> {
    return this.db.transaction(async () => {
      const item = await this.reportable(viewerId, input);
      const id = randomUUID();
      await this.db.manager.query(
        `INSERT INTO reports (id, organization_id, space_id, post_id, comment_id, reporter_id, reason, details, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (reporter_id, (coalesce(comment_id, post_id))) WHERE status = 'OPEN' DO NOTHING`,
        [
          id,
          item.post.organization_id,
          item.post.space_id,
          item.post.id,
          item.commentId,
          viewerId,
          input.reason,
          input.details?.trim() ?? '',
          this.clock.now(),
        ],
      );
      const [report] = await this.toReports(viewerId, await this.rows([id]));
      if (!report) throw conflict('You already reported this; the moderators will look at it', 'ALREADY_REPORTED');
      await this.audit.record({
        action: 'content.reported',
        organizationId: item.post.organization_id,
        spaceId: item.post.space_id,
        targetType: item.commentId ? 'Comment' : 'Post',
        targetId: item.commentId ?? item.post.id,
        details: { reportId: id, reason: input.reason },
      });
      return report;
    });
  }

  /** Open reports, oldest first, of one space or of every space the viewer moderates (filtered in SQL). */
  async queue(viewerId: string, args: ModerationQueueArgs): Promise<Connection<Report>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    return this.db.transaction(async () => {
      const spaceId = args.spaceId ? fromGlobalId(args.spaceId, 'Space') : null;
      if (spaceId) await this.access.inSpace(viewerId, spaceId, 'moderate');
      const rows: (ReportRow & { position: string })[] = await this.db.manager.query(
        `SELECT r.*, ${cursorTimestampSql('r.created_at')} AS position FROM reports r
         WHERE r.status = 'OPEN' AND r.space_id IN ${moderatedSpaceIdsSql('$1')} AND ($2::uuid IS NULL OR r.space_id = $2)
           AND ($3::timestamptz IS NULL OR (r.created_at, r.id) > ($3::timestamptz, $4::uuid))
         ORDER BY r.created_at, r.id LIMIT $5`,
        [viewerId, spaceId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      const reports = new Map((await this.toReports(viewerId, rows)).map((r) => [r.id, r]));
      return toConnection(
        rows,
        args,
        (r) => [r.position, r.id],
        (r) => reports.get(toGlobalId('Report', r.id))!,
      );
    });
  }

  /**
   * Decides a report; the other open reports on the same item are decided with it, so the queue holds each
   * item once. One audit row per decision, in the same transaction.
   */
  async resolve(viewerId: string, input: ResolveReportInput): Promise<ResolveReportPayload> {
    return this.db.transaction(async () => {
      const id = fromGlobalId(input.reportId, 'Report');
      const [found] = await this.rows([id]);
      if (!found) throw notFound('Report');
      await this.access.inSpace(viewerId, found.space_id, 'moderate', 'Report');
      // Locked from here on: two moderators deciding at once are serialized, the second sees the first decision.
      const report = (await this.rows([id], true))[0]!;
      if (!canResolve(report.status, input.action)) {
        throw conflict('This report was already resolved', 'ALREADY_RESOLVED');
      }
      const item = report.comment_id
        ? { table: 'comments', type: 'Comment', id: report.comment_id }
        : { table: 'posts', type: 'Post', id: report.post_id };
      const [{ author_id: authorId }]: { author_id: string | null }[] = await this.db.manager.query(
        `SELECT author_id FROM ${item.table} WHERE id = $1`,
        [item.id],
      );
      const now = this.clock.now();
      let suspendedUntil: Date | null = null;
      if (input.action === 'SUSPEND') {
        suspendedUntil = new Date(now.getTime() + (input.suspendDays ?? SUSPENSION_DAYS.default) * 86_400_000);
        await this.suspend(report, authorId, viewerId, suspendedUntil, input.note);
      }
      if (input.action === 'HIDE' || input.action === 'SUSPEND') {
        await this.db.manager.query(`UPDATE ${item.table} SET hidden_at = coalesce(hidden_at, $2) WHERE id = $1`, [
          item.id,
          now,
        ]);
      } else if (input.action === 'RESTORE') {
        await this.db.manager.query(`UPDATE ${item.table} SET hidden_at = NULL WHERE id = $1`, [item.id]);
      }
      await this.db.manager.query(
        `UPDATE reports SET status = 'RESOLVED', resolution = $2, note = $3, resolved_by = $4, resolved_at = $5
         WHERE id = $1 OR (status = 'OPEN' AND post_id = $6 AND comment_id IS NOT DISTINCT FROM $7)`,
        [report.id, input.action, input.note ?? null, viewerId, now, report.post_id, report.comment_id],
      );
      await this.audit.record({
        action: AUDIT_OF[input.action],
        organizationId: report.organization_id,
        spaceId: report.space_id,
        targetType: input.action === 'SUSPEND' ? 'User' : item.type,
        targetId: input.action === 'SUSPEND' ? authorId! : item.id,
        details: {
          reportId: report.id,
          reason: report.reason,
          ...(input.note && { note: input.note }),
          ...(suspendedUntil && { [item.type === 'Post' ? 'postId' : 'commentId']: item.id, until: suspendedUntil }),
        },
      });
      const [resolved] = await this.toReports(viewerId, await this.rows([report.id]));
      return { report: resolved!, suspendedUntil };
    });
  }

  /** Moderators of the space (and org admins) cannot be suspended from it; a later decision replaces an earlier one. */
  private async suspend(report: ReportRow, authorId: string | null, viewerId: string, until: Date, note?: string) {
    const [author]: { org_role: OrgRole | null; space_role: SpaceRole | null }[] = await this.db.manager.query(
      `SELECT om.role AS org_role, sm.role AS space_role FROM (SELECT 1) one
       LEFT JOIN organization_memberships om ON om.organization_id = $1 AND om.user_id = $3
       LEFT JOIN space_memberships sm ON sm.space_id = $2 AND sm.user_id = $3`,
      [report.organization_id, report.space_id, authorId],
    );
    if (!authorId || !canBeSuspended({ orgRole: author!.org_role, spaceRole: author!.space_role })) {
      throw badInput({ action: ['the author cannot be suspended from this space (moderators and admins cannot)'] });
    }
    await this.db.manager.query(
      `INSERT INTO space_suspensions (space_id, user_id, until, reason, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (space_id, user_id) DO UPDATE
         SET until = EXCLUDED.until, reason = EXCLUDED.reason, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
      [report.space_id, authorId, until, note ?? report.reason, viewerId, this.clock.now()],
    );
  }

  /** The post (and comment) the viewer reports, as they may read it: hidden or deleted items answer NOT_FOUND. */
  private async reportable(viewerId: string, input: ReportContentInput) {
    if (input.commentId === undefined) {
      if (input.postId === undefined) throw badInput({ postId: ['give the postId or the commentId you report'] });
      const { row } = await this.access.post(viewerId, input.postId, 'report');
      if (checkItemState(stateOf(row), 'report')) throw notFound('Post');
      return { post: row, commentId: null };
    }
    const commentId = fromGlobalId(input.commentId, 'Comment');
    const [comment]: { post_id: string; author_id: string | null; hidden_at: Date | null; deleted_at: Date | null }[] =
      await this.db.manager.query('SELECT post_id, author_id, hidden_at, deleted_at FROM comments WHERE id = $1', [
        commentId,
      ]);
    if (!comment || checkItemState({ deleted: comment.deleted_at !== null }, 'report')) throw notFound('Comment');
    if (input.postId !== undefined && fromGlobalId(input.postId, 'Post') !== comment.post_id) throw notFound('Comment');
    const { row, access } = await this.access.post(viewerId, toGlobalId('Post', comment.post_id), 'report');
    if (comment.hidden_at && !canSeeHidden(access.viewer, comment.author_id === viewerId)) throw notFound('Comment');
    return { post: row, commentId };
  }

  private rows(ids: string[], lock = false): Promise<ReportRow[]> {
    return this.db.manager.query(`SELECT * FROM reports WHERE id = ANY ($1::uuid[])${lock ? ' FOR UPDATE' : ''}`, [
      ids,
    ]);
  }

  /** Reports with their post and comment, in two queries whatever the page size. */
  private async toReports(viewerId: string, rows: ReportRow[]): Promise<Report[]> {
    if (rows.length === 0) return [];
    const posts: PostRow[] = await this.db.manager.query(
      `SELECT ${postSelectSql('$1')} WHERE p.id = ANY ($2::uuid[])`,
      [viewerId, [...new Set(rows.map((r) => r.post_id))]],
    );
    const postById = new Map(posts.map((p) => [p.id, Post.from(p, viewerId)]));
    const commentIds = rows.flatMap((r) => (r.comment_id ? [r.comment_id] : []));
    const comments = commentIds.length > 0 ? await this.comments.byIds(commentIds) : new Map<string, Comment>();
    return rows.map((r) =>
      Object.assign(new Report(), {
        id: toGlobalId('Report', r.id),
        spaceId: toGlobalId('Space', r.space_id),
        reason: r.reason,
        details: r.details,
        status: r.status,
        resolution: r.resolution,
        note: r.note,
        post: postById.get(r.post_id)!,
        comment: r.comment_id ? (comments.get(r.comment_id) ?? null) : null,
        createdAt: r.created_at,
        resolvedAt: r.resolved_at,
        reporterId: r.reporter_id,
      }),
    );
  }
}

@Resolver(() => Report)
export class ModerationResolver {
  constructor(
    private readonly moderation: ModerationService,
    private readonly users: UsersLoader,
  ) {}

  @Mutation(() => ReportPayload, {
    description: 'Flags a post or comment the viewer can read for the moderators of its space (once while open).',
  })
  async reportContent(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: ReportContentInput,
  ): Promise<ReportPayload> {
    return { report: await this.moderation.report(viewer.userId, input) };
  }

  @Query(() => ReportConnection, {
    description: 'Open reports of the spaces the viewer moderates (owners, moderators, org admins), oldest first.',
  })
  moderationQueue(@CurrentViewer() viewer: Viewer, @Args() args: ModerationQueueArgs): Promise<Connection<Report>> {
    return this.moderation.queue(viewer.userId, args);
  }

  @Mutation(() => ResolveReportPayload, {
    description: "Moderators decide a report (and the item's other open reports): HIDE, RESTORE, DISMISS or SUSPEND.",
  })
  resolveReport(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: ResolveReportInput,
  ): Promise<ResolveReportPayload> {
    return this.moderation.resolve(viewer.userId, input);
  }

  @ResolveField(() => User, { nullable: true, description: 'Who reported it (null once their account is gone).' })
  reporter(@Parent() report: Report, @CurrentViewer() viewer: Viewer, @Context() ctx: GraphQLContext) {
    return report.reporterId ? this.users.load(ctx.loaders, viewer.userId, report.reporterId) : null;
  }
}
