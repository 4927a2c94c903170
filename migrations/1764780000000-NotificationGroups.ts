import type { MigrationInterface, QueryRunner } from 'typeorm';

const DEFINER = `SECURITY DEFINER SET search_path = pg_catalog, public`;
/** The group of a notification, and the cursor's tie-breaker (as the list query always ordered them). */
const GROUP_KEY = `(post_id::text || ':' || kind)`;

/**
 * A person's notification list is a list of groups (one per post and kind), newest first. It used to group
 * all of the person's notifications on every read, so its cost grew with their history. The groups are now
 * rows of their own, kept by statement triggers on `notifications` (insert and read adjust the counts; a
 * deletion recounts the groups it touched), and the list walks `notification_groups_latest_idx` for one page.
 * Digest-only notifications stay out of the groups, as they stayed out of the list.
 */
export class NotificationGroups1764780000000 implements MigrationInterface {
  name = 'NotificationGroups1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_groups (
        recipient_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        kind text NOT NULL,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        count int NOT NULL,
        unread int NOT NULL,
        latest_at timestamptz NOT NULL,
        PRIMARY KEY (recipient_id, post_id, kind)
      )`);
    await q.query(
      `CREATE INDEX notification_groups_latest_idx ON notification_groups (recipient_id, latest_at DESC, ${GROUP_KEY} DESC)`,
    );
    // A group's latest actors and data: its newest notifications.
    await q.query(
      `CREATE INDEX notifications_group_idx ON notifications (recipient_id, post_id, kind, created_at DESC) WHERE NOT digest_only`,
    );
    await q.query(`
      INSERT INTO notification_groups (recipient_id, post_id, kind, space_id, count, unread, latest_at)
      SELECT recipient_id, post_id, kind, min(space_id::text)::uuid, count(*), count(*) FILTER (WHERE read_at IS NULL),
             max(created_at)
      FROM notifications WHERE NOT digest_only GROUP BY recipient_id, post_id, kind`);

    await q.query(`
      CREATE FUNCTION notification_groups_added() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      BEGIN
        INSERT INTO notification_groups AS g (recipient_id, post_id, kind, space_id, count, unread, latest_at)
        SELECT recipient_id, post_id, kind, min(space_id::text)::uuid, count(*), count(*) FILTER (WHERE read_at IS NULL),
               max(created_at)
        FROM added WHERE NOT digest_only GROUP BY recipient_id, post_id, kind
        ON CONFLICT (recipient_id, post_id, kind) DO UPDATE SET count = g.count + excluded.count,
          unread = g.unread + excluded.unread, latest_at = greatest(g.latest_at, excluded.latest_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION notification_groups_read() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      BEGIN
        UPDATE notification_groups g SET unread = g.unread + d.delta
        FROM (SELECT n.recipient_id, n.post_id, n.kind,
                     sum((n.read_at IS NULL)::int - (o.read_at IS NULL)::int)::int AS delta
              FROM after_update n JOIN before_update o ON o.id = n.id
              WHERE NOT n.digest_only AND (n.read_at IS NULL) <> (o.read_at IS NULL)
              GROUP BY n.recipient_id, n.post_id, n.kind) d
        WHERE g.recipient_id = d.recipient_id AND g.post_id = d.post_id AND g.kind = d.kind;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION notification_groups_removed() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      BEGIN
        DELETE FROM notification_groups g USING (SELECT DISTINCT recipient_id, post_id, kind FROM removed) r
        WHERE g.recipient_id = r.recipient_id AND g.post_id = r.post_id AND g.kind = r.kind;
        INSERT INTO notification_groups (recipient_id, post_id, kind, space_id, count, unread, latest_at)
        SELECT n.recipient_id, n.post_id, n.kind, min(n.space_id::text)::uuid, count(*),
               count(*) FILTER (WHERE n.read_at IS NULL), max(n.created_at)
        FROM notifications n JOIN (SELECT DISTINCT recipient_id, post_id, kind FROM removed) r
          ON n.recipient_id = r.recipient_id AND n.post_id = r.post_id AND n.kind = r.kind
        WHERE NOT n.digest_only GROUP BY n.recipient_id, n.post_id, n.kind;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER notification_groups_added AFTER INSERT ON notifications
                   REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION notification_groups_added()`);
    await q.query(`CREATE TRIGGER notification_groups_read AFTER UPDATE ON notifications
                   REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update
                   FOR EACH STATEMENT EXECUTE FUNCTION notification_groups_read()`);
    await q.query(`CREATE TRIGGER notification_groups_removed AFTER DELETE ON notifications
                   REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION notification_groups_removed()`);

    await q.query(`GRANT SELECT ON notification_groups TO ruche_app`);
    await q.query(`ALTER TABLE notification_groups ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE notification_groups FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY owner_all ON notification_groups TO CURRENT_USER USING (true) WITH CHECK (true)`);
    // As for the notifications themselves: one's own, only while one can read their space.
    await q.query(`CREATE POLICY app_read ON notification_groups FOR SELECT TO ruche_app
                   USING (recipient_id = ruche_viewer() AND space_id = ANY ((SELECT ruche_readable_spaces())::uuid[]))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['added', 'read', 'removed']) {
      await q.query(`DROP TRIGGER notification_groups_${t} ON notifications`);
      await q.query(`DROP FUNCTION notification_groups_${t}()`);
    }
    await q.query(`DROP INDEX notifications_group_idx`);
    await q.query(`DROP TABLE notification_groups`);
  }
}
