import { ClsServiceManager } from 'nestjs-cls';
import type { DataSource } from 'typeorm';

/**
 * Wakes the outbox relay once a transaction that wrote events has committed. The transaction does not
 * NOTIFY itself: PostgreSQL serializes the commits of notifying transactions (see the WakeRelayAfterCommit
 * migration). Instead `ruche_outbox_emit` marks the transaction, the COMMIT round trip reads the mark, and
 * this wakes the relay in this process when it is the leader, or else sends one NOTIFY for the other nodes
 * (at most one in flight: a burst of commits costs one or two).
 */
export class OutboxWakeup {
  private local: (() => boolean) | undefined;
  private sending = false;
  private again = false;

  constructor(private readonly dataSource: DataSource) {}

  /** The relay of this process: `wake` returns true when it drains itself (it is the leader). */
  handleLocally(wake: () => boolean): void {
    this.local = wake;
  }

  /**
   * Called right after COMMIT, still inside the request's context: the relay's work leaves it, or its queries
   * would join the request's (finished) transaction and its connection, by then another request's.
   */
  committed(): void {
    ClsServiceManager.getClsService().exit(() => {
      if (!this.local?.()) this.notifyOtherNodes();
    });
  }

  private notifyOtherNodes(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    this.dataSource
      .query(`SELECT pg_notify('ruche_outbox', '')`)
      // A lost wakeup only delays: the relay also polls.
      .catch(() => undefined)
      .finally(() => {
        this.sending = false;
        if (this.again && this.dataSource.isInitialized) {
          this.again = false;
          this.notifyOtherNodes();
        }
      });
  }
}

const wakeups = new WeakMap<DataSource, OutboxWakeup>();

/** One per DataSource: the transaction adapter (outside dependency injection) and the relay share it. */
export function outboxWakeupOf(dataSource: DataSource): OutboxWakeup {
  let wakeup = wakeups.get(dataSource);
  if (!wakeup) wakeups.set(dataSource, (wakeup = new OutboxWakeup(dataSource)));
  return wakeup;
}
