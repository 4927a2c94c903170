import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { consentRequired, enforce, fromGlobalId, notFound } from '@ruche/kernel';
import { decideContentAction, type ContentAction } from '@ruche/policy';
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
  ) {}

  async inSpace(viewerId: string, spaceId: string, action: ContentAction, what = 'Space', isAuthor = false) {
    const found = await this.spaces.find(viewerId, spaceId);
    if (found === 'INVITED') throw consentRequired('Accept the invitation to this space first', 'INVITATION_PENDING');
    if (!found) throw notFound(what);
    enforce(decideContentAction(found.viewer, found.facts, action, isAuthor), what);
    return found;
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
