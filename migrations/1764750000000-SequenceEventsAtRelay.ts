import type { MigrationInterface, QueryRunner } from 'typeorm';

const DEFINER = `SECURITY DEFINER SET search_path = pg_catalog, public`;

/** ruche_outbox_emit as CreateEventConsumers left it, numbering in the writing transaction (for `down`). */
const EMIT_NUMBERED = `DECLARE next_seq bigint; f record;
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
       END`;

/**
 * Events get their stream's `seq` from the relay, not from the transaction that writes them. Numbering in the
 * writing transaction locked the stream's counter row (one per space) until commit, so every reaction, vote
 * or comment of a space waited for the previous one's commit: at 50 clients pgbench ran the reaction
 * transaction at about 140/s, and at 420/s without the outbox trigger. The relay (one in the deployment)
 * numbers what has committed, in id order, just before it publishes; streams stay gapless and ordered, and
 * replay (`seq > since`) covers what has been numbered, which is what has been or is being published.
 */
export class SequenceEventsAtRelay1764750000000 implements MigrationInterface {
  name = 'SequenceEventsAtRelay1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events ALTER COLUMN seq DROP NOT NULL`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_outbox_emit(p_stream text, p_space uuid, p_type text, p_payload jsonb,
                                                   p_actor uuid, p_at timestamptz)
      RETURNS void LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
      DECLARE f record;
      BEGIN
        SELECT * INTO f FROM ruche_actor_facts(p_actor, p_space);
        INSERT INTO outbox_events (stream, space_id, type, payload, organization_id, actor_id, actor_kind,
                                   customer_account_id, occurred_at)
        VALUES (p_stream, p_space, p_type, p_payload, f.organization_id, p_actor, f.actor_kind,
                f.customer_account_id, coalesce(p_at, now()));
        PERFORM pg_notify('ruche_outbox', '');
      END $$`);
    // The relay's read: number the committed events that have no seq yet (per stream, in id order), then
    // return everything not yet published.
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_outbox_pending(p_limit int) RETURNS SETOF outbox_events
      LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
      BEGIN
        WITH batch AS (
          SELECT id, stream FROM outbox_events WHERE dispatched_at IS NULL AND seq IS NULL
          ORDER BY id LIMIT p_limit FOR UPDATE
        ), ranked AS (
          SELECT id, stream, row_number() OVER (PARTITION BY stream ORDER BY id) AS k,
                 count(*) OVER (PARTITION BY stream) AS n
          FROM batch
        ), bumped AS (
          INSERT INTO outbox_streams (stream, seq) SELECT DISTINCT stream, n FROM ranked
          ON CONFLICT (stream) DO UPDATE SET seq = outbox_streams.seq + excluded.seq
          RETURNING stream, seq AS last
        )
        UPDATE outbox_events e SET seq = b.last - r.n + r.k
        FROM ranked r JOIN bumped b ON b.stream = r.stream
        WHERE e.id = r.id;
        RETURN QUERY SELECT * FROM outbox_events WHERE dispatched_at IS NULL AND seq IS NOT NULL ORDER BY id LIMIT p_limit;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Number what is left first, so the column can be required again.
    await q.query(`SELECT count(*) FROM ruche_outbox_pending(2147483647)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_outbox_pending(p_limit int) RETURNS SETOF outbox_events
      LANGUAGE sql STABLE ${DEFINER} AS $$
        SELECT * FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT p_limit
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ruche_outbox_emit(p_stream text, p_space uuid, p_type text, p_payload jsonb,
                                                   p_actor uuid, p_at timestamptz)
      RETURNS void LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$ ${EMIT_NUMBERED} $$`);
    await q.query(`ALTER TABLE outbox_events ALTER COLUMN seq SET NOT NULL`);
  }
}
