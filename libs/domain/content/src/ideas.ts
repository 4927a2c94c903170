import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ArgsType,
  Args,
  Context,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { IsDate, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Type } from 'class-transformer';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import {
  ConnectionArgs,
  ConnectionType,
  cursorTimestampSql,
  decodeCursor,
  MultilineText,
  Node,
  toConnection,
  type Connection,
  type GraphQLContext,
} from '@ruche/graphql';
import { badInput, Clock, conflict, fromGlobalId, notFound, toGlobalId } from '@ruche/kernel';
import {
  canMoveIdea,
  checkIdeaMerge,
  checkItemState,
  ideaAbilities,
  ideaTakesVotes,
  moderatesSpace,
  readableSpaceIdsSql,
  type IdeaStatus,
} from '@ruche/policy';
import { CustomerAccount } from '@ruche/spaces';
import { ContentAccess } from './content-access';
import { Notifications } from './notifications';
import { ChangeIdeaStatusInput, IdeasArgs, MergeIdeasInput } from './post.inputs';
import {
  IdeaAbilities,
  IdeaDetails,
  IdeaStatusEnum,
  Post,
  PostConnection,
  PostPayload,
  stateOf,
  type PostRow,
} from './post.types';
import { withVote } from './post-counts';
import { PostsService } from './posts.service';

@ObjectType({ implements: () => [Node], description: 'A challenge: ideas answer its question until its deadline.' })
export class Campaign {
  @Field(() => ID) id!: string;
  @Field(() => ID) spaceId!: string;
  @Field() title!: string;
  @Field() question!: string;
  @Field() startsAt!: Date;
  @Field() deadline!: Date;
  @Field({ description: 'Between its start and its deadline.' }) open!: boolean;
  @Field() createdAt!: Date;
}

const CampaignConnection = ConnectionType(Campaign);

@InputType()
export class CreateCampaignInput {
  @Field(() => ID) @IsString() @MaxLength(200) spaceId!: string;
  @Field() @IsString() @Length(1, 200) @Matches(/\S/, { message: 'must not be blank' }) title!: string;
  @MultilineText()
  @Field()
  @IsString()
  @Length(1, 2000)
  @Matches(/\S/, { message: 'must not be blank' })
  question!: string;
  @Field({ nullable: true, description: 'Defaults to now.' }) @IsOptional() @Type(() => Date) @IsDate() startsAt?: Date;
  @Field() @Type(() => Date) @IsDate() deadline!: Date;
}

@ArgsType()
export class CampaignsArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) spaceId?: string;
}

@ObjectType()
export class CampaignPayload {
  @Field(() => Campaign) campaign!: Campaign;
}

@ObjectType({ description: "One step of an idea through the funnel, with the moderator's note." })
export class IdeaStatusChange {
  @Field(() => IdeaStatusEnum, { nullable: true }) from!: IdeaStatus | null;
  @Field(() => IdeaStatusEnum) to!: IdeaStatus;
  @Field() note!: string;
  @Field() at!: Date;
}

@ObjectType()
export class IdeaVotesByAccount {
  @Field(() => CustomerAccount, { nullable: true, description: 'Null: employees and customers without a company.' })
  customerAccount!: CustomerAccount | null;
  @Field(() => Int) votes!: number;
}

@ObjectType()
export class ChangeIdeaStatusPayload {
  @Field(() => Post) idea!: Post;
  @Field(() => IdeaStatusChange) change!: IdeaStatusChange;
}

interface CampaignRow {
  id: string;
  space_id: string;
  title: string;
  question: string;
  starts_at: Date;
  deadline: Date;
  created_at: Date;
  position: string;
}

