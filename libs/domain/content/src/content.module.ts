import { Module } from '@nestjs/common';
import { IdentityModule } from '@ruche/identity';
import { MediaModule } from '@ruche/media';
import { SpacesModule } from '@ruche/spaces';
import { CommentsService } from './comments';
import { ContentAccess } from './content-access';
import { IdeasResolver, IdeasService } from './ideas';
import { Mentions, MentionsResolver } from './mentions';
import { ModerationResolver, ModerationService } from './moderation';
import { NewcomerLimits } from './newcomers';
import { NotificationDigest } from './notification-digest';
import { Notifications, NotificationsResolver } from './notifications';
import { CommentsResolver, PostRevisionResolver, PostsResolver } from './posts.resolver';
import { PostsService } from './posts.service';
import { SearchResolver, SearchService } from './search';

/** Posts, comments, reactions, ideas, notifications and their daily digest. */
@Module({
  imports: [IdentityModule, SpacesModule, MediaModule],
  providers: [
    ContentAccess,
    PostsService,
    CommentsService,
    IdeasService,
    Notifications,
    NotificationDigest,
    PostsResolver,
    PostRevisionResolver,
    CommentsResolver,
    IdeasResolver,
    NotificationsResolver,
    Mentions,
    MentionsResolver,
    NewcomerLimits,
    ModerationService,
    ModerationResolver,
    SearchService,
    SearchResolver,
  ],
})
export class ContentModule {}
