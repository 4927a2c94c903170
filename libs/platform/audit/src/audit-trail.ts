import { Global, Injectable, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { Db } from '@ruche/database';
import { decodeCursor, toConnection, type Connection, type ConnectionArgs } from '@ruche/graphql';
import { Clock, sha256Hex } from '@ruche/kernel';

export interface AuditEventRow {
  id: string;
  at: Date;
  organization_id: string | null;
  space_id: string | null;
  actor_id: string | null;
  action: AuditAction;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
}

/** Every action the audit trail records. Adding one here is the way to audit something new. */
export const AUDIT_ACTIONS = [
  'auth.sign_in_succeeded',
  'auth.sign_in_failed',
  'auth.refresh_token_reused',
  'org.member_added',
  'org.role_changed',
  'space.created',
  'space.updated',
  'space.member_removed',
  'space.role_changed',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'consent.given',
  'consent.withdrawn',
  'content.reported',
  'moderation.hidden',
  'moderation.restored',
  'moderation.dismissed',
  'moderation.suspended',
  'analytics.report_read',
  'analytics.exported',
  'objective.created',
  'objective.updated',
  'kpi.value_recorded',
  'effort.logged',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  organizationId?: string | null;
  spaceId?: string | null;
  /** Defaults to the acting user of the request. */
  actorId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** Request facts the audit trail stamps on each row (set by the CLS middleware). */
export const REQUEST_IP = 'ruche.requestIp';
export const REQUEST_USER_AGENT = 'ruche.requestUserAgent';

/**
 * Append-only audit events, written through the caller's transaction so an action and its record commit
 * or roll back together. The database role can insert and read audit rows, never change them.
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cls: ClsService,
  ) {}

  /** An organization's events, newest first: its own, and account-level ones (sign-in…) of its members. */
  async page(organizationId: string, args: ConnectionArgs): Promise<Connection<AuditEventRow>> {
    const after = args.after ? decodeCursor(args.after, ['string']) : null;
    const rows: AuditEventRow[] = await this.db.transaction(() =>
      this.db.manager.query(
        `SELECT e.id::text AS id, e.at, e.organization_id, e.space_id, e.actor_id, e.action, e.target_type, e.target_id, e.details
         FROM audit_events e
         WHERE (e.organization_id = $1 OR (e.organization_id IS NULL AND e.actor_id IN (
                  SELECT user_id FROM organization_memberships WHERE organization_id = $1)))
           AND ($2::bigint IS NULL OR e.id < $2::bigint)
         ORDER BY e.id DESC LIMIT $3`,
        [organizationId, after?.[0] ?? null, args.first + 1],
      ),
    );
    return toConnection(
      rows,
      args,
      (r) => [r.id],
      (r) => r,
    );
  }

  async record(entry: AuditEntry): Promise<void> {
    const ip = this.cls.isActive() ? this.cls.get<string | undefined>(REQUEST_IP) : undefined;
    await this.db.transaction(() =>
      this.db.manager.query(
        `INSERT INTO audit_events (at, organization_id, space_id, actor_id, action, target_type, target_id, ip_hash, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          this.clock.now(),
          entry.organizationId ?? null,
          entry.spaceId ?? null,
          entry.actorId === undefined ? this.db.actorId : entry.actorId,
          entry.action,
          entry.targetType ?? null,
          entry.targetId ?? null,
          ip ? sha256Hex(ip) : null,
          this.cls.isActive() ? (this.cls.getId() ?? null) : null,
          JSON.stringify(entry.details ?? {}),
        ],
      ),
    );
  }
}

@Global()
@Module({ providers: [AuditTrail], exports: [AuditTrail] })
export class AuditModule {}
