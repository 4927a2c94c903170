export { ContentModule } from './content.module';
export { NOTIFICATION_DIGEST_JOB, NotificationDigest } from './notification-digest';
export { PostsService } from './posts.service';
export { CommentsService } from './comments';
export { IdeasService } from './ideas';
export { ModerationService } from './moderation';