@Injectable()
export class IdeasService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: ContentAccess,
    private readonly posts: PostsService,
    private readonly notifications: Notifications,
  ) {}

  async createCampaign(viewerId: string, input: CreateCampaignInput): Promise<Campaign> {
    const spaceId = fromGlobalId(input.spaceId, 'Space');
    return this.db.transaction(async () => {
      const { space } = await this.access.inSpace(viewerId, spaceId, 'campaign.create');
      const now = this.clock.now();
      const startsAt = input.startsAt ?? now;
      if (input.deadline <= startsAt) throw badInput({ deadline: ['must be after the start'] });
      const id = randomUUID();
      await this.db.manager.query(
        `INSERT INTO campaigns (id, organization_id, space_id, title, question, starts_at, deadline, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          space.organization_id,
          space.id,
          input.title.trim(),
          input.question.trim(),
          startsAt,
          input.deadline,
          viewerId,
          now,
        ],
      );
      const [row] = await this.db.manager.query('SELECT * FROM campaigns WHERE id = $1', [id]);
      return this.toCampaign(row);
    });
  }

  /** One campaign of a space the viewer can read (as `campaigns` lists them), for `node(id)`. */
  async campaign(viewerId: string, campaignGlobalId: string): Promise<Campaign> {
    const id = fromGlobalId(campaignGlobalId, 'Campaign');
    return this.db.transaction(async () => {
      const [row]: CampaignRow[] = await this.db.manager.query('SELECT * FROM campaigns WHERE id = $1', [id]);
      if (!row) throw notFound('Campaign');
      await this.access.inSpace(viewerId, row.space_id, 'post.read', 'Campaign');
      return this.toCampaign(row);
    });
  }

  async campaigns(viewerId: string, args: CampaignsArgs): Promise<Connection<Campaign>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    return this.db.transaction(async () => {
      const spaceId = args.spaceId ? fromGlobalId(args.spaceId, 'Space') : null;
      if (spaceId) await this.access.inSpace(viewerId, spaceId, 'post.read');
      const rows: CampaignRow[] = await this.db.manager.query(
        `SELECT c.*, ${cursorTimestampSql('c.deadline')} AS position FROM campaigns c
         WHERE c.space_id IN ${readableSpaceIdsSql('$1')} AND ($2::uuid IS NULL OR c.space_id = $2)
           AND ($3::timestamptz IS NULL OR (c.deadline, c.id) < ($3::timestamptz, $4::uuid))
         ORDER BY c.deadline DESC, c.id DESC LIMIT $5`,
        [viewerId, spaceId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      return toConnection(
        rows,
        args,
        (r) => [r.position, r.id],
        (r) => this.toCampaign(r),
      );
    });
  }

  /** One vote per member, customers included; the voter follows the idea from then on. */
  /** Four round trips, as a reaction: the answer is computed from the idea read and the vote written (withVote). */
  async vote(viewerId: string, ideaGlobalId: string, vote: boolean): Promise<Post> {
    return this.db.transaction(async () => {
      const { row } = await this.idea(viewerId, ideaGlobalId, 'idea.vote');
      if (!vote) {
        const removed: unknown[] = await this.db.manager.query(
          // Wrapped in a SELECT: TypeORM answers a bare DELETE … RETURNING with [rows, count].
          'WITH gone AS (DELETE FROM idea_votes WHERE post_id = $1 AND user_id = $2 RETURNING 1) SELECT 1 FROM gone',
          [row.id, viewerId],
        );
        return Post.from(withVote(row, -removed.length, false), viewerId);
      }
      if (!ideaTakesVotes(row.idea_status!)) {
        throw badInput({ ideaId: ['this idea was merged: vote for the idea it was merged into'] });
      }
      // The vote, and following the idea (as PostsService.follow does), in one statement.
      const [{ added }]: { added: number }[] = await this.db.manager.query(
        `WITH vote AS (
           INSERT INTO idea_votes (post_id, space_id, user_id, customer_account_id, created_at)
           SELECT $1, $2, $3, sm.customer_account_id, $4
           FROM (SELECT 1) one LEFT JOIN space_memberships sm ON sm.space_id = $2 AND sm.user_id = $3
           ON CONFLICT (post_id, user_id) DO NOTHING
           RETURNING 1
         ), follow AS (
           INSERT INTO post_follows (post_id, space_id, user_id, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING
         )
         SELECT count(*)::int AS added FROM vote`,
        [row.id, row.space_id, viewerId, this.clock.now()],
      );
      return Post.from(withVote(row, added, true), viewerId);
    });
  }

  /**
   * Moves an idea through the funnel with a note, kept in its history. Closed loop: the submitter, every voter
   * and every commenter is notified in the same transaction.
   */
  async changeStatus(
    viewerId: string,
    input: ChangeIdeaStatusInput,
  ): Promise<{ idea: Post; change: IdeaStatusChange }> {
    return this.db.transaction(async () => {
      const { row, access } = await this.idea(viewerId, input.ideaId, 'idea.moderate');
      const from = row.idea_status!;
      if (input.status === 'MERGED') throw badInput({ status: ['use mergeIdeas to merge an idea into another'] });
      if (!canMoveIdea(from, input.status)) {
        throw conflict(`An idea cannot move from ${from} to ${input.status}`, 'INVALID_TRANSITION');
      }
      const now = this.clock.now();
      await this.db.manager.query(
        `UPDATE posts SET idea_status = $2, status_changed_at = $3, estimated_value = coalesce($4, estimated_value), updated_at = $3
         WHERE id = $1`,
        [row.id, input.status, now, input.estimatedValue ?? null],
      );
      await this.recordChange(row, from, input.status, input.note, viewerId, now);
      await this.notifyFollowersOf(row, access.space.organization_id, viewerId, {
        from,
        to: input.status,
        note: input.note,
      });
      return {
        idea: await this.posts.view(viewerId, row.id),
        change: { from, to: input.status, note: input.note, at: now },
      };
    });
  }

  /** The duplicate's votes and followers move to the target; the duplicate then points to it (MERGED). */
  async merge(viewerId: string, input: MergeIdeasInput): Promise<Post> {
    return this.db.transaction(async () => {
      const source = await this.idea(viewerId, input.sourceId, 'idea.moderate');
      const target = await this.idea(viewerId, input.targetId, 'idea.moderate');
      if (source.row.id === target.row.id) throw badInput({ targetId: ['an idea cannot be merged into itself'] });
      if (source.row.space_id !== target.row.space_id)
        throw badInput({ targetId: ['both ideas must be in the same space'] });
      switch (checkIdeaMerge(source.row.idea_status!, target.row.idea_status!)) {
        case 'FINAL_STATUS':
          throw conflict('An implemented idea is final: it cannot be merged', 'FINAL_STATUS');
        case 'ALREADY_MERGED':
          throw conflict('A merged idea cannot be merged again', 'ALREADY_MERGED');
      }
      const now = this.clock.now();
      await this.db.manager.query(
        `INSERT INTO idea_votes (post_id, space_id, user_id, customer_account_id, created_at)
         SELECT $2, space_id, user_id, customer_account_id, created_at FROM idea_votes WHERE post_id = $1
         ON CONFLICT (post_id, user_id) DO NOTHING`,
        [source.row.id, target.row.id],
      );
      await this.db.manager.query('DELETE FROM idea_votes WHERE post_id = $1', [source.row.id]);
      await this.db.manager.query(
        `INSERT INTO post_follows (post_id, space_id, user_id, created_at)
         SELECT $2, space_id, user_id, created_at FROM post_follows WHERE post_id = $1 ON CONFLICT DO NOTHING`,
        [source.row.id, target.row.id],
      );
      await this.db.manager.query(
        `UPDATE posts SET idea_status = 'MERGED', merged_into = $2, status_changed_at = $3, updated_at = $3 WHERE id = $1`,
        [source.row.id, target.row.id, now],
      );
      const note = input.note ?? `Merged into "${target.row.title}"`;
      await this.recordChange(source.row, source.row.idea_status!, 'MERGED', note, viewerId, now);
      await this.notifyFollowersOf(source.row, source.access.space.organization_id, viewerId, {
        from: source.row.idea_status,
        to: 'MERGED',
        note,
        mergedInto: toGlobalId('Post', target.row.id),
      });
      return this.posts.view(viewerId, target.row.id);
    });
  }

  async history(postId: string): Promise<IdeaStatusChange[]> {
    return this.db.transaction(async () => {
      const rows: { from_status: IdeaStatus | null; to_status: IdeaStatus; note: string; created_at: Date }[] =
        await this.db.manager.query(
          'SELECT from_status, to_status, note, created_at FROM idea_status_changes WHERE post_id = $1 ORDER BY created_at, id',
          [postId],
        );
      return rows.map((r) => ({ from: r.from_status, to: r.to_status, note: r.note, at: r.created_at }));
    });
  }

  /** Votes per customer company, for the space's moderators (the social-CRM view); null for anyone else. */
  async votesByAccount(viewerId: string, post: Post): Promise<IdeaVotesByAccount[] | null> {
    return this.db.transaction(async () => {
      const found = await this.access.inSpace(viewerId, post.spaceUuid, 'post.read', 'Post');
      if (!moderatesSpace(found.viewer)) return null;
      const rows: {
        id: string | null;
        name: string | null;
        domain: string | null;
        created_at: Date | null;
        votes: number;
      }[] = await this.db.manager.query(
        `SELECT ca.id, ca.name, ca.domain, ca.created_at, count(*)::int AS votes
           FROM idea_votes v LEFT JOIN customer_accounts ca ON ca.id = v.customer_account_id
           WHERE v.post_id = $1 GROUP BY ca.id, ca.name, ca.domain, ca.created_at ORDER BY votes DESC, ca.name`,
        [post.postId],
      );
      return rows.map((r) => ({
        customerAccount: r.id
          ? CustomerAccount.from({ id: r.id, name: r.name!, domain: r.domain, created_at: r.created_at! })
          : null,
        votes: r.votes,
      }));
    });
  }

  private async idea(viewerId: string, ideaGlobalId: string, action: 'idea.vote' | 'idea.moderate') {
    const found = await this.access.post(viewerId, ideaGlobalId, action);
    if (checkItemState(stateOf(found.row), action)) throw notFound('Post');
    return found;
  }

  private async recordChange(
    row: PostRow,
    from: IdeaStatus,
    to: IdeaStatus,
    note: string,
    viewerId: string,
    now: Date,
  ) {
    await this.db.manager.query(
      `INSERT INTO idea_status_changes (post_id, space_id, from_status, to_status, note, changed_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.space_id, from, to, note, viewerId, now],
    );
  }

  private async notifyFollowersOf(
    row: PostRow,
    organizationId: string,
    actorId: string,
    data: Record<string, unknown>,
  ) {
    const [{ recipients }]: { recipients: string[] }[] = await this.db.manager.query(
      `SELECT array_remove(ARRAY(
         SELECT $2::uuid UNION SELECT user_id FROM idea_votes WHERE post_id = $1
         UNION SELECT author_id FROM comments WHERE post_id = $1 AND author_id IS NOT NULL
         UNION SELECT user_id FROM post_follows WHERE post_id = $1), NULL) AS recipients`,
      [row.id, row.author_id],
    );
    await this.notifications.fanOut({
      kind: 'IDEA_STATUS',
      organizationId,
      spaceId: row.space_id,
      postId: row.id,
      actorId,
      recipients,
      data,
    });
  }

  private toCampaign(r: {
    id: string;
    space_id: string;
    title: string;
    question: string;
    starts_at: Date;
    deadline: Date;
    created_at: Date;
  }) {
    const now = this.clock.now();
    return Object.assign(new Campaign(), {
      id: toGlobalId('Campaign', r.id),
      spaceId: toGlobalId('Space', r.space_id),
      title: r.title,
      question: r.question,
      startsAt: r.starts_at,
      deadline: r.deadline,
      open: r.starts_at <= now && now < r.deadline,
      createdAt: r.created_at,
    });
  }
}

@Resolver(() => Post)
export class IdeasResolver {
  constructor(
    private readonly ideaService: IdeasService,
    private readonly posts: PostsService,
  ) {}

  @Mutation(() => CampaignPayload, {
    description: 'Moderators of a space open a challenge with a question and a deadline.',
  })
  async createCampaign(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: CreateCampaignInput,
  ): Promise<CampaignPayload> {
    return { campaign: await this.ideaService.createCampaign(viewer.userId, input) };
  }

  @Query(() => CampaignConnection, {
    description: 'Campaigns of the spaces the viewer can read, latest deadline first.',
  })
  campaigns(@CurrentViewer() viewer: Viewer, @Args() args: CampaignsArgs): Promise<Connection<Campaign>> {
    return this.ideaService.campaigns(viewer.userId, args);
  }

  @Query(() => PostConnection, { description: 'The idea board: by status and campaign, TOP (votes) by default.' })
  ideas(@CurrentViewer() viewer: Viewer, @Args() args: IdeasArgs): Promise<Connection<Post>> {
    return this.posts.feed(
      viewer.userId,
      { ...args, order: args.order ?? 'TOP' },
      {
        kind: 'IDEA',
        status: args.status,
        campaignId: args.campaignId,
      },
    );
  }

  @Mutation(() => PostPayload, { description: 'One vote per member, customers included.' })
  async voteIdea(
    @CurrentViewer() viewer: Viewer,
    @Args('ideaId', { type: () => ID }) ideaId: string,
  ): Promise<PostPayload> {
    return { post: await this.ideaService.vote(viewer.userId, ideaId, true) };
  }

  @Mutation(() => PostPayload)
  async unvoteIdea(
    @CurrentViewer() viewer: Viewer,
    @Args('ideaId', { type: () => ID }) ideaId: string,
  ): Promise<PostPayload> {
    return { post: await this.ideaService.vote(viewer.userId, ideaId, false) };
  }

  @Mutation(() => ChangeIdeaStatusPayload, {
    description: 'Moderators move an idea with a note; the submitter, voters and commenters are notified.',
  })
  changeIdeaStatus(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: ChangeIdeaStatusInput,
  ): Promise<ChangeIdeaStatusPayload> {
    return this.ideaService.changeStatus(viewer.userId, input);
  }

  @Mutation(() => PostPayload, { description: 'Merges a duplicate idea into another: votes and followers move.' })
  async mergeIdeas(@CurrentViewer() viewer: Viewer, @Args('input') input: MergeIdeasInput): Promise<PostPayload> {
    return { post: await this.ideaService.merge(viewer.userId, input) };
  }

  @ResolveField(() => [IdeaStatusChange], { nullable: true, description: 'Ideas: every status change, oldest first.' })
  ideaStatusHistory(@Parent() post: Post): Promise<IdeaStatusChange[]> | null {
    return post.kind === 'IDEA' ? this.ideaService.history(post.postId) : null;
  }

  @ResolveField(() => [IdeaVotesByAccount], {
    nullable: true,
    description: "Ideas: votes per customer company, for the space's moderators (null for others).",
  })
  ideaVotesByAccount(
    @CurrentViewer() viewer: Viewer,
    @Parent() post: Post,
  ): Promise<IdeaVotesByAccount[] | null> | null {
    return post.kind === 'IDEA' ? this.ideaService.votesByAccount(viewer.userId, post) : null;
  }
}

@Resolver(() => IdeaDetails)
export class IdeaDetailsResolver {
  constructor(
    private readonly access: ContentAccess,
    private readonly clock: Clock,
  ) {}

  @ResolveField(() => IdeaAbilities, {
    description: 'What the viewer may do with the idea: each flag is the decision the operation itself takes.',
  })
  async viewerCan(
    @CurrentViewer() viewer: Viewer,
    @Parent() idea: IdeaDetails,
    @Context() ctx: GraphQLContext,
  ): Promise<IdeaAbilities> {
    const standing = idea.post.preload
      ? idea.post.preload.standing
      : await this.access.standing(ctx.loaders, viewer.userId, idea.post.spaceUuid);
    return ideaAbilities(
      standing,
      { isAuthor: idea.post.authorId === viewer.userId, deleted: idea.post.deleted, status: idea.status },
      this.clock.now(),
    );
  }
}
