import { Injectable } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import { alignByKey, type GraphQLContext } from '@ruche/graphql';
import { User } from '@ruche/identity';
import { badInput, parseGlobalId } from '@ruche/kernel';
import { visibleUserSql } from '@ruche/policy';
import { Notifications } from './notifications';
import { Post } from './post.types';

/** The one answer for an id that matches nobody and for someone who cannot read the space: no oracle. */
const unknownPerson = () => badInput({ mentions: ['a mentioned person was not found in this space'] });

/** Mentions in posts and comments: only people who can read the space, notified in the writing transaction. */
@Injectable()
export class Mentions {
  constructor(
    private readonly db: Db,
    private readonly notifications: Notifications,
  ) {}

  /** The mentioned users' uuids, without duplicates; refuses the list if anyone in it cannot read the space. */
  async resolve(globalIds: string[] | undefined, spaceId: string): Promise<string[]> {
    if (!globalIds || globalIds.length === 0) return [];
    const parsed = globalIds.map((g) => parseGlobalId(g));
    if (parsed.some((p) => p?.type !== 'User')) throw unknownPerson();
    const unique = [...new Set(parsed.map((p) => p!.id))];
    // ruche_user_reads_space answers only about spaces the acting user reads, and sees every person's consent.
    const [{ readers }]: { readers: number }[] = await this.db.manager.query(
      `SELECT count(*)::int AS readers FROM unnest($1::uuid[]) AS m(id) WHERE ruche_user_reads_space(m.id, $2)`,
      [unique, spaceId],
    );
    if (readers !== unique.length) throw unknownPerson();
    return unique;
  }

  async notify(
    userIds: string[],
    at: { organizationId: string; spaceId: string; postId: string; commentId?: string; actorId: string },
  ): Promise<void> {
    await this.notifications.fanOut({ kind: 'MENTION', ...at, recipients: userIds });
  }

  /** Users by id as the viewer may see them (visibleUserSql): a mention never reveals someone hidden from them. */
  async visibleUsers(viewerId: string, ids: readonly string[]): Promise<(User | null)[]> {
    const rows: {
      id: string;
      display_name: string;
      email: string;
      email_verified_at: Date | null;
      created_at: Date;
    }[] = await this.db.transaction(() =>
      this.db.manager.query(
        `SELECT u.id, u.display_name, u.email, u.email_verified_at, u.created_at FROM users u
           WHERE u.id = ANY ($2::uuid[]) AND ${visibleUserSql('$1', 'u.id')}`,
        [viewerId, ids],
      ),
    );
    return alignByKey(ids, rows, (r) => r.id).map((r) =>
      r
        ? User.from(
            {
              id: r.id,
              displayName: r.display_name,
              email: r.email,
              emailVerifiedAt: r.email_verified_at,
              createdAt: r.created_at,
            } as Parameters<typeof User.from>[0],
            viewerId,
          )
        : null,
    );
  }
}

@Resolver(() => Post)
export class MentionsResolver {
  constructor(private readonly mentionService: Mentions) {}

  @ResolveField(() => [User], { description: 'People mentioned in the post (those the viewer may see), batched.' })
  async mentions(
    @Parent() post: Post,
    @CurrentViewer() viewer: Viewer,
    @Context() ctx: GraphQLContext,
  ): Promise<User[]> {
    if (post.mentionIds.length === 0) return [];
    const loader = ctx.loaders.get<string, User | null>('visibleUser', (ids) =>
      this.mentionService.visibleUsers(viewer.userId, ids),
    );
    const users = await loader.loadMany(post.mentionIds);
    return users.filter((u): u is User => u instanceof User);
  }
}
