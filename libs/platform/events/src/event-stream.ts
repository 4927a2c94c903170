import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Db } from '@ruche/database';
import { Jobs } from '@ruche/jobs';
import { toStreamEvent, type OutboxRow, type StreamEvent } from './contracts';

export interface ConsumerLag {
  consumer: string;
  pending: number;
  oldest: Date | null;
}

/**
 * The outbox read as a stream by named consumers, each at its own position (`outbox_consumers`). `consume`
 * reads a batch after the consumer's position, lets the handler write its effects, and moves the position, all
 * in one transaction: an event is handled exactly once, and a consumer that crashes starts again from its last
 * committed position. Only events below the commit horizon are read (see migrations/…-CreateEventConsumers.ts),
 * so none is skipped by a transaction that commits late.
 */
@Injectable()
export class EventStream {
  constructor(private readonly db: Db) {}

  /** Creates the consumer if it is new: from the oldest event kept, or from now on. */
  async register(consumer: string, from: 'start' | 'now'): Promise<void> {
    await this.db.transaction(() =>
      this.db.manager.query('SELECT ruche_outbox_register($1, $2)', [consumer, from === 'start']),
    );
  }

  /**
   * One batch for `consumer`, handled in the transaction that advances its position. Returns how many events
   * were read (events of unknown types are skipped, but still passed). The handler must do its writes through
   * `Db` so they join this transaction.
   */
  async consume(consumer: string, limit: number, handle: (events: StreamEvent[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async () => {
      const rows: OutboxRow[] = await this.db.manager.query(
        `SELECT id::text, xid::text, stream, seq::text, space_id, organization_id, actor_id, actor_kind,
                customer_account_id, type, payload, occurred_at, created_at
         FROM ruche_outbox_read($1, $2)`,
        [consumer, limit],
      );
      if (rows.length === 0) return 0;
      const events = rows.map(toStreamEvent).filter((e): e is StreamEvent => e !== null);
      await handle(events);
      const last = rows[rows.length - 1];
      await this.db.manager.query('SELECT ruche_outbox_ack($1, $2::xid8, $3::bigint)', [consumer, last.xid, last.id]);
      return rows.length;
    });
  }

  /** Events not yet read, per consumer. */
  async lag(): Promise<ConsumerLag[]> {
    const rows: { consumer: string; pending: string; oldest: Date | null }[] = await this.db.transaction(() =>
      this.db.manager.query('SELECT * FROM ruche_outbox_lag()'),
    );
    return rows.map((r) => ({ consumer: r.consumer, pending: Number(r.pending), oldest: r.oldest }));
  }

  /** Retention: deletes events older than `before` that every consumer has read. */
  async prune(before: Date): Promise<number> {
    const [{ ruche_outbox_prune: removed }] = await this.db.transaction(() =>
      this.db.manager.query('SELECT ruche_outbox_prune($1)', [before]),
    );
    return removed;
  }
}

export const OUTBOX_RETENTION_JOB = 'outbox-retention';
/** Realtime replays up to this far back to a client that reconnects (docs/realtime.md). */
export const REPLAY_WINDOW_MS = 7 * 86_400_000;

/** Hourly: removes what every consumer has read and the replay window no longer needs. */
@Injectable()
export class OutboxRetention implements OnModuleInit {
  constructor(
    private readonly stream: EventStream,
    private readonly jobs: Jobs,
  ) {}

  onModuleInit(): void {
    this.jobs.define(
      OUTBOX_RETENTION_JOB,
      async () => ({
        removed: await this.stream.prune(new Date(Date.now() - REPLAY_WINDOW_MS)),
      }),
      { schedule: '17 * * * *', retryLimit: 2 },
    );
  }
}

@Global()
@Module({ providers: [EventStream, OutboxRetention], exports: [EventStream] })
export class EventsModule {}
