import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { Clock, consentRequired, enforce, forbidden, fromGlobalId, notFound } from '@ruche/kernel';
import {
  canSeeHidden,
  decideContentAction,
  suspensionApplies,
  suspensionBlocks,
  type ContentAction,
  type ViewerInSpace,
} from '@ruche/policy';
import { SpaceAccess, type AuthorizedSpace } from '@ruche/spaces';
import { postSelectSql, type PostRow } from './post.types';

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

  async inSpace(viewerId: string, spaceId: string, action: ContentAction, what = 'Space', isAuthor = false) {
    const found = await this.spaces.find(viewerId, spaceId);
    if (found === 'INVITED') throw consentRequired('Accept the invitation to this space first', 'INVITATION_PENDING');
    if (!found) throw notFound(what);
    enforce(decideContentAction(found.viewer, found.facts, action, isAuthor), what);
    if (suspensionApplies(action)) await this.enforceSuspension(viewerId, spaceId, found.viewer, action);
    return found;
  }

  /** A member suspended from the space by its moderators reads it but takes no part until the suspension ends. */
  private async enforceSuspension(viewerId: string, spaceId: string, viewer: ViewerInSpace, action: ContentAction) {
    const [row]: { until: Date }[] = await this.db.manager.query(
      'SELECT until FROM space_suspensions WHERE space_id = $1 AND user_id = $2',
      [spaceId, viewerId],
    );
    if (row && suspensionBlocks(viewer, action, row.until, this.clock.now())) {
      throw forbidden(`You are suspended from this space until ${row.until.toISOString()}`, 'SUSPENDED');
    }
  }

  /** The post (as the viewer sees it) if the viewer may do `action` on it. */
  async post(
    viewerId: string,
    postGlobalId: string,
    action: ContentAction,
  ): Promise<{ row: PostRow; access: AuthorizedSpace }> {
    const row = await this.postRow(viewerId, fromGlobalId(postGlobalId, 'Post'));
    if (!row) throw notFound('Post');
    const access = await this.inSpace(viewerId, row.space_id, action, 'Post', row.author_id === viewerId);
    // A post hidden by a moderator is gone for everyone but its author and the moderators.
    if (row.hidden_at && !canSeeHidden(access.viewer, row.author_id === viewerId)) throw notFound('Post');
    return { row, access };
  }

  async postRow(viewerId: string, postId: string): Promise<PostRow | null> {
    const [row]: PostRow[] = await this.db.manager.query(`SELECT ${postSelectSql('$2')} WHERE p.id = $1`, [
      postId,
      viewerId,
    ]);
    return row ?? null;
  }
}
