import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Pool, type PoolClient } from 'pg';
import { createClient } from 'redis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * A pool that, once closing, hands back any client it is still connecting (the adapter's LISTEN client may be
 * on its way when the app shuts down) instead of leaking it and waiting forever.
 */
class ClosingPool extends Pool {
  private closing = false;

  // pg's own `query` calls `connect(callback)`: only the promise form (the adapter's LISTEN client) is guarded.
  override connect(...args: unknown[]): Promise<PoolClient> {
    if (args.length) return (super.connect as (...a: unknown[]) => Promise<PoolClient>)(...args);
    return super.connect().then((client) => {
      if (!this.closing) return client;
      client.release();
      throw new Error('the realtime pool is closing');
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.end();
  }
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
  private readonly closers: (() => Promise<unknown>)[] = [];
  private readonly adapters: { close(): Promise<void> | void }[] = [];

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
    });
    // Remember each namespace's adapter: Nest only hands `close` the namespace, and the adapters must let go
    // of their connections before the pools can end.
    const Base = this.fanOut() as unknown as new (nsp: unknown) => { close(): Promise<void> | void };
    const adapters = this.adapters;
    class TrackedAdapter extends Base {
      constructor(nsp: unknown) {
        super(nsp);
        adapters.push(this);
      }
    }
    server.adapter(TrackedAdapter as unknown as Parameters<Server['adapter']>[0]);
    return server;
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
