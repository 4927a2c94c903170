import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation: reports (flags) on posts and comments, resolved by the space's managers, and suspensions from a
 * space. Both follow the space's row-level security: reporters file reports only in spaces they read, managers
 * (`ruche_managed_spaces()`) read and resolve them; a suspended person reads their own suspension.
 */
export class CreateModeration1764500000000 implements MigrationInterface {
  name = 'CreateModeration1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        comment_id uuid REFERENCES comments (id) ON DELETE CASCADE,
        reporter_id uuid REFERENCES users (id) ON DELETE SET NULL,
        reason text NOT NULL CHECK (reason IN ('SPAM', 'ABUSE', 'OFF_TOPIC', 'PERSONAL_DATA', 'OTHER')),
        details text NOT NULL DEFAULT '' CHECK (length(details) <= 1000),
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED')),
        resolution text CHECK (resolution IN ('HIDE', 'RESTORE', 'DISMISS', 'SUSPEND')),
        note text CHECK (length(note) <= 2000),
        resolved_by uuid REFERENCES users (id) ON DELETE SET NULL,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL,
        CHECK ((status = 'RESOLVED') = (resolution IS NOT NULL AND resolved_at IS NOT NULL))
      )`);
    // One open report per reporter and item (a comment's id, or the post's): reporting twice is a CONFLICT.
    await q.query(
      `CREATE UNIQUE INDEX reports_open_key ON reports (reporter_id, (coalesce(comment_id, post_id))) WHERE status = 'OPEN'`,
    );
    await q.query(`CREATE INDEX reports_queue_idx ON reports (space_id, created_at, id) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX reports_item_idx ON reports (post_id, comment_id)`);

    await q.query(`
      CREATE TABLE space_suspensions (
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        until timestamptz NOT NULL,
        reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (space_id, user_id)
      )`);

    // No DELETE on reports: they are the record of what was flagged and how it was handled.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON reports, space_suspensions TO ruche_app`);
    for (const table of ['reports', 'space_suspensions']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
    }
    const readable = (col: string) => `${col} = ANY ((SELECT ruche_readable_spaces())::uuid[])`;
    const managed = (col: string) => `${col} = ANY ((SELECT ruche_managed_spaces())::uuid[])`;
    const policy = (table: string, name: string, command: string, clause: string) =>
      q.query(`CREATE POLICY app_${name} ON ${table} FOR ${command} TO ruche_app ${clause}`);

    // Reporters see their own reports (to tell a duplicate), managers those of their spaces.
    await policy('reports', 'read', 'SELECT', `USING (reporter_id = ruche_viewer() OR ${managed('space_id')})`);
    // A new, open report of one's own, about a post of that very space and organization, in a space one reads.
    await policy(
      'reports',
      'file',
      'INSERT',
      `WITH CHECK (reporter_id = ruche_viewer() AND status = 'OPEN' AND resolution IS NULL AND ${readable('space_id')}
        AND EXISTS (SELECT 1 FROM posts p WHERE p.id = reports.post_id AND p.space_id = reports.space_id
                      AND p.organization_id = reports.organization_id))`,
    );
    await policy('reports', 'resolve', 'UPDATE', `USING (${managed('space_id')}) WITH CHECK (${managed('space_id')})`);

    await policy('space_suspensions', 'read', 'SELECT', `USING (user_id = ruche_viewer() OR ${managed('space_id')})`);
    await policy(
      'space_suspensions',
      'add',
      'INSERT',
      `WITH CHECK (${managed('space_id')} AND created_by = ruche_viewer())`,
    );
    await policy(
      'space_suspensions',
      'change',
      'UPDATE',
      `USING (${managed('space_id')}) WITH CHECK (${managed('space_id')} AND created_by = ruche_viewer())`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE space_suspensions`);
    await q.query(`DROP TABLE reports`);
  }
}
