export { MediaModule } from './media.module';
export {
  imagesOf,
  postImagesSql,
  Uploads,
  type PostImage,
  type PostImageRow,
  type UploadedImage,
} from './uploads.service';
export { FileMediaStorage, MediaStorage } from './media-storage';
