import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The readable spaces of `ruche_viewer()`, as CreateSpaces wrote it (the policy `canReadSpace` mirrors). */
const readable = (into = '') => `SELECT coalesce(array_agg(DISTINCT id), '{}') ${into} FROM (
         SELECT s.id FROM spaces s
         JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ruche_viewer()
         WHERE om.role IN ('OWNER', 'ADMIN') OR (om.role IN ('MANAGER', 'MEMBER') AND s.visibility = 'OPEN')
         UNION ALL
         SELECT s.id FROM space_memberships sm
         JOIN spaces s ON s.id = sm.space_id
         JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
         WHERE sm.user_id = ruche_viewer()
           AND ((om.role <> 'CUSTOMER' AND sm.role <> 'CUSTOMER')
             OR (om.role = 'CUSTOMER' AND sm.role = 'CUSTOMER' AND s.kind = 'HYBRID' AND EXISTS (
                   SELECT 1 FROM consent_records c
                   WHERE c.subject_id = sm.user_id AND c.space_id = s.id
                     AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version)))
       ) readable`;

/** What decides who reads which space: a write to one of them forgets the transaction's answer. */
const READABLE_INPUTS = ['spaces', 'space_memberships', 'organization_memberships', 'consent_records'];

/** Feeds answer from index walks whose work follows the page, not the history (ContentFeeds). */
const INDEXES = [
  // Pinned posts come first in a space feed: few per space, read whole and sorted.
  `CREATE INDEX posts_space_pinned_idx ON posts (space_id) WHERE pinned_at IS NOT NULL AND deleted_at IS NULL`,
  // The idea board walks ideas only, in each of its orders.
  `CREATE INDEX posts_space_ideas_new_idx ON posts (space_id, created_at DESC, id DESC) WHERE kind = 'IDEA'`,
  `CREATE INDEX posts_space_ideas_top_idx ON posts (space_id, score DESC, id DESC) WHERE kind = 'IDEA'`,
  `CREATE INDEX posts_space_ideas_hot_idx ON posts (space_id, hot_rank DESC, id DESC) WHERE kind = 'IDEA'`,
];

/**
 * The home feed reads one index walk per readable space. Row-level security asks `ruche_readable_spaces()`
 * once per table and statement (about 1 ms each, several per page); it now answers once per transaction and
 * viewer, kept in a transaction-local setting that any write to the tables it reads clears (statement
 * triggers), so a transaction still sees its own membership and consent changes at once.
 */
export class FeedIndexWalks1764730000000 implements MigrationInterface {
  name = 'FeedIndexWalks1764730000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of INDEXES) await q.query(sql);
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_readable_spaces() RETURNS uuid[] LANGUAGE plpgsql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      DECLARE
        viewer text := coalesce(ruche_viewer()::text, '');
        cached text := current_setting('ruche.readable_spaces', true);
        answer uuid[];
      BEGIN
        IF cached LIKE viewer || ':%' THEN
          RETURN substr(cached, length(viewer) + 2)::uuid[];
        END IF;
        ${readable('INTO answer')};
        PERFORM set_config('ruche.readable_spaces', viewer || ':' || answer::text, true);
        RETURN answer;
      END $$`);
    await q.query(`
      CREATE FUNCTION ruche_readable_spaces_forget() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM set_config('ruche.readable_spaces', '', true);
        RETURN NULL;
      END $$`);
    for (const table of READABLE_INPUTS) {
      await q.query(`CREATE TRIGGER ${table}_readable_forget AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
                     FOR EACH STATEMENT EXECUTE FUNCTION ruche_readable_spaces_forget()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of READABLE_INPUTS) await q.query(`DROP TRIGGER ${table}_readable_forget ON ${table}`);
    await q.query(`DROP FUNCTION ruche_readable_spaces_forget()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_readable_spaces() RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$ ${readable()} $$`);
    for (const sql of INDEXES) await q.query(`DROP INDEX ${/INDEX (\w+)/.exec(sql)![1]}`);
  }
}
