import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app notifications (grouped per thread when read), per-kind preferences, and the helper that tells
 * whether someone may read a space — a notification or a mention never reaches someone who cannot.
 */
export class CreateNotifications1764400000000 implements MigrationInterface {
  name = 'CreateNotifications1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('COMMENT', 'IDEA_STATUS', 'MENTION')),
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        comment_id uuid REFERENCES comments (id) ON DELETE CASCADE,
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        data jsonb NOT NULL DEFAULT '{}',
        digest_only boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        read_at timestamptz,
        emailed_at timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC)`);
    await q.query(
      `CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL AND NOT digest_only`,
    );
    await q.query(`CREATE INDEX notifications_digest_idx ON notifications (created_at) WHERE emailed_at IS NULL`);
    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('COMMENT', 'IDEA_STATUS', 'MENTION')),
        mode text NOT NULL CHECK (mode IN ('ALL', 'DIGEST', 'NONE')),
        PRIMARY KEY (user_id, kind)
      )`);

    // Whether a given person can read a space (same rule as ruche_readable_spaces()), for fan-out and
    // mentions: the acting user's own row-level security cannot see other people's consent records.
    await q.query(`
      CREATE FUNCTION ruche_user_reads_space(p_user uuid, p_space uuid) RETURNS boolean
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT EXISTS (
          SELECT 1 FROM spaces s
          JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = p_user
          LEFT JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = p_user
          WHERE s.id = p_space AND p_space = ANY (ruche_readable_spaces()) AND (
            om.role IN ('OWNER', 'ADMIN')
            OR (om.role IN ('MANAGER', 'MEMBER') AND (s.visibility = 'OPEN' OR (sm.role IS NOT NULL AND sm.role <> 'CUSTOMER')))
            OR (om.role = 'CUSTOMER' AND sm.role = 'CUSTOMER' AND s.kind = 'HYBRID' AND EXISTS (
                  SELECT 1 FROM consent_records c
                  WHERE c.subject_id = p_user AND c.space_id = s.id
                    AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version))))
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION ruche_user_reads_space(uuid, uuid) FROM PUBLIC`);
    // Only about spaces the caller reads: it cannot probe spaces hidden from them.
    await q.query(`GRANT EXECUTE ON FUNCTION ruche_user_reads_space(uuid, uuid) TO ruche_app`);

    // Who is due a daily digest: unread, not yet mailed notifications, and no digest in the last 23 hours.
    // The job then reads each person's notifications acting as that person (their own row-level security).
    await q.query(`
      CREATE FUNCTION ruche_digest_recipients(p_now timestamptz) RETURNS uuid[]
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT coalesce(array_agg(DISTINCT n.recipient_id), '{}') FROM notifications n
        JOIN users u ON u.id = n.recipient_id AND u.disabled_at IS NULL AND u.email_verified_at IS NOT NULL
        WHERE n.emailed_at IS NULL AND n.read_at IS NULL AND n.created_at > p_now - interval '7 days'
          AND NOT EXISTS (SELECT 1 FROM notifications m
                          WHERE m.recipient_id = n.recipient_id AND m.emailed_at > p_now - interval '23 hours')
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION ruche_digest_recipients(timestamptz) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ruche_digest_recipients(timestamptz) TO ruche_app`);

    await q.query(`GRANT SELECT, INSERT, UPDATE ON notifications TO ruche_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON notification_preferences TO ruche_app`);
    for (const table of ['notifications', 'notification_preferences']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
    }
    // One's own notifications, only while one can read their space; created by the actor, in a space they read.
    await q.query(`CREATE POLICY app_read ON notifications FOR SELECT TO ruche_app
                   USING (recipient_id = ruche_viewer() AND space_id = ANY ((SELECT ruche_readable_spaces())::uuid[]))`);
    await q.query(
      `CREATE POLICY app_update ON notifications FOR UPDATE TO ruche_app USING (recipient_id = ruche_viewer())`,
    );
    await q.query(`CREATE POLICY app_insert ON notifications FOR INSERT TO ruche_app
                   WITH CHECK (actor_id = ruche_viewer() AND space_id = ANY ((SELECT ruche_readable_spaces())::uuid[]))`);
    await q.query(
      `CREATE POLICY app_own ON notification_preferences FOR ALL TO ruche_app USING (user_id = ruche_viewer())`,
    );
    // Fan-out reads the recipients' preferences.
    await q.query(`CREATE POLICY app_fanout ON notification_preferences FOR SELECT TO ruche_app USING (true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_preferences`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP FUNCTION ruche_user_reads_space(uuid, uuid)`);
    await q.query(`DROP FUNCTION ruche_digest_recipients(timestamptz)`);
  }
}
