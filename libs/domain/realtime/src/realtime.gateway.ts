import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ClsService } from 'nestjs-cls';
import type { Namespace, Server, Socket } from 'socket.io';
import { AccessTokenVerifier } from '@ruche/auth';
import { Db } from '@ruche/database';
import { RateLimits } from '@ruche/graphql';
import { DomainError, parseGlobalId, toGlobalId } from '@ruche/kernel';
import { SpaceAccess } from '@ruche/spaces';
import { OutboxRelay, toRealtimeEvent, type OutboxEvent } from './outbox-relay';
import { SpacePresence } from './space-presence';

/** What every client message is answered with (the socket.io acknowledgement). */
export interface Ack {
  ok: boolean;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

interface SocketState {
  userId: string;
  expiry?: NodeJS.Timeout;
  /** Token bucket for client messages. */
  tokens: number;
  refilledAt: number;
}

const RATE_PER_SECOND = 20;
const BURST = 40;
const REPLAY_LIMIT = 5000;

const fail = (code: string, message: string): Ack => ({ ok: false, code, message });
// A seq is a bigint in SQL: 1e300 is an integer to JavaScript but no bigint to PostgreSQL.
const isSeq = (n: number) => Number.isSafeInteger(n) && n >= 0;
/** A refused handshake: `connect_error` with the code as message, and `data: { code, retryAfter }`. */
function connectError(error: unknown): Error {
  if (!(error instanceof DomainError)) return new Error('SERVICE_UNAVAILABLE');
  return Object.assign(new Error(error.code), {
    data: { code: error.code, retryAfter: error.details.retryAfterSeconds },
  });
}

/**
 * Namespace `/rt`. The handshake carries the access token in `auth.token` (never the URL); the server puts the
 * socket in `user:<id>` and, on `subscribe`, in `space:<id>` only after the same policy check as the API. Room
 * names never come from clients. Protocol: docs/realtime.md.
 */
@WebSocketGateway({ namespace: '/rt' })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('RealtimeGateway');
  private server: Server | undefined;
  private readonly presence = new SpacePresence((room, changes) =>
    this.server?.to(room).emit('presence', {
      spaceId: toGlobalId('Space', room.slice('space:'.length)),
      online: changes.online.map((id) => toGlobalId('User', id)),
      offline: changes.offline.map((id) => toGlobalId('User', id)),
    }),
  );

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly spaces: SpaceAccess,
    private readonly db: Db,
    private readonly cls: ClsService,
    private readonly relay: OutboxRelay,
    private readonly limits: RateLimits,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    server.use((socket, next) => {
      this.verifier.verify(socket.handshake.auth?.token).then(
        (verified) => {
          if (!verified) return next(new Error('UNAUTHENTICATED'));
          // Connections per minute, per person and per IP (RATE_LIMIT_SOCKETS): connect_error RATE_LIMITED.
          return this.limits.spend('sockets', { userId: verified.viewer.userId, ip: socket.handshake.address }).then(
            () => {
              const state: SocketState = { userId: verified.viewer.userId, tokens: BURST, refilledAt: Date.now() };
              socket.data.ruche = state;
              this.expireAt(socket, verified.expiresAt);
              next();
            },
            (error: unknown) => next(connectError(error)),
          );
        },
        () => next(new Error('UNAUTHENTICATED')),
      );
    });
    this.relay.attach(server);
    // Every way out of a space's room (unsubscribe, revocation, disconnection) on this process, in one place.
    const nsp = server as unknown as Namespace;
    nsp.adapter.on('leave-room', (room: string, socketId: string) => {
      if (!room.startsWith('space:')) return;
      const userId = (nsp.sockets.get(socketId)?.data.ruche as SocketState | undefined)?.userId;
      if (userId && !this.anotherTabIn(nsp, room, userId, socketId)) this.presence.change(room, userId, 'offline');
    });
  }

  /** Whether another of this person's sockets on this process is still in the room (another tab). */
  private anotherTabIn(nsp: Namespace, room: string, userId: string, leaving: string): boolean {
    const members = nsp.adapter.rooms.get(room);
    for (const id of nsp.adapter.rooms.get(`user:${userId}`) ?? []) if (id !== leaving && members?.has(id)) return true;
    return false;
  }

  onModuleDestroy(): void {
    this.presence.stop();
  }

  async handleConnection(socket: Socket): Promise<void> {
    const state = socket.data.ruche as SocketState | undefined;
    if (!state) return void socket.disconnect(true);
    await socket.join(`user:${state.userId}`);
  }

  handleDisconnect(socket: Socket): void {
    const state = socket.data.ruche as SocketState | undefined;
    if (state?.expiry) clearTimeout(state.expiry);
  }

  /**
   * `{ spaceId, since? }`: after the policy check, joins the space's room, then replays what the client missed
   * (events after `since`, kept 7 days). Live events may interleave with the replay: clients dedupe by seq.
   */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const limited = this.limit(socket);
    if (limited) return limited;
    const input = body as { spaceId?: unknown; since?: unknown } | null;
    const parsed = typeof input?.spaceId === 'string' ? parseGlobalId(input.spaceId) : null;
    const since = input?.since === undefined ? null : Number(input.since);
    if (!parsed || parsed.type !== 'Space' || (since !== null && !isSeq(since))) {
      return fail('BAD_USER_INPUT', 'expected { spaceId: <Space id>, since?: <seq> }');
    }
    const state = socket.data.ruche as SocketState;
    const denied = await this.asUser(state.userId, () =>
      this.spaces.authorizeById(state.userId, parsed.id, 'space.read'),
    );
    if (denied) return denied;
    const room = `space:${parsed.id}`;
    await socket.join(room);
    this.presence.change(room, state.userId, 'online');
    const replayed = since === null ? 0 : await this.replay(socket, room, since);
    const [{ seq }] = await this.db.manager.query('SELECT ruche_outbox_last_seq($1) AS seq', [room]);
    return { ok: true, stream: room, seq: Number(seq), replayed };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const limited = this.limit(socket);
    if (limited) return limited;
    const parsed = parseGlobalId((body as { spaceId?: string } | null)?.spaceId ?? '');
    if (!parsed || parsed.type !== 'Space') return fail('BAD_USER_INPUT', 'expected { spaceId }');
    await socket.leave(`space:${parsed.id}`);
    return { ok: true };
  }

  /** The personal stream (notifications, revocations) since a seq, after a reconnection. */
  @SubscribeMessage('resume')
  async resume(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const limited = this.limit(socket);
    if (limited) return limited;
    const since = Number((body as { since?: unknown } | null)?.since);
    if (!isSeq(since)) return fail('BAD_USER_INPUT', 'expected { since: <seq> }');
    const state = socket.data.ruche as SocketState;
    return { ok: true, replayed: await this.replay(socket, `user:${state.userId}`, since) };
  }

  /** Ephemeral, not kept: `{ spaceId, postId? }` to the others in a space the socket subscribed to. */
  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Ack {
    const limited = this.limit(socket);
    if (limited) return limited;
    const input = body as { spaceId?: unknown; postId?: unknown } | null;
    const parsed = typeof input?.spaceId === 'string' ? parseGlobalId(input.spaceId) : null;
    const post = typeof input?.postId === 'string' ? parseGlobalId(input.postId) : null;
    if (!parsed || parsed.type !== 'Space' || (input?.postId !== undefined && post?.type !== 'Post')) {
      return fail('BAD_USER_INPUT', 'expected { spaceId, postId? }');
    }
    const room = `space:${parsed.id}`;
    if (!socket.rooms.has(room)) return fail('NOT_FOUND', 'Space not found');
    const state = socket.data.ruche as SocketState;
    socket.to(room).emit('typing', {
      spaceId: input!.spaceId,
      postId: input?.postId ?? null,
      userId: toGlobalId('User', state.userId),
    });
    return { ok: true };
  }

  /** A fresh access token keeps a long-lived socket alive past the first token's expiry. */
  @SubscribeMessage('auth:refresh')
  async refresh(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const limited = this.limit(socket);
    if (limited) return limited;
    const state = socket.data.ruche as SocketState;
    const verified = await this.verifier.verify((body as { token?: unknown } | null)?.token);
    if (!verified || verified.viewer.userId !== state.userId) return fail('UNAUTHENTICATED', 'invalid access token');
    this.expireAt(socket, verified.expiresAt);
    return { ok: true, expiresAt: verified.expiresAt.toISOString() };
  }

  private async replay(socket: Socket, stream: string, since: number): Promise<number> {
    const events: OutboxEvent[] = await this.db.manager.query('SELECT * FROM ruche_outbox_replay($1, $2, $3)', [
      stream,
      since,
      REPLAY_LIMIT,
    ]);
    for (const event of events) socket.emit(event.type, toRealtimeEvent(event));
    return events.length;
  }

  /** Runs a policy check as the socket's user (row-level security included); returns the refusal, if any. */
  private async asUser(userId: string, check: () => Promise<unknown>): Promise<Ack | null> {
    try {
      await this.cls.run(async () => {
        await this.db.actAs(userId);
        await this.db.transaction(check);
      });
      return null;
    } catch (error) {
      if (error instanceof DomainError) return fail(error.code, error.message);
      this.logger.error({ err: error }, 'subscribe failed');
      return fail('INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  }

  private expireAt(socket: Socket, expiresAt: Date): void {
    const state = socket.data.ruche as SocketState;
    if (state.expiry) clearTimeout(state.expiry);
    state.expiry = setTimeout(
      () => {
        socket.emit('session:expired', {});
        socket.disconnect(true);
      },
      Math.max(0, expiresAt.getTime() - Date.now()),
    );
    state.expiry.unref();
  }

  private limit(socket: Socket): Ack | null {
    const state = socket.data.ruche as SocketState;
    const now = Date.now();
    state.tokens = Math.min(BURST, state.tokens + ((now - state.refilledAt) / 1000) * RATE_PER_SECOND);
    state.refilledAt = now;
    if (state.tokens < 1) return fail('RATE_LIMITED', 'Too many messages');
    state.tokens -= 1;
    return null;
  }
}
