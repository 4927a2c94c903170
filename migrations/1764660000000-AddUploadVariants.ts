import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Animated uploads and the narrower copies served for `srcset`. `frames` is 1 for a still image. `variants`
 * lists the stored copies, narrowest first, as `{"width", "height", "bytes", "key"}` where `key` is another
 * media storage key chosen by the server; the row's own `storage_key`, `width` and `height` remain the full
 * image. Uploads made before this migration have no variants and are served whole at every width.
 */
export class AddUploadVariants1764660000000 implements MigrationInterface {
  name = 'AddUploadVariants1764660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uploads ADD COLUMN frames int NOT NULL DEFAULT 1 CHECK (frames >= 1)`);
    await q.query(`ALTER TABLE uploads ADD COLUMN variants jsonb NOT NULL DEFAULT '[]'
                   CHECK (jsonb_typeof(variants) = 'array')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uploads DROP COLUMN variants`);
    await q.query(`ALTER TABLE uploads DROP COLUMN frames`);
  }
}
