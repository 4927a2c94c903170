import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded images. An upload belongs to its uploader until it is attached to a post; then it takes the post's
 * space (and organization) and follows the space's row-level security. The bytes live in media storage under
 * `storage_key`, a random uuid chosen by the server.
 */
export class CreateUploads1764300000000 implements MigrationInterface {
  name = 'CreateUploads1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
        post_id uuid REFERENCES posts (id) ON DELETE SET NULL,
        space_id uuid REFERENCES spaces (id) ON DELETE CASCADE,
        storage_key text NOT NULL UNIQUE,
        content_type text NOT NULL,
        bytes int NOT NULL CHECK (bytes > 0),
        width int NOT NULL CHECK (width > 0),
        height int NOT NULL CHECK (height > 0),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX uploads_post_idx ON uploads (post_id, created_at, id) WHERE post_id IS NOT NULL`);
    await q.query(`CREATE INDEX uploads_owner_idx ON uploads (owner_id)`);

    await q.query(`GRANT SELECT, INSERT, UPDATE ON uploads TO ruche_app`);
    await q.query(`ALTER TABLE uploads ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE uploads FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY owner_all ON uploads TO CURRENT_USER USING (true) WITH CHECK (true)`);
    const readable = `space_id = ANY ((SELECT ruche_readable_spaces())::uuid[])`;
    await q.query(`CREATE POLICY app_read ON uploads FOR SELECT TO ruche_app
                   USING (owner_id = ruche_viewer() OR ${readable})`);
    // Uploads start unattached; attaching is an update by the uploader, into a space they read.
    await q.query(`CREATE POLICY app_insert ON uploads FOR INSERT TO ruche_app
                   WITH CHECK (owner_id = ruche_viewer() AND post_id IS NULL AND space_id IS NULL)`);
    await q.query(`CREATE POLICY app_update ON uploads FOR UPDATE TO ruche_app
                   USING (owner_id = ruche_viewer())
                   WITH CHECK (owner_id = ruche_viewer() AND (space_id IS NULL OR ${readable}))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policy of ['app_update', 'app_insert', 'app_read', 'owner_all']) {
      await q.query(`DROP POLICY ${policy} ON uploads`);
    }
    await q.query(`DROP TABLE uploads`);
  }
}
