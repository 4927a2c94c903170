import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of mutations (`Idempotency-Key` header): per person, the request's fingerprint and the answer
 * exactly as it was sent. The row is written in the mutation's own transaction, so an acknowledged answer and its
 * key commit together or not at all. Rows expire (`expires_at`) and are purged by a job through
 * `ruche_purge_idempotency_keys`.
 */
export class CreateIdempotencyKeys1764740000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        status int,
        response text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at)`);

    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO ruche_app`);
    await q.query(`ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY owner_all ON idempotency_keys TO CURRENT_USER USING (true) WITH CHECK (true)`);
    // Each person sees and writes only their own keys.
    const own = `user_id = ruche_viewer()`;
    await q.query(`CREATE POLICY app_read ON idempotency_keys FOR SELECT TO ruche_app USING (${own})`);
    await q.query(`CREATE POLICY app_insert ON idempotency_keys FOR INSERT TO ruche_app WITH CHECK (${own})`);
    await q.query(`CREATE POLICY app_update ON idempotency_keys FOR UPDATE TO ruche_app
                   USING (${own}) WITH CHECK (${own})`);
    await q.query(`CREATE POLICY app_delete ON idempotency_keys FOR DELETE TO ruche_app USING (${own})`);

    // The purge job acts for nobody: it deletes every expired key and answers only how many.
    await q.query(`
      CREATE FUNCTION ruche_purge_idempotency_keys(p_now timestamptz) RETURNS int
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH purged AS (DELETE FROM idempotency_keys WHERE expires_at <= p_now RETURNING 1)
        SELECT count(*)::int FROM purged
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION ruche_purge_idempotency_keys(timestamptz) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ruche_purge_idempotency_keys(timestamptz) TO ruche_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ruche_purge_idempotency_keys(timestamptz)`);
    for (const policy of ['app_delete', 'app_update', 'app_insert', 'app_read', 'owner_all']) {
      await q.query(`DROP POLICY ${policy} ON idempotency_keys`);
    }
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
