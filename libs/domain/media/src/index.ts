export { MediaModule } from './media.module';
export { Uploads, type PostImage, type UploadedImage } from './uploads.service';
export { FileMediaStorage, MediaStorage } from './media-storage';
