import { Module } from '@nestjs/common';
import { NodeModule } from '@ruche/graphql';
import { IdentityModule } from '@ruche/identity';
import { MediaModule } from '@ruche/media';
import { SpacesModule } from '@ruche/spaces';
import { CommentsService } from './comments';
import { ContentAccess } from './content-access';
import { ContentNodes } from './content.nodes';
import { IdeaDetailsResolver, IdeasResolver, IdeasService } from './ideas';
import { Mentions, MentionsResolver } from './mentions';
import { ModerationResolver, ModerationService } from './moderation';
import { NewcomerLimits } from './newcomers';
import { NotificationDigest } from './notification-digest';
import { Notifications, NotificationsResolver } from './notifications';
import { CommentsResolver, PostRevisionResolver, PostsResolver, SpaceContentAbilitiesResolver } from './posts.resolver';
import { PostsService } from './posts.service';
import { SearchResolver, SearchService } from './search';

/** Posts, comments, reactions, ideas, notifications and their daily digest; registers its types for `node(id)`. */
@Module({
  imports: [IdentityModule, SpacesModule, MediaModule, NodeModule],
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
    IdeaDetailsResolver,
    SpaceContentAbilitiesResolver,
    ContentNodes,
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
