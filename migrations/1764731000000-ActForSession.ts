import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The session check in the transaction's first round trip: `ruche_act_for_session` sets who row-level
 * security acts for only if the access token's session is live (the user enabled, the session not signed
 * out, the token version current), and fails with SQLSTATE 28000 otherwise. Revocation therefore holds on
 * the very next statement, on every node, with no separate query and no cache to expire.
 */
export class ActForSession1764731000000 implements MigrationInterface {
  name = 'ActForSession1764731000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ruche_act_for_session(p_user uuid, p_session uuid, p_token_version int) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        PERFORM 1 FROM users u JOIN session_families f ON f.id = p_session AND f.user_id = u.id
        WHERE u.id = p_user AND u.disabled_at IS NULL AND f.revoked_at IS NULL AND u.token_version = p_token_version;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'session is not live' USING ERRCODE = 'invalid_authorization_specification';
        END IF;
        PERFORM set_config('ruche.user_id', p_user::text, true);
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION ruche_act_for_session(uuid, uuid, int) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ruche_act_for_session(uuid, uuid, int) TO ruche_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ruche_act_for_session(uuid, uuid, int)`);
  }
}
