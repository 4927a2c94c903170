import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@ruche/config';
import { Db, OutboxWakeup } from '@ruche/database';
import { toGlobalId } from '@ruche/kernel';
import type { Server } from 'socket.io';

/** An event as the outbox keeps it and as clients receive it (see docs/realtime.md). */
export interface OutboxEvent {
  id: string;
  stream: string;
  seq: string;
  space_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface RealtimeEvent {
  stream: string;
  seq: number;
  type: string;
  spaceId: string | null;
  at: string;
  payload: Record<string, unknown>;
}

/** Ids travel as the API's global ids, so clients use them as they are (`post(id)`, `node(id)`). */
const GLOBAL_ID_TYPES: Record<string, string> = {
  postId: 'Post',
  commentId: 'Comment',
  parentId: 'Comment',
  spaceId: 'Space',
  authorId: 'User',
  userId: 'User',
  notificationId: 'Notification',
};

export function toRealtimeEvent(e: OutboxEvent): RealtimeEvent {
  const payload = Object.fromEntries(
    Object.entries(e.payload).map(([key, value]) =>
      GLOBAL_ID_TYPES[key] && typeof value === 'string' ? [key, toGlobalId(GLOBAL_ID_TYPES[key], value)] : [key, value],
    ),
  );
  return {
    stream: e.stream,
    seq: Number(e.seq),
    type: e.type,
    spaceId: e.space_id ? toGlobalId('Space', e.space_id) : null,
    at: e.created_at.toISOString(),
    payload,
  };
}

const LOCK_KEY = 'ruche_outbox_relay';
const BATCH = 500;
const POLL_MS = 1000;

/**
 * Publishes the outbox, in order, to socket.io rooms. One relay at a time in the whole deployment (an advisory
 * lock held by its listening connection; a standby takes over when that connection dies). Woken after each
 * commit that wrote events (`OutboxWakeup`: directly in this process, by NOTIFY from others), with polling as
 * a fallback, so a lost notification, a PostgreSQL restart or a write made outside the application only delays.
 * An event is marked dispatched after it was emitted: a crash in between re-emits it (clients dedupe by seq),
 * never loses it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private server: Server | null = null;
  private listener: Client | null = null;
  private leader = false;
  private stopped = false;
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly wakeup: OutboxWakeup,
  ) {}

  /** The gateway hands over its server once socket.io is up. */
  attach(server: Server): void {
    this.server = server;
    this.wake();
  }

  onApplicationBootstrap(): void {
    if (!this.config.realtime.relay) return;
    // Commits in this process wake the leader directly; other nodes' commits arrive as a NOTIFY.
    this.wakeup.handleLocally(() => {
      if (!this.leader || !this.server || this.stopped) return false;
      this.wake();
      return true;
    });
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
  }

  /** Wakes the relay: drain now (or right after the current drain). */
  wake(): void {
    if (!this.leader || !this.server || this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox drain failed; retrying'))
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.listener) void this.connect();
    else this.wake();
  }

  /** A dedicated connection: holds the leader lock and LISTENs; losing it ends leadership. */
  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.appUrl });
    this.listener = client;
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.listener === client) this.listener = null;
      this.leader = false;
    });
    try {
      await client.connect();
      const [{ locked }] = (await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LOCK_KEY])).rows;
      if (!locked) {
        await client.end();
        return; // standby: try again on the next tick
      }
      client.on('notification', () => this.wake());
      await client.query('LISTEN ruche_outbox');
      this.leader = true;
      this.logger.log('outbox relay is the leader');
      this.wake();
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay could not connect; retrying');
      if (this.listener === client) this.listener = null;
      await client.end().catch(() => undefined);
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const events: OutboxEvent[] = await this.db.manager.query('SELECT * FROM ruche_outbox_pending($1)', [BATCH]);
      if (events.length === 0) break;
      for (const event of events) this.publish(event);
      await this.db.manager.query('SELECT ruche_outbox_dispatched($1::bigint[])', [events.map((e) => e.id)]);
      if (events.length < BATCH || this.stopped) break;
    }
  }

  /**
   * Serialized once per room by socket.io. A revocation also makes that person's sockets leave the space's
   * room (or disconnect, for a revoked session) on every gateway node, through the adapter.
   */
  private publish(event: OutboxEvent): void {
    const server = this.server!;
    const message = toRealtimeEvent(event);
    server.to(event.stream).emit(event.type, message);
    // This process's sockets first, synchronously: the adapter applies a cluster-wide leave locally only once
    // it has told the other nodes, and the next event (maybe the space's next post) is emitted before that.
    if (event.type === 'membership:revoked' && event.space_id) {
      for (const to of [server.local, server]) to.in(event.stream).socketsLeave(`space:${event.space_id}`);
    }
    if (event.type === 'session:revoked') {
      for (const to of [server.local, server]) to.in(event.stream).disconnectSockets(true);
    }
  }
}
