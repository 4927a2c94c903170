import { Module } from '@nestjs/common';
import { FileMediaStorage, MediaStorage } from './media-storage';
import { UploadsController } from './uploads.controller';
import { Uploads } from './uploads.service';

/**
 * Uploaded images. Storage is a port: swap `FileMediaStorage` for another `MediaStorage` (an object store)
 * here, or with `overrideProvider(MediaStorage)` in tests.
 */
@Module({
  controllers: [UploadsController],
  providers: [Uploads, { provide: MediaStorage, useClass: FileMediaStorage }],
  exports: [Uploads, MediaStorage],
})
export class MediaModule {}
