import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox. Triggers on the domain tables append an event in the very transaction that
 * writes, so nothing acknowledged is missing from it. Each stream ("space:<id>" for a space's activity,
 * "user:<id>" for one person's) numbers its events with a gap-free `seq`: the stream's counter row stays
 * locked until commit, so events of a stream commit in `seq` order and a relay reading by id sees them so.
 * Payloads are ids and small facts only; clients fetch what they may read through the API.
 */
export class CreateOutbox1764600000000 implements MigrationInterface {
  name = 'CreateOutbox1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_streams (
        stream text PRIMARY KEY,
        seq bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE outbox_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream text NOT NULL,
        seq bigint NOT NULL,
        space_id uuid,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz,
        UNIQUE (stream, seq)
      )`);
    await q.query(`CREATE INDEX outbox_events_pending_idx ON outbox_events (id) WHERE dispatched_at IS NULL`);
    await q.query(`CREATE INDEX outbox_events_created_idx ON outbox_events (created_at)`);
    // Only the definer functions below touch the outbox: the API role has no policy on it.
    for (const table of ['outbox_streams', 'outbox_events']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
    }

    // The PostgreSQL socket.io adapter keeps payloads over NOTIFY's 8,000 bytes here (ours are far smaller).
    await q.query(`
      CREATE TABLE socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON socket_io_attachments TO ruche_app`);
    await q.query(`GRANT USAGE ON SEQUENCE socket_io_attachments_id_seq TO ruche_app`);

    const definer = (signature: string, returns: string, language: string, body: string, volatility = 'VOLATILE') =>
      q.query(`CREATE FUNCTION ${signature} RETURNS ${returns} LANGUAGE ${language} ${volatility} SECURITY DEFINER
               SET search_path = pg_catalog, public AS $$ ${body} $$`);
    await definer(
      'ruche_outbox_emit(p_stream text, p_space uuid, p_type text, p_payload jsonb)',
      'void',
      'plpgsql',
      `DECLARE next_seq bigint;
       BEGIN
         INSERT INTO outbox_streams (stream, seq) VALUES (p_stream, 1)
         ON CONFLICT (stream) DO UPDATE SET seq = outbox_streams.seq + 1
         RETURNING seq INTO next_seq;
         INSERT INTO outbox_events (stream, seq, space_id, type, payload) VALUES (p_stream, next_seq, p_space, p_type, p_payload);
         PERFORM pg_notify('ruche_outbox', '');
       END`,
    );
    await definer(
      'ruche_outbox_pending(p_limit int)',
      'SETOF outbox_events',
      'sql',
      `SELECT * FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT p_limit`,
      'STABLE',
    );
    await definer(
      'ruche_outbox_dispatched(p_ids bigint[])',
      'void',
      'sql',
      `UPDATE outbox_events SET dispatched_at = now() WHERE id = ANY (p_ids) AND dispatched_at IS NULL`,
    );
    // Replay for a subscriber who was let into the stream (the gateway checks the policy first).
    await definer(
      'ruche_outbox_replay(p_stream text, p_after bigint, p_limit int)',
      'SETOF outbox_events',
      'sql',
      `SELECT * FROM outbox_events WHERE stream = p_stream AND seq > p_after AND dispatched_at IS NOT NULL
       ORDER BY seq LIMIT p_limit`,
      'STABLE',
    );
    await definer(
      'ruche_outbox_last_seq(p_stream text)',
      'bigint',
      'sql',
      `SELECT coalesce((SELECT seq FROM outbox_streams WHERE stream = p_stream), 0)`,
      'STABLE',
    );
    await definer(
      'ruche_outbox_prune(p_before timestamptz)',
      'integer',
      'sql',
      `WITH gone AS (DELETE FROM outbox_events WHERE dispatched_at IS NOT NULL AND created_at < p_before RETURNING 1)
       SELECT count(*)::int FROM gone`,
    );
    for (const fn of [
      'ruche_outbox_pending(int)',
      'ruche_outbox_dispatched(bigint[])',
      'ruche_outbox_replay(text, bigint, int)',
      'ruche_outbox_last_seq(text)',
      'ruche_outbox_prune(timestamptz)',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ruche_app`);
    }
    await q.query(`REVOKE ALL ON FUNCTION ruche_outbox_emit(text, uuid, text, jsonb) FROM PUBLIC`);

    // --- the domain writes that produce events ---
    await this.trigger(
      q,
      'posts',
      'AFTER INSERT OR UPDATE',
      `IF TG_OP = 'INSERT' THEN
         PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'post:created',
           jsonb_build_object('postId', NEW.id, 'kind', NEW.kind, 'authorId', NEW.author_id));
       ELSIF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
         PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'post:deleted', jsonb_build_object('postId', NEW.id));
       ELSIF OLD.idea_status IS DISTINCT FROM NEW.idea_status THEN
         PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'idea:statusChanged',
           jsonb_build_object('postId', NEW.id, 'from', OLD.idea_status, 'to', NEW.idea_status));
       ELSIF (OLD.title, OLD.body, OLD.tags, OLD.pinned_at, OLD.hidden_at, OLD.edited_at)
             IS DISTINCT FROM (NEW.title, NEW.body, NEW.tags, NEW.pinned_at, NEW.hidden_at, NEW.edited_at) THEN
         PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'post:updated',
           jsonb_build_object('postId', NEW.id, 'updatedAt', NEW.updated_at, 'hidden', NEW.hidden_at IS NOT NULL,
                              'pinned', NEW.pinned_at IS NOT NULL));
       END IF;`,
    );
    await this.trigger(
      q,
      'comments',
      'AFTER INSERT',
      `PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'comment:created',
         jsonb_build_object('commentId', NEW.id, 'postId', NEW.post_id, 'parentId', NEW.parent_id));`,
    );
    await this.trigger(
      q,
      'post_reactions',
      'AFTER INSERT OR UPDATE OR DELETE',
      `PERFORM ruche_outbox_emit('space:' || coalesce(NEW.space_id, OLD.space_id), coalesce(NEW.space_id, OLD.space_id),
         'reaction:changed', jsonb_build_object('postId', coalesce(NEW.post_id, OLD.post_id)));`,
    );
    await this.trigger(
      q,
      'idea_votes',
      'AFTER INSERT OR DELETE',
      `PERFORM ruche_outbox_emit('space:' || coalesce(NEW.space_id, OLD.space_id), coalesce(NEW.space_id, OLD.space_id),
         'vote:changed', jsonb_build_object('postId', coalesce(NEW.post_id, OLD.post_id)));`,
    );
    // Leaving, removal and consent withdrawal all delete the membership: that person's sockets leave the room.
    await this.trigger(
      q,
      'space_memberships',
      'AFTER DELETE',
      `PERFORM ruche_outbox_emit('user:' || OLD.user_id, OLD.space_id, 'membership:revoked',
         jsonb_build_object('spaceId', OLD.space_id, 'reason', 'LEFT_OR_REMOVED'));`,
    );
    // A new consent policy: customers are behind the consent gate until they accept it.
    await this.trigger(
      q,
      'spaces',
      'AFTER UPDATE OF consent_version',
      `IF NEW.consent_version IS DISTINCT FROM OLD.consent_version THEN
         PERFORM ruche_outbox_emit('user:' || sm.user_id, NEW.id, 'membership:revoked',
                   jsonb_build_object('spaceId', NEW.id, 'reason', 'CONSENT_OUTDATED'))
         FROM space_memberships sm WHERE sm.space_id = NEW.id AND sm.role = 'CUSTOMER';
       END IF;`,
    );
    await this.trigger(
      q,
      'notifications',
      'AFTER INSERT',
      `IF NOT NEW.digest_only THEN
         PERFORM ruche_outbox_emit('user:' || NEW.recipient_id, NEW.space_id, 'notification:created',
           jsonb_build_object('notificationId', NEW.id, 'postId', NEW.post_id, 'kind', NEW.kind));
       END IF;`,
    );
    // Sign-out everywhere and disabled accounts end every live connection of the person.
    await this.trigger(
      q,
      'users',
      'AFTER UPDATE OF token_version, disabled_at',
      `IF NEW.token_version IS DISTINCT FROM OLD.token_version OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at THEN
         PERFORM ruche_outbox_emit('user:' || NEW.id, NULL, 'session:revoked', '{}'::jsonb);
       END IF;`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'posts',
      'comments',
      'post_reactions',
      'idea_votes',
      'space_memberships',
      'spaces',
      'notifications',
      'users',
    ]) {
      await q.query(`DROP TRIGGER ${table}_outbox ON ${table}`);
      await q.query(`DROP FUNCTION ${table}_outbox()`);
    }
    for (const fn of [
      'ruche_outbox_emit(text, uuid, text, jsonb)',
      'ruche_outbox_pending(int)',
      'ruche_outbox_dispatched(bigint[])',
      'ruche_outbox_replay(text, bigint, int)',
      'ruche_outbox_last_seq(text)',
      'ruche_outbox_prune(timestamptz)',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    await q.query(`DROP TABLE socket_io_attachments`);
    await q.query(`DROP TABLE outbox_events`);
    await q.query(`DROP TABLE outbox_streams`);
  }

  /** `<table>_outbox`: a definer trigger function (the writer may not see the outbox) fired `when`. */
  private async trigger(q: QueryRunner, table: string, when: string, body: string): Promise<void> {
    await q.query(`
      CREATE FUNCTION ${table}_outbox() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      BEGIN
        ${body}
        RETURN NULL;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${table}_outbox() FROM PUBLIC`);
    await q.query(`CREATE TRIGGER ${table}_outbox ${when} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_outbox()`);
  }
}
