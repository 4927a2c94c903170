import { Injectable } from '@nestjs/common';
import {
  Args,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
} from '@nestjs/graphql';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import { ConnectionArgs, cursorTimestampSql, decodeCursor, PageInfo, toConnection } from '@ruche/graphql';
import { badInput, Clock, fromGlobalId, toGlobalId } from '@ruche/kernel';

export const NOTIFICATION_KINDS = ['COMMENT', 'IDEA_STATUS', 'MENTION'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const NOTIFICATION_MODES = ['ALL', 'DIGEST', 'NONE'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];
const NotificationKindEnum = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, k]));
registerEnumType(NotificationKindEnum, { name: 'NotificationKind' });
const NotificationModeEnum = Object.fromEntries(NOTIFICATION_MODES.map((k) => [k, k]));
registerEnumType(NotificationModeEnum, {
  name: 'NotificationMode',
  description: 'ALL: in the app and the daily digest. DIGEST: only in the daily digest e-mail. NONE: never.',
});

@ObjectType({ description: 'What happened in one thread, of one kind: several comments on a post make one entry.' })
export class NotificationGroup {
  @Field(() => ID, { description: 'The post (thread).' }) postId!: string;
  @Field() postTitle!: string;
  @Field(() => ID) spaceId!: string;
  @Field(() => NotificationKindEnum) kind!: NotificationKind;
  @Field(() => Int, { description: 'Events in the group.' }) count!: number;
  @Field(() => Int) unreadCount!: number;
  @Field({ description: 'Latest event.' }) latestAt!: Date;
  @Field(() => [String], { description: 'Names of the latest actors (up to 3).' }) actorNames!: string[];
  @Field({ description: 'Latest event details as a JSON object (e.g. {"from":"NEW","to":"PLANNED","note":"…"}).' })
  latestData!: string;
}

@ObjectType('NotificationGroupEdge')
class NotificationGroupEdge {
  @Field() cursor!: string;
  @Field(() => NotificationGroup) node!: NotificationGroup;
}

@ObjectType()
export class NotificationPreference {
  @Field(() => NotificationKindEnum) kind!: NotificationKind;
  @Field(() => NotificationModeEnum) mode!: NotificationMode;
}

@ObjectType()
export class NotificationGroupConnection {
  @Field(() => [NotificationGroupEdge]) edges!: NotificationGroupEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Unread notifications in all threads.' }) unreadCount!: number;
  @Field(() => [NotificationPreference], { description: 'The mode of every kind (ALL unless changed).' })
  preferences!: NotificationPreference[];
}

@InputType({ description: 'Give ids, a postId (one thread) or all: true.' })
export class MarkNotificationsReadInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) postId?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() all?: boolean;
  @Field(() => NotificationKindEnum, { nullable: true })
  @IsOptional()
  @IsIn(NOTIFICATION_KINDS)
  kind?: NotificationKind;
}

@InputType()
export class SetNotificationPreferenceInput {
  @Field(() => NotificationKindEnum) @IsIn(NOTIFICATION_KINDS) kind!: NotificationKind;
  @Field(() => NotificationModeEnum) @IsIn(NOTIFICATION_MODES) mode!: NotificationMode;
}

@ObjectType()
export class MarkNotificationsReadPayload {
  @Field(() => Int) unreadCount!: number;
}

export interface FanOut {
  kind: NotificationKind;
  organizationId: string;
  spaceId: string;
  postId: string;
  commentId?: string;
  actorId: string;
  recipients: string[];
  data?: Record<string, unknown>;
}

/** Notifications: written in the transaction of the action that causes them, read grouped per thread. */
@Injectable()
export class Notifications {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * One notification per recipient, except the actor, those who turned the kind off, and anyone who cannot
   * read the space (a customer who withdrew never hears of it again).
   */
  async fanOut(n: FanOut): Promise<void> {
    if (n.recipients.length === 0) return;
    // No RETURNING: the rows belong to their recipients, whom row-level security shows them to.
    await this.db.manager.query(
      `INSERT INTO notifications (recipient_id, organization_id, space_id, kind, post_id, comment_id, actor_id, data, digest_only, created_at)
       SELECT r.id, $2, $3, $4, $5, $6, $7, $8, coalesce(p.mode, 'ALL') = 'DIGEST', $9
       FROM (SELECT DISTINCT unnest($1::uuid[]) AS id) r
       LEFT JOIN notification_preferences p ON p.user_id = r.id AND p.kind = $4
       WHERE r.id <> $7 AND coalesce(p.mode, 'ALL') <> 'NONE' AND ruche_user_reads_space(r.id, $3)`,
      [
        n.recipients,
        n.organizationId,
        n.spaceId,
        n.kind,
        n.postId,
        n.commentId ?? null,
        n.actorId,
        JSON.stringify(n.data ?? {}),
        this.clock.now(),
      ],
    );
  }

