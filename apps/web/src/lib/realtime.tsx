import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Socket } from 'socket.io-client';
import {
  accessTokenExpiresAt,
  currentAccessToken,
  freshAccessToken,
  onSessionChange,
  refreshAccessToken,
} from './session';

/** The envelope of every domain event (docs/realtime.md). */
export interface RealtimeEvent<P = Record<string, unknown>> {
  stream: string;
  seq: number;
  type: string;
  spaceId?: string;
  at: string;
  payload: P;
}

type Handler = (event: RealtimeEvent) => void;

const EVENTS = [
  'post:created',
  'post:updated',
  'post:deleted',
  'comment:created',
  'reaction:changed',
  'vote:changed',
  'idea:statusChanged',
  'notification:created',
  'membership:revoked',
  'session:revoked',
] as const;

/**
 * One socket per tab on `/rt`. Spaces are subscribed by the screens that show them (the server checks the
 * policy); each space remembers its last `seq`, so a reconnection asks for what it missed.
 */
export class RealtimeClient {
  private socket: Socket | null = null;
  private readonly handlers = new Set<Handler>();
  private readonly spaces = new Map<string, { count: number; seq?: number }>();
  private personalSeq?: number;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;

  private connecting = false;

  /** socket.io-client is loaded on first use, after the page painted. */
  async connect(): Promise<void> {
    this.closed = false;
    if (this.socket || this.connecting) return;
    this.connecting = true;
    const { io } = await import('socket.io-client');
    this.connecting = false;
    if (this.closed) return;
    const socket = io('/rt', {
      auth: (cb) =>
        void freshAccessToken().then((token) => {
          this.sentToken = token;
          cb({ token });
        }),
      transports: ['websocket'],
    });
    this.socket = socket;
    for (const type of EVENTS) {
      socket.on(type, (event: RealtimeEvent) => {
        if (event.stream?.startsWith('space:')) {
          const entry = event.spaceId ? this.spaces.get(event.spaceId) : undefined;
          if (entry) entry.seq = Math.max(entry.seq ?? 0, event.seq);
        } else if (typeof event.seq === 'number') {
          this.personalSeq = Math.max(this.personalSeq ?? 0, event.seq);
        }
        for (const h of this.handlers) h({ ...event, type });
      });
    }
    socket.on('connect', () => {
      if (this.personalSeq !== undefined) socket.emit('resume', { since: this.personalSeq }, () => undefined);
      for (const [spaceId, entry] of this.spaces) this.sendSubscribe(spaceId, entry.seq);
    });
    socket.on('session:expired', () => void this.refreshToken());
    // The server disconnects a socket whose token expired or whose session ended; socket.io does not
    // reconnect after a server-side disconnect, so reconnect here (the auth callback fetches a fresh token).
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect' && !this.closed && currentAccessToken()) socket.connect();
    });
    // Hand the socket a new token before the one it holds expires.
    this.refreshTimer = setInterval(() => void this.refreshToken(), 30_000);
  }

  private closed = false;

  disconnect(): void {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.socket?.disconnect();
    this.socket = null;
  }

  private sentToken: string | null = null;

  /** Sends a new access token when the socket's is within two minutes of expiring (or a new one exists). */
  private async refreshToken(): Promise<void> {
    if (accessTokenExpiresAt() - Date.now() < 120_000) await refreshAccessToken();
    const token = await freshAccessToken();
    if (token && token !== this.sentToken) {
      this.sentToken = token;
      this.socket?.emit('auth:refresh', { token }, () => undefined);
    }
  }

  private sendSubscribe(spaceId: string, since?: number): void {
    this.socket?.emit('subscribe', since === undefined ? { spaceId } : { spaceId, since }, (ack: { ok: boolean; seq?: number }) => {
      const entry = this.spaces.get(spaceId);
      if (ack?.ok && entry && entry.seq === undefined) entry.seq = ack.seq;
    });
  }

  subscribeSpace(spaceId: string): () => void {
    const entry = this.spaces.get(spaceId);
    if (entry) entry.count++;
    else {
      this.spaces.set(spaceId, { count: 1 });
      if (this.socket?.connected) this.sendSubscribe(spaceId);
    }
    return () => {
      const e = this.spaces.get(spaceId);
      if (!e) return;
      if (--e.count === 0) {
        this.spaces.delete(spaceId);
        this.socket?.emit('unsubscribe', { spaceId }, () => undefined);
      }
    };
  }

  on(handler: Handler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}

const RealtimeContext = createContext<RealtimeClient | null>(null);

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const client = useMemo(() => new RealtimeClient(), []);
  const [signedIn, setSignedIn] = useState(currentAccessToken() !== null);
  useEffect(() => onSessionChange(setSignedIn), []);
  useEffect(() => {
    if (!signedIn) return;
    void client.connect();
    return () => client.disconnect();
  }, [client, signedIn]);
  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}

/** Calls `handler` for every live event (of the given types, if any). */
export function useRealtimeEvents(handler: Handler, types?: readonly string[]): void {
  const client = useContext(RealtimeContext);
  const ref = useRef(handler);
  ref.current = handler;
  const key = types?.join(',');
  useEffect(() => {
    if (!client) return;
    const wanted = key ? new Set(key.split(',')) : null;
    return client.on((event) => {
      if (!wanted || wanted.has(event.type)) ref.current(event);
    });
  }, [client, key]);
}

/** Keeps the server's `space:<id>` room joined while the component is shown. */
export function useSpaceSubscription(spaceIds: readonly string[]): void {
  const client = useContext(RealtimeContext);
  const key = [...spaceIds].sort().join(',');
  useEffect(() => {
    if (!client || !key) return;
    const offs = key.split(',').map((id) => client.subscribeSpace(id));
    return () => offs.forEach((off) => off());
  }, [client, key]);
}
