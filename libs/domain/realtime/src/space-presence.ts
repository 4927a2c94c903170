export type PresenceState = 'online' | 'offline';

export interface PresenceChanges {
  online: string[];
  offline: string[];
}

/** At most this many people per `presence` event; the rest follow on the next ticks, nothing is dropped. */
export const PRESENCE_BATCH = 200;

/**
 * Presence changes of one gateway node, coalesced per space room: at most one `presence` event per room per
 * interval, with the latest state of each person. Sent one by one, 5,000 people reconnecting to a space after a
 * deploy would cost 5,000² messages; coalesced, they cost one broadcast per second until all are announced.
 */
export class SpacePresence {
  private readonly pending = new Map<string, Map<string, PresenceState>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly publish: (room: string, changes: PresenceChanges) => void,
    private readonly intervalMs = 1000,
  ) {}

  change(room: string, userId: string, state: PresenceState): void {
    let changes = this.pending.get(room);
    if (!changes) this.pending.set(room, (changes = new Map()));
    changes.delete(userId); // re-insert: a person's latest change goes out last
    changes.set(userId, state);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private flush(): void {
    this.timer = undefined;
    for (const [room, changes] of this.pending) {
      const batch: PresenceChanges = { online: [], offline: [] };
      for (const [userId, state] of changes) {
        if (batch.online.length + batch.offline.length === PRESENCE_BATCH) break;
        batch[state].push(userId);
        changes.delete(userId);
      }
      if (changes.size === 0) this.pending.delete(room);
      this.publish(room, batch);
    }
    if (this.pending.size) this.timer = setTimeout(() => this.flush(), this.intervalMs).unref();
  }
}
