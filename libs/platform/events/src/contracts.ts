/**
 * The one contract of the event stream: every event type with its payload, and the envelope every event
 * carries (who acted, as what, for which organization, space and customer company, and when). Producers are
 * the outbox triggers (migrations/…-CreateOutbox.ts, …-CreateEventConsumers.ts); consumers (realtime,
 * analytics, webhooks) read these types and nothing else.
 */
export type ActorKind = 'EMPLOYEE' | 'CUSTOMER' | 'STAFF';
export type ContributionChange = 'ADDED' | 'REMOVED' | 'CHANGED';

export interface EventPayloads {
  'post:created': {
    postId: string;
    kind: 'DISCUSSION' | 'QUESTION' | 'IDEA' | 'ANNOUNCEMENT';
    authorId: string | null;
  };
  'post:updated': { postId: string; updatedAt: string; hidden: boolean; pinned: boolean };
  'post:deleted': { postId: string };
  'comment:created': { commentId: string; postId: string; parentId: string | null };
  'reaction:changed': { postId: string; change?: ContributionChange };
  'vote:changed': { postId: string; change?: Exclude<ContributionChange, 'CHANGED'> };
  'idea:statusChanged': { postId: string; from: string | null; to: string };
  'notification:created': { notificationId: string; postId: string | null; kind: string };
  'membership:revoked': { spaceId: string; reason: 'LEFT_OR_REMOVED' | 'CONSENT_OUTDATED' };
  'session:revoked': Record<string, never>;
}
export type EventType = keyof EventPayloads;
export const EVENT_TYPES = [
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
] as const satisfies readonly EventType[];

export interface EventActor {
  id: string;
  /** Null when the actor is no longer a member of the organization (the event stays, unattributed). */
  kind: ActorKind | null;
  customerAccountId: string | null;
}

/** Where a consumer stands: events are read in `(xid, id)` order. */
export interface StreamPosition {
  xid: string;
  id: string;
}

export interface StreamEvent<T extends EventType = EventType> {
  id: string;
  position: StreamPosition;
  /** "space:<id>" or "user:<id>"; `seq` numbers the stream's events without gaps. */
  stream: string;
  seq: number;
  type: T;
  organizationId: string | null;
  spaceId: string | null;
  actor: EventActor | null;
  /** When it happened (the domain row's time); `recordedAt` is when the event was written. */
  occurredAt: Date;
  recordedAt: Date;
  payload: EventPayloads[T];
}

/** An outbox row as SQL returns it. */
export interface OutboxRow {
  id: string;
  xid: string;
  stream: string;
  seq: string;
  space_id: string | null;
  organization_id: string | null;
  actor_id: string | null;
  actor_kind: ActorKind | null;
  customer_account_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  created_at: Date;
}

export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/** Narrows an event to one type, for consumers' switches. */
export function isEvent<T extends EventType>(event: StreamEvent, type: T): event is StreamEvent<T> {
  return event.type === type;
}

export function toStreamEvent(row: OutboxRow): StreamEvent | null {
  if (!isEventType(row.type)) return null;
  return {
    id: row.id,
    position: { xid: row.xid, id: row.id },
    stream: row.stream,
    seq: Number(row.seq),
    type: row.type,
    organizationId: row.organization_id,
    spaceId: row.space_id,
    actor: row.actor_id ? { id: row.actor_id, kind: row.actor_kind, customerAccountId: row.customer_account_id } : null,
    occurredAt: row.occurred_at,
    recordedAt: row.created_at,
    payload: row.payload as unknown as EventPayloads[EventType],
  };
}
