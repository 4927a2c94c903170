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
        `SELECT n.post_id, n.kind, min(n.space_id::text)::uuid AS space_id, min(CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL THEN p.title ELSE '[removed]' END) AS title, count(*)::int AS count,
                count(*) FILTER (WHERE n.read_at IS NULL)::int AS unread, max(n.created_at) AS latest_at,
                ${cursorTimestampSql('max(n.created_at)')} AS position, n.post_id || ':' || n.kind AS group_key,
                (array_agg(u.display_name ORDER BY n.created_at DESC))[1:3] AS actor_names,
                (array_agg(n.data ORDER BY n.created_at DESC))[1] AS latest_data
         FROM notifications n
         JOIN posts p ON p.id = n.post_id
         LEFT JOIN users u ON u.id = n.actor_id
         WHERE n.recipient_id = $1 AND NOT n.digest_only
         GROUP BY n.post_id, n.kind
         HAVING $2::timestamptz IS NULL OR (max(n.created_at), n.post_id || ':' || n.kind) < ($2::timestamptz, $3::text)
         ORDER BY max(n.created_at) DESC, group_key DESC
         LIMIT $4`,
        [viewerId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
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
