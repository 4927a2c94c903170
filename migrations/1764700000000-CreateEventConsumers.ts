import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox becomes an event stream with several readers. Every event now says who acted and for whom: the
 * organization, the actor, the actor's kind (EMPLOYEE, CUSTOMER, or STAFF for a space's owners and
 * moderators), their customer company, and when it happened (the domain row's own time, so late and seeded
 * events land on their day).
 *
 * Consumers that need every event exactly once (analytics, webhooks) read by position: `(xid, id)`, the writing
 * transaction's id and the event's. Ids are taken before commit, so a lower id can commit after a higher one;
 * transaction ids below the snapshot's `xmin` are all finished, so events below that horizon can no longer
 * appear, and a consumer that stops there never skips one. Realtime stays on its per-stream `seq` (gap-free and
 * committed in order within a stream) and its dispatched mark, so its latency does not wait for the slowest
 * transaction in the cluster. Retention keeps an event until every consumer has read it.
 */
export class CreateEventConsumers1764700000000 implements MigrationInterface {
  name = 'CreateEventConsumers1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox_events
        ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        ADD COLUMN organization_id uuid,
        ADD COLUMN actor_id uuid,
        ADD COLUMN actor_kind text CHECK (actor_kind IN ('EMPLOYEE', 'CUSTOMER', 'STAFF')),
        ADD COLUMN customer_account_id uuid,
        ADD COLUMN occurred_at timestamptz`);
    await q.query(`UPDATE outbox_events SET occurred_at = created_at`);
    await q.query(
      `ALTER TABLE outbox_events ALTER COLUMN occurred_at SET DEFAULT now(), ALTER COLUMN occurred_at SET NOT NULL`,
    );
    await q.query(`CREATE INDEX outbox_events_position_idx ON outbox_events (xid, id)`);

    await q.query(`
      CREATE TABLE outbox_consumers (
        name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
        position_xid xid8 NOT NULL DEFAULT '0',
        position_id bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE outbox_consumers ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE outbox_consumers FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY owner_all ON outbox_consumers TO CURRENT_USER USING (true) WITH CHECK (true)`);
    // Analytics reads from the first event kept; webhooks will start where they are created.
    await q.query(`INSERT INTO outbox_consumers (name) VALUES ('analytics')`);

    const definer = (signature: string, returns: string, language: string, body: string, volatility = 'VOLATILE') =>
      q.query(`CREATE OR REPLACE FUNCTION ${signature} RETURNS ${returns} LANGUAGE ${language} ${volatility}
               SECURITY DEFINER SET search_path = pg_catalog, public AS $$ ${body} $$`);

    // What the actor is in the space: the badge's facts, at the time of the event.
    await definer(
      'ruche_actor_facts(p_actor uuid, p_space uuid)',
      'TABLE (organization_id uuid, actor_kind text, customer_account_id uuid)',
      'sql',
      `SELECT s.organization_id,
              CASE WHEN p_actor IS NULL THEN NULL
                   WHEN om.role = 'CUSTOMER' OR sm.role = 'CUSTOMER' THEN 'CUSTOMER'
                   WHEN sm.role IN ('OWNER', 'MODERATOR') THEN 'STAFF'
                   ELSE 'EMPLOYEE' END,
              coalesce(sm.customer_account_id, om.customer_account_id)
       FROM spaces s
       LEFT JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = p_actor
       LEFT JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = p_actor
       WHERE s.id = p_space`,
      'STABLE',
    );
    await definer(
      'ruche_outbox_emit(p_stream text, p_space uuid, p_type text, p_payload jsonb, p_actor uuid, p_at timestamptz)',
      'void',
      'plpgsql',
      `DECLARE next_seq bigint; f record;
       BEGIN
         INSERT INTO outbox_streams (stream, seq) VALUES (p_stream, 1)
         ON CONFLICT (stream) DO UPDATE SET seq = outbox_streams.seq + 1
         RETURNING seq INTO next_seq;
         SELECT * INTO f FROM ruche_actor_facts(p_actor, p_space);
         INSERT INTO outbox_events (stream, seq, space_id, type, payload, organization_id, actor_id, actor_kind,
                                    customer_account_id, occurred_at)
         VALUES (p_stream, next_seq, p_space, p_type, p_payload, f.organization_id, p_actor, f.actor_kind,
                 f.customer_account_id, coalesce(p_at, now()));
         PERFORM pg_notify('ruche_outbox', '');
       END`,
    );
    // The older signature stays for the triggers that name no actor: the acting user, now.
    await definer(
      'ruche_outbox_emit(p_stream text, p_space uuid, p_type text, p_payload jsonb)',
      'void',
      'sql',
      `SELECT ruche_outbox_emit(p_stream, p_space, p_type, p_payload,
                                nullif(current_setting('ruche.user_id', true), '')::uuid, now())`,
    );
    await q.query(`REVOKE ALL ON FUNCTION ruche_outbox_emit(text, uuid, text, jsonb, uuid, timestamptz) FROM PUBLIC`);
    await q.query(`REVOKE ALL ON FUNCTION ruche_actor_facts(uuid, uuid) FROM PUBLIC`);

    await definer(
      'ruche_outbox_read(p_consumer text, p_limit int)',
      'SETOF outbox_events',
      'sql',
      `SELECT e.* FROM outbox_events e, outbox_consumers c
       WHERE c.name = p_consumer
         AND (e.xid, e.id) > (c.position_xid, c.position_id)
         AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.xid, e.id LIMIT p_limit`,
      'STABLE',
    );
    // Positions only move forward; a consumer that crashed re-reads from its last acknowledged position.
    await definer(
      'ruche_outbox_ack(p_consumer text, p_xid xid8, p_id bigint)',
      'void',
      'sql',
      `UPDATE outbox_consumers SET position_xid = p_xid, position_id = p_id, updated_at = now()
       WHERE name = p_consumer AND (position_xid, position_id) < (p_xid, p_id)`,
    );
    await definer(
      'ruche_outbox_register(p_consumer text, p_from_start boolean)',
      'void',
      'sql',
      `INSERT INTO outbox_consumers (name, position_xid, position_id)
       SELECT p_consumer, CASE WHEN p_from_start THEN '0'::xid8 ELSE coalesce(max(xid), '0') END,
              CASE WHEN p_from_start THEN 0 ELSE coalesce(max(id), 0) END
       FROM outbox_events
       ON CONFLICT (name) DO NOTHING`,
    );
    // How far behind each consumer is: for readiness and the docs' operations section.
    await definer(
      'ruche_outbox_lag()',
      'TABLE (consumer text, pending bigint, oldest timestamptz)',
      'sql',
      `SELECT c.name, count(e.id), min(e.created_at) FROM outbox_consumers c
       LEFT JOIN outbox_events e ON (e.xid, e.id) > (c.position_xid, c.position_id)
       GROUP BY c.name ORDER BY c.name`,
      'STABLE',
    );
    // Retention by the slowest consumer: an event goes once realtime dispatched it, every positioned consumer
    // read it, and it is older than the replay window.
    await definer(
      'ruche_outbox_prune(p_before timestamptz)',
      'integer',
      'sql',
      `WITH gone AS (
         DELETE FROM outbox_events e
         WHERE e.dispatched_at IS NOT NULL AND e.created_at < p_before
           AND NOT EXISTS (SELECT 1 FROM outbox_consumers c WHERE (c.position_xid, c.position_id) < (e.xid, e.id))
         RETURNING 1)
       SELECT count(*)::int FROM gone`,
    );
    for (const fn of [
      'ruche_outbox_read(text, int)',
      'ruche_outbox_ack(text, xid8, bigint)',
      'ruche_outbox_register(text, boolean)',
      'ruche_outbox_lag()',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ruche_app`);
    }

    // --- the writes whose actor and time matter to analytics ---
    await this.trigger(
      q,
      'posts',
      `IF TG_OP = 'INSERT' THEN
         PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'post:created',
           jsonb_build_object('postId', NEW.id, 'kind', NEW.kind, 'authorId', NEW.author_id), NEW.author_id, NEW.created_at);
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
      `PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'comment:created',
         jsonb_build_object('commentId', NEW.id, 'postId', NEW.post_id, 'parentId', NEW.parent_id),
         NEW.author_id, NEW.created_at);`,
    );
    await this.trigger(
      q,
      'post_reactions',
      `PERFORM ruche_outbox_emit('space:' || coalesce(NEW.space_id, OLD.space_id), coalesce(NEW.space_id, OLD.space_id),
         'reaction:changed', jsonb_build_object('postId', coalesce(NEW.post_id, OLD.post_id),
           'change', CASE TG_OP WHEN 'INSERT' THEN 'ADDED' WHEN 'DELETE' THEN 'REMOVED' ELSE 'CHANGED' END),
         coalesce(NEW.user_id, OLD.user_id), CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END);`,
    );
    await this.trigger(
      q,
      'idea_votes',
      `PERFORM ruche_outbox_emit('space:' || coalesce(NEW.space_id, OLD.space_id), coalesce(NEW.space_id, OLD.space_id),
         'vote:changed', jsonb_build_object('postId', coalesce(NEW.post_id, OLD.post_id),
           'change', CASE TG_OP WHEN 'INSERT' THEN 'ADDED' ELSE 'REMOVED' END),
         coalesce(NEW.user_id, OLD.user_id), CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END);`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The triggers as CreateOutbox wrote them, on the four-argument emit.
    await this.trigger(
      q,
      'posts',
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
      `PERFORM ruche_outbox_emit('space:' || NEW.space_id, NEW.space_id, 'comment:created',
         jsonb_build_object('commentId', NEW.id, 'postId', NEW.post_id, 'parentId', NEW.parent_id));`,
    );
    await this.trigger(
      q,
      'post_reactions',
      `PERFORM ruche_outbox_emit('space:' || coalesce(NEW.space_id, OLD.space_id), coalesce(NEW.space_id, OLD.space_id),
         'reaction:changed', jsonb_build_object('postId', coalesce(NEW.post_id, OLD.post_id)));`,
    );
    await this.trigger(
      q,
      'idea_votes',
      `PERFORM ruche_outbox_emit('space:' || coalesce(NEW.space_id, OLD.space_id), coalesce(NEW.space_id, OLD.space_id),
         'vote:changed', jsonb_build_object('postId', coalesce(NEW.post_id, OLD.post_id)));`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_outbox_emit(p_stream text, p_space uuid, p_type text, p_payload jsonb)
      RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE next_seq bigint;
      BEGIN
        INSERT INTO outbox_streams (stream, seq) VALUES (p_stream, 1)
        ON CONFLICT (stream) DO UPDATE SET seq = outbox_streams.seq + 1
        RETURNING seq INTO next_seq;
        INSERT INTO outbox_events (stream, seq, space_id, type, payload) VALUES (p_stream, next_seq, p_space, p_type, p_payload);
        PERFORM pg_notify('ruche_outbox', '');
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_outbox_prune(p_before timestamptz) RETURNS integer LANGUAGE sql VOLATILE
      SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH gone AS (DELETE FROM outbox_events WHERE dispatched_at IS NOT NULL AND created_at < p_before RETURNING 1)
        SELECT count(*)::int FROM gone
      $$`);
    for (const fn of [
      'ruche_outbox_read(text, int)',
      'ruche_outbox_ack(text, xid8, bigint)',
      'ruche_outbox_register(text, boolean)',
      'ruche_outbox_lag()',
      'ruche_outbox_emit(text, uuid, text, jsonb, uuid, timestamptz)',
      'ruche_actor_facts(uuid, uuid)',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    await q.query(`DROP TABLE outbox_consumers`);
    await q.query(`DROP INDEX outbox_events_position_idx`);
    await q.query(`
      ALTER TABLE outbox_events DROP COLUMN xid, DROP COLUMN organization_id, DROP COLUMN actor_id,
        DROP COLUMN actor_kind, DROP COLUMN customer_account_id, DROP COLUMN occurred_at`);
  }

  /** Replaces the body of `<table>_outbox()`, the definer trigger function CreateOutbox made. */
  private async trigger(q: QueryRunner, table: string, body: string): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ${table}_outbox() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      BEGIN
        ${body}
        RETURN NULL;
      END $$`);
  }
}
