import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '@ruche/graphql';
import { CommentsService } from './comments';
import { IdeasService } from './ideas';
import { PostsService } from './posts.service';

/**
 * `node(id)` for content: posts and ideas (as `post`), comments (as their post's thread shows them) and
 * campaigns (as `campaigns` lists them). What a viewer may not read answers NOT_FOUND, as for a missing id.
 */
@Injectable()
export class ContentNodes implements OnModuleInit {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly posts: PostsService,
    private readonly comments: CommentsService,
    private readonly ideas: IdeasService,
  ) {}

  onModuleInit(): void {
    this.registry.register('Post', (viewer, id) => this.posts.get(viewer.userId, id));
    this.registry.register('Comment', (viewer, id) => this.comments.get(viewer.userId, id));
    this.registry.register('Campaign', (viewer, id) => this.ideas.campaign(viewer.userId, id));
  }
}
