import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Db } from '@ruche/database';
import { EventStream, isEvent, type StreamEvent } from '@ruche/events';
import { Jobs, cronEvery } from '@ruche/jobs';

export const ANALYTICS_CONSUMER = 'analytics';
export const ANALYTICS_INGEST_JOB = 'analytics-ingest';
const BATCH = 5_000;
/** The scheduled job ticks each minute (cron's finest step) and keeps draining for most of it. */
const FOLLOW_MS = 50_000;
const PAUSE_MS = 2_000;

/** A raw engagement event as `ruche_analytics_ingest` takes it. */
export interface EngagementEventInput {
  day: string;
  occurred_at: string;
  organization_id: string;
  space_id: string;
  actor_id: string;
  actor_kind: string;
  customer_account_id: string | null;
  type: 'POST' | 'IDEA' | 'COMMENT' | 'REACTION' | 'VOTE';
  subject_id: string | null;
  event_id: string;
}

/**
 * What counts as engagement, from the stream: a post (an idea), a comment, a reaction or a vote added, by a
 * person who belongs to the organization. Removals and edits are not contributions; events without an
 * attributable actor are passed over.
 */
export function toEngagement(event: StreamEvent): EngagementEventInput | null {
  const actor = event.actor;
  if (!actor?.kind || !event.organizationId || !event.spaceId) return null;
  let type: EngagementEventInput['type'];
  let subject: string | null = null;
  if (isEvent(event, 'post:created')) {
    type = event.payload.kind === 'IDEA' ? 'IDEA' : 'POST';
    subject = event.payload.postId;
  } else if (isEvent(event, 'comment:created')) {
    type = 'COMMENT';
    subject = event.payload.postId;
  } else if (isEvent(event, 'reaction:changed') && event.payload.change === 'ADDED') {
    type = 'REACTION';
    subject = event.payload.postId;
  } else if (isEvent(event, 'vote:changed') && event.payload.change === 'ADDED') {
    type = 'VOTE';
    subject = event.payload.postId;
  } else {
    return null;
  }
  return {
    day: event.occurredAt.toISOString().slice(0, 10),
    occurred_at: event.occurredAt.toISOString(),
    organization_id: event.organizationId,
    space_id: event.spaceId,
    actor_id: actor.id,
    actor_kind: actor.kind,
    customer_account_id: actor.customerAccountId,
    type,
    subject_id: subject,
    event_id: event.id,
  };
}

/**
 * The analytics consumer of the event stream: each batch's raw events and rollups are written in the
 * transaction that moves the consumer's position, so an event committed is counted once, whatever crashes.
 * Late events (an old `occurredAt`) simply add to their own day's rollups.
 */
@Injectable()
export class EngagementIngestion implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EngagementIngestion');
  private running: Promise<number> | null = null;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly stream: EventStream,
    private readonly jobs: Jobs,
  ) {}

  onModuleInit(): void {
    // A stately queue: one run at a time across processes, so the consumer never reads the same batch twice.
    this.jobs.define(ANALYTICS_INGEST_JOB, () => this.follow(), {
      schedule: cronEvery(1),
      retryLimit: 5,
      retryDelay: 5,
      expireInSeconds: 300,
    });
  }

  /** The first scheduled tick can be a minute away: start following the stream now. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.runsJobs) return;
    await this.jobs
      .send(ANALYTICS_INGEST_JOB, {})
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not start the analytics follower; the schedule will'),
      );
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  /** Drains, pauses, drains again, for most of a minute: dashboards lag the stream by seconds, not a minute. */
  private async follow(): Promise<{ events: number }> {
    const until = Date.now() + FOLLOW_MS;
    let events = 0;
    while (!this.stopping && !this.jobs.isStopping) {
      events += await this.drain();
      if (Date.now() + PAUSE_MS > until) break;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS).unref());
    }
    return { events };
  }

  /** Reads the stream up to its commit horizon; returns the events read. One drain at a time per process. */
  drain(): Promise<number> {
    this.running ??= this.drainAll().finally(() => (this.running = null));
    return this.running;
  }

  private async drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const read = await this.stream.consume(ANALYTICS_CONSUMER, BATCH, (events) => this.ingest(events));
      total += read;
      if (read < BATCH) break;
    }
    if (total > 0) this.logger.debug({ events: total }, 'engagement events ingested');
    return total;
  }

  private async ingest(events: StreamEvent[]): Promise<void> {
    const rows = events.map(toEngagement).filter((r): r is EngagementEventInput => r !== null);
    if (rows.length === 0) return;
    await this.db.manager.query('SELECT ruche_analytics_ingest($1::jsonb)', [JSON.stringify(rows)]);
  }

  /** Views the viewer reports, of posts they may read (the database checks), one per person, post and day. */
  async recordViews(postIds: string[], at: Date): Promise<number> {
    const [{ recorded }] = await this.db.transaction(() =>
      this.db.manager.query('SELECT ruche_analytics_record_views($1::uuid[], $2) AS recorded', [postIds, at]),
    );
    return recorded;
  }
}
