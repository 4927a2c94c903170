export { ContentModule } from './content.module';
export { NotificationDigest } from './notification-digest';
