import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Pool, type PoolClient } from 'pg';
import { createClient } from 'redis';
import type { Observable } from 'rxjs';
import { Adapter, MessageType, type BroadcastOptions, type ClusterAdapter } from 'socket.io-adapter';
import type { Server, ServerOptions, Socket } from 'socket.io';

/**
 * A pool that, once closing, hands back any client it is still connecting (the adapter's LISTEN client may be
 * on its way when the app shuts down) instead of leaking it and waiting forever.
 */
class ClosingPool extends Pool {
  private closing = false;
  private queries: Promise<unknown> = Promise.resolve();

  /**
   * One query at a time, in call order: the other nodes receive a room's broadcasts in the order their NOTIFYs
   * commit, and with two connections free (while the LISTEN client reconnects, after PostgreSQL restarted) a
   * batch of events would be published out of seq order.
   */
  override query(...args: unknown[]): never {
    const run = this.queries.then(() => (super.query as (...a: unknown[]) => unknown)(...args));
    this.queries = run.catch(() => undefined);
    return run as never; // the adapter only calls the promise form
  }

  // pg's own `query` calls `connect(callback)`: only the promise form (the adapter's LISTEN client) is guarded.
  override connect(...args: unknown[]): Promise<PoolClient> {
    if (args.length) return (super.connect as (...a: unknown[]) => Promise<PoolClient>)(...args);
    return super.connect().then((client) => {
      if (!this.closing) return ClosingPool.hold(client);
      client.release();
      throw new Error('the realtime pool is closing');
    });
  }

  /**
   * The adapter keeps its LISTEN client checked out, where pg-pool no longer listens for its errors, and does not
   * release it when PostgreSQL drops it (a restart, a failover): its 'error' would end the process, and its slot
   * would stay taken, so that after a restart every broadcast waited forever for a client, before even reaching
   * this process's own sockets. Errors are ignored (the adapter connects again on 'end'); an ended client is
   * released.
   */
  private static hold(client: PoolClient): PoolClient {
    const release = client.release; // this checkout's: throws if the adapter released it already
    client.on('error', () => undefined);
    client.once('end', () => {
      try {
        release(new Error('the connection ended'));
      } catch {
        // released already
      }
    });
    return client;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.end();
  }
}

/**
 * socket.io's cluster adapters deliver a broadcast even to this process's own sockets only once it is published
 * (a NOTIFY or XADD round trip). On a busy machine that wait is a trip through the OS scheduler to another
 * process: at 5,000 sockets it tripled the time to the last client (BENCHMARKS.md). Here this process's sockets
 * get it at once, then the other nodes are told; each node still receives a room's broadcasts in order.
 */
function localFirst(adapter: ClusterAdapter): void {
  const cluster = adapter as unknown as {
    broadcast(packet: unknown, opts: BroadcastOptions): Promise<void>;
    publishAndReturnOffset(message: { type: MessageType; data: unknown }): Promise<unknown>;
  };
  const published = cluster.broadcast.bind(adapter);
  cluster.broadcast = async (packet, opts) => {
    if (opts.flags?.local) return published(packet, opts);
    Adapter.prototype.broadcast.call(adapter, packet, opts);
    await cluster
      .publishAndReturnOffset({
        type: MessageType.BROADCAST,
        data: { packet, opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags } },
      })
      .catch(() => undefined); // as the adapter does: a failed publish only misses the other nodes
  };
}

/** Client messages are small (ids and a few fields): anything bigger is refused by the transport. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

export interface RealtimeTransport {
  corsOrigins: string[];
  /** Redis (streams adapter) when set; otherwise PostgreSQL (LISTEN/NOTIFY adapter) on `databaseUrl`. */
  redisUrl?: string;
  databaseUrl: string;
}

/**
 * socket.io for every gateway process, sharing fan-out with the others through an engine we already run:
 * Redis streams when REDIS_URL is set (survives Redis blips), PostgreSQL otherwise (no extra service).
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly log = new Logger('RealtimeIoAdapter');
  private readonly closers: (() => Promise<unknown>)[] = [];
  private readonly adapters: ClusterAdapter[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly transport: RealtimeTransport,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, <ServerOptions>{
      ...options,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: { origin: this.transport.corsOrigins, credentials: true },
      // CORS only governs HTTP long-polling; a browser opens a WebSocket from any page, so the Origin it sends is
      // checked here for every transport. Clients that are not browsers send none.
      allowRequest: (request, callback) => {
        const origin = request.headers.origin;
        callback(null, origin === undefined || this.transport.corsOrigins.includes(origin));
      },
    });
    const createAdapter = this.fanOut() as unknown as (nsp: unknown) => ClusterAdapter;
    const adapters = this.adapters;
    server.adapter(function adapter(nsp: unknown) {
      const created = createAdapter(nsp);
      localFirst(created);
      // Remembered: Nest only hands `close` the namespace, and the adapters must let go of their connections
      // before the pools can end.
      adapters.push(created);
      return created;
    } as unknown as Parameters<Server['adapter']>[0]);
    return server;
  }

  /**
   * One plain listener per message type, where Nest's adapter keeps an rxjs pipeline per message type per
   * socket for the socket's whole life: same behaviour for our handlers (each answers through the ack), and the
   * heap per connected socket drops from 36 KiB to 14 KiB (bare socket.io: 11 KiB; BENCHMARKS.md).
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args);
        let result: Observable<unknown>;
        try {
          result = transform(callback(data, ack));
        } catch (error) {
          return this.log.error(error);
        }
        result.subscribe({
          next: (response) => {
            if (response === undefined || response === null) return;
            const reply = response as { event?: string; data?: unknown };
            if (reply.event) socket.emit(reply.event, reply.data);
            else if (!isAckHandledManually && typeof ack === 'function') ack(response);
          },
          error: (error: unknown) => this.log.error(error),
        });
      });
    }
  }

  /**
   * Nest closes the HTTP server itself; here the sockets go, then the adapters release their connections,
   * then the pools and clients end (given at most 2 s).
   */
  override async close(server: Server): Promise<void> {
    server.disconnectSockets(true);
    await Promise.allSettled(this.adapters.splice(0).map(async (adapter) => adapter.close()));
    const ended = Promise.allSettled(this.closers.splice(0).map((close) => close()));
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  private fanOut() {
    if (this.transport.redisUrl) {
      const redis = createClient({ url: this.transport.redisUrl });
      redis.on('error', () => undefined); // reconnects by itself; the adapter resumes from its stream
      void redis.connect();
      this.closers.push(() => redis.quit());
      return createRedisStreamsAdapter(redis);
    }
    const pool = new ClosingPool({ connectionString: this.transport.databaseUrl, max: 2 });
    pool.on('error', () => undefined);
    this.closers.push(() => pool.close());
    return createPostgresAdapter(pool, { errorHandler: () => undefined });
  }
}
