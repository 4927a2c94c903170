import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `ruche_outbox_replay`, with `filter` on top of the stream and seq. */
const replay = (filter: string) => `
  CREATE OR REPLACE FUNCTION ruche_outbox_replay(p_stream text, p_after bigint, p_limit int)
  RETURNS SETOF outbox_events LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT * FROM outbox_events WHERE stream = p_stream AND seq > p_after ${filter} ORDER BY seq LIMIT p_limit
  $$`;

/**
 * Replay sends every committed event after `since`, dispatched or not. It used to send dispatched ones only: a
 * client subscribing just after the relay emitted an event (before the client was in the room) and before the
 * relay marked it dispatched missed that event for good. A stream's committed events have no hole (its seq is
 * taken under a row lock held until commit), so neither has the replay; an event the relay emits afterwards
 * arrives twice, which clients ignore by seq.
 */
export class ReplayCommittedEvents1764650000000 implements MigrationInterface {
  name = 'ReplayCommittedEvents1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(replay(''));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(replay('AND dispatched_at IS NOT NULL'));
  }
}