  async list(viewerId: string, args: ConnectionArgs): Promise<NotificationGroupConnection> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'string']) : null;
    return this.db.transaction(async () => {
      const rows: {
        post_id: string;
        kind: NotificationKind;
        space_id: string;
        title: string;
        count: number;
        unread: number;
        latest_at: Date;
        position: string;
        group_key: string;
        actor_names: (string | null)[];
        latest_data: Record<string, unknown>;
      }[] = await this.db.manager.query(
        // One page of groups from notification_groups_latest_idx, then each group's three newest actors.
        `SELECT g.post_id, g.kind, g.space_id, g.count, g.unread, g.latest_at,
                CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL THEN p.title ELSE '[removed]' END AS title,
                ${cursorTimestampSql('g.latest_at')} AS position, g.group_key, latest.actor_names, latest.latest_data
         FROM (SELECT g.*, g.post_id::text || ':' || g.kind AS group_key
               FROM notification_groups g
               WHERE g.recipient_id = $1 ${after ? `AND (g.latest_at, g.post_id::text || ':' || g.kind) < ($3::timestamptz, $4::text)` : ''}
               ORDER BY g.latest_at DESC, g.post_id::text || ':' || g.kind DESC
               LIMIT $2) g
         -- Readable like its group (the same space), so the join after the page's limit drops nothing.
         JOIN posts p ON p.id = g.post_id
         CROSS JOIN LATERAL (
           SELECT array_agg(u.display_name ORDER BY n.created_at DESC) AS actor_names,
                  (array_agg(n.data ORDER BY n.created_at DESC))[1] AS latest_data
           FROM (SELECT n.actor_id, n.data, n.created_at FROM notifications n
                 WHERE n.recipient_id = g.recipient_id AND n.post_id = g.post_id AND n.kind = g.kind AND NOT n.digest_only
                 ORDER BY n.created_at DESC LIMIT 3) n
           LEFT JOIN users u ON u.id = n.actor_id) latest
         ORDER BY g.latest_at DESC, g.group_key DESC`,
        // The cursor's bound only when there is one, so it is the index walk's start.
        after ? [viewerId, args.first + 1, after[0], after[1]] : [viewerId, args.first + 1],
      );
      const page = toConnection(
        rows,
        args,
        (r) => [r.position, r.group_key],
        (r) =>
          Object.assign(new NotificationGroup(), {
            postId: toGlobalId('Post', r.post_id),
            postTitle: r.title,
            spaceId: toGlobalId('Space', r.space_id),
            kind: r.kind,
            count: r.count,
            unreadCount: r.unread,
            latestAt: r.latest_at,
            actorNames: [...new Set(r.actor_names.filter((a): a is string => a !== null))],
            latestData: JSON.stringify(r.latest_data ?? {}),
          }),
      );
      return { ...page, unreadCount: await this.unreadCount(viewerId), preferences: await this.preferences(viewerId) };
    });
  }

  async markRead(viewerId: string, input: MarkNotificationsReadInput): Promise<number> {
    if (!input.all && input.postId === undefined) throw badInput({ postId: ['give a postId, or all: true'] });
    const postId = input.postId !== undefined ? fromGlobalId(input.postId, 'Post') : null;
    return this.db.transaction(async () => {
      await this.db.manager.query(
        `UPDATE notifications SET read_at = $2
         WHERE recipient_id = $1 AND read_at IS NULL AND ($3::uuid IS NULL OR post_id = $3) AND ($4::text IS NULL OR kind = $4)`,
        [viewerId, this.clock.now(), postId, input.kind ?? null],
      );
      return this.unreadCount(viewerId);
    });
  }

  async setPreference(viewerId: string, input: SetNotificationPreferenceInput): Promise<NotificationPreference[]> {
    return this.db.transaction(async () => {
      await this.db.manager.query(
        `INSERT INTO notification_preferences (user_id, kind, mode) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, kind) DO UPDATE SET mode = EXCLUDED.mode`,
        [viewerId, input.kind, input.mode],
      );
      return this.preferences(viewerId);
    });
  }

  private async unreadCount(viewerId: string): Promise<number> {
    const [row]: { count: number }[] = await this.db.manager.query(
      'SELECT count(*)::int AS count FROM notifications WHERE recipient_id = $1 AND read_at IS NULL AND NOT digest_only',
      [viewerId],
    );
    return row!.count;
  }

  private async preferences(viewerId: string): Promise<NotificationPreference[]> {
    const rows: { kind: NotificationKind; mode: NotificationMode }[] = await this.db.manager.query(
      'SELECT kind, mode FROM notification_preferences WHERE user_id = $1',
      [viewerId],
    );
    const modes = new Map(rows.map((r) => [r.kind, r.mode]));
    return NOTIFICATION_KINDS.map((kind) => ({ kind, mode: modes.get(kind) ?? 'ALL' }));
  }
}

@Resolver()
export class NotificationsResolver {
  constructor(private readonly inbox: Notifications) {}

  @Query(() => NotificationGroupConnection, {
    description: "The viewer's notifications grouped per thread and kind, latest first, with the unread count.",
  })
  notifications(@CurrentViewer() viewer: Viewer, @Args() args: ConnectionArgs): Promise<NotificationGroupConnection> {
    return this.inbox.list(viewer.userId, args);
  }

  @Mutation(() => MarkNotificationsReadPayload)
  async markNotificationsRead(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: MarkNotificationsReadInput,
  ): Promise<MarkNotificationsReadPayload> {
    return { unreadCount: await this.inbox.markRead(viewer.userId, input) };
  }

  @Mutation(() => [NotificationPreference], { description: 'Per kind: ALL, DIGEST (daily e-mail only) or NONE.' })
  setNotificationPreference(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: SetNotificationPreferenceInput,
  ): Promise<NotificationPreference[]> {
    return this.inbox.setPreference(viewer.userId, input);
  }
}
