import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { type LoaderRegistry } from '@ruche/graphql';
import { Clock, consentRequired, enforce, forbidden, fromGlobalId, notFound, toGlobalId } from '@ruche/kernel';
import {
  canSeeHidden,
  decideContentActionFor,
  suspensionApplies,
  type ContentAction,
  type ContentStanding,
} from '@ruche/policy';
import { SpaceAccess, spaceAccessRowFromJson, standingOf, type AuthorizedSpace } from '@ruche/spaces';
import { postSelectSql, preloadSql, type PostRow } from './post.types';

/**
 * The policy enforcement point for content: what the viewer is to the post's space, then the pure content
 * policy. A post in a space the viewer cannot read answers exactly like a post that does not exist.
 * Runs inside a transaction.
 */
@Injectable()
export class ContentAccess {
  constructor(
    private readonly db: Db,
    private readonly spaces: SpaceAccess,
    private readonly clock: Clock,
  ) {}

  /**
   * What the viewer is to the space if they may do `action` there (`decideContentActionFor`). A member suspended
   * from the space by its moderators reads it but takes no part until the suspension ends.
   */
  async inSpace(viewerId: string, spaceId: string, action: ContentAction, what = 'Space', isAuthor = false) {
    const found = await this.spaces.find(viewerId, spaceId);
    if (found === 'INVITED') throw consentRequired('Accept the invitation to this space first', 'INVITATION_PENDING');
    if (!found) throw notFound(what);
    const suspendedUntil = suspensionApplies(action) ? await this.suspendedUntil(viewerId, spaceId) : null;
    return this.decide(found, suspendedUntil, action, what, isAuthor);
  }

  /**
   * `inSpace(…, 'post.read')` for a list of the space's posts, from the standing its first post was read with
   * (row-level security showed it, so the space is visible); an empty list asks the database.
   */
  async readsSpace(viewerId: string, spaceId: string, first: PostRow | undefined): Promise<void> {
    if (!first?.standing) {
      await this.inSpace(viewerId, spaceId, 'post.read');
      return;
    }
    this.decide(standingOf(spaceAccessRowFromJson(first.standing)), null, 'post.read', 'Space', false);
  }

  private decide(
    found: AuthorizedSpace,
    suspendedUntil: Date | null,
    action: ContentAction,
    what: string,
    isAuthor: boolean,
  ): AuthorizedSpace {
    const decision = decideContentActionFor({ ...found, suspendedUntil }, action, this.clock.now(), isAuthor);
    if (decision === 'SUSPENDED') {
      throw forbidden(`You are suspended from this space until ${suspendedUntil!.toISOString()}`, 'SUSPENDED');
    }
    enforce(decision, what);
    return found;
  }

  /**
   * What the viewer is to a space for `viewerCan` (with their suspension there), batched per request: a page of
   * posts or comments costs two queries. Null when the space is hidden from them.
   */
  async standing(loaders: LoaderRegistry, viewerId: string, spaceId: string): Promise<ContentStanding | null> {
    const [found, suspendedUntil] = await Promise.all([
      this.spaces.viewerIn(loaders, viewerId, spaceId),
      loaders
        .get<string, Date | null>('spaceSuspension', async (ids) => {
          const rows: { space_id: string; until: Date }[] = await this.db.transaction(() =>
            this.db.manager.query(
              'SELECT space_id, until FROM space_suspensions WHERE user_id = $1 AND space_id = ANY ($2::uuid[])',
              [viewerId, [...ids]],
            ),
          );
          const until = new Map(rows.map((r) => [r.space_id, r.until]));
          return ids.map((id) => until.get(id) ?? null);
        })
        .load(spaceId),
    ]);
    return found && { ...found, suspendedUntil };
  }

  private async suspendedUntil(viewerId: string, spaceId: string): Promise<Date | null> {
    const [row]: { until: Date }[] = await this.db.manager.query(
      'SELECT until FROM space_suspensions WHERE space_id = $1 AND user_id = $2',
      [spaceId, viewerId],
    );
    return row?.until ?? null;
  }

  /**
   * The post (as the viewer sees it) if the viewer may do `action` on it: the post, what the viewer is to its
   * space, their suspension there and the post's images come from one statement (kept in the row, so the
   * answer's `viewerCan` and `images` need no query).
   */
  async post(
    viewerId: string,
    postGlobalId: string,
    action: ContentAction,
  ): Promise<{ row: PostRow; access: AuthorizedSpace }> {
    const preload = preloadSql('$2', '$3');
    const [row]: PostRow[] = await this.db.manager.query(
      `SELECT ${preload.columns}, ${postSelectSql('$2')} ${preload.joins} WHERE p.id = $1`,
      [fromGlobalId(postGlobalId, 'Post'), viewerId, this.clock.now()],
    );
    // A post whose space the viewer cannot see is hidden by row-level security too: both answer NOT_FOUND.
    if (!row?.standing) throw notFound('Post');
    const isAuthor = row.author_id === viewerId;
    const suspendedUntil = suspensionApplies(action) ? (row.suspended_until ?? null) : null;
    const found = standingOf(spaceAccessRowFromJson(row.standing));
    const access = this.decide(found, suspendedUntil, action, 'Post', isAuthor);
    // A post hidden by a moderator is gone for everyone but its author and the moderators.
    if (row.hidden_at && !canSeeHidden(access.viewer, isAuthor)) throw notFound('Post');
    return { row, access };
  }

  /**
   * The post of a comment, as `post` checks it, answering NOT_FOUND as `what` (a comment in a post the viewer
   * cannot read does not exist for them either).
   */
  async postOf(viewerId: string, postId: string, action: ContentAction, what: string) {
    try {
      return await this.post(viewerId, toGlobalId('Post', postId), action);
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'NOT_FOUND') throw notFound(what);
      throw error;
    }
  }

  async postRow(viewerId: string, postId: string): Promise<PostRow | null> {
    const [row]: PostRow[] = await this.db.manager.query(`SELECT ${postSelectSql('$2')} WHERE p.id = $1`, [
      postId,
      viewerId,
    ]);
    return row ?? null;
  }
}
