import { Module } from '@nestjs/common';
import { IdentityModule } from '@ruche/identity';
import { MediaModule } from '@ruche/media';
import { SpacesModule } from '@ruche/spaces';
import { CommentsService } from './comments';
import { ContentAccess } from './content-access';
import { IdeasResolver, IdeasService } from './ideas';
import { Notifications, NotificationsResolver } from './notifications';
import { CommentsResolver, PostRevisionResolver, PostsResolver } from './posts.resolver';
import { PostsService } from './posts.service';

/** Posts, comments, reactions (and, built on them, ideas). */
@Module({
  imports: [IdentityModule, SpacesModule, MediaModule],
  providers: [
    ContentAccess,
    PostsService,
    CommentsService,
    IdeasService,
    Notifications,
    PostsResolver,
    PostRevisionResolver,
    CommentsResolver,
    IdeasResolver,
    NotificationsResolver,
  ],
})
export class ContentModule {}
