import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { Db } from '@ruche/database';
import { type ConnectionArgs, cursorTimestampSql, decodeCursor, toConnection } from '@ruche/graphql';
import { badInput, fromGlobalId } from '@ruche/kernel';
import { AnalyticsAccess } from '../analytics-access';
import type { LogEffortInput } from '../objectives/objective.types';

export interface EffortLogRow {
  id: string;
  space_id: string;
  period_start: string;
  period_end: string;
  hours: string;
  cost: string;
  note: string;
  created_at: Date;
  cursor_at: string;
}

const COLUMNS = `id, space_id, period_start::text, period_end::text, hours, cost, note, created_at,
                 ${cursorTimestampSql('created_at')} AS cursor_at`;

/** Community-management effort (hours and cost per space and period): the denominator of ROE. */
@Injectable()
export class EffortService {
  constructor(
    private readonly db: Db,
    private readonly access: AnalyticsAccess,
    private readonly audit: AuditTrail,
  ) {}

  async log(viewerId: string, input: LogEffortInput): Promise<EffortLogRow> {
    if (input.periodEnd < input.periodStart) throw badInput({ periodEnd: ['must be on or after periodStart'] });
    return this.db.transaction(async () => {
      const grant = await this.access.space(viewerId, input.spaceId, 'analytics.effort.log');
      const [row]: EffortLogRow[] = await this.db.manager.query(
        `INSERT INTO effort_logs (organization_id, space_id, period_start, period_end, hours, cost, note, logged_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [
          grant.organizationId,
          grant.spaceId,
          input.periodStart,
          input.periodEnd,
          input.hours,
          input.cost ?? 0,
          input.note ?? '',
          viewerId,
        ],
      );
      await this.audit.record({
        action: 'effort.logged',
        organizationId: grant.organizationId,
        spaceId: grant.spaceId,
        targetType: 'EffortLog',
        targetId: row.id,
        details: {
          hours: input.hours,
          cost: input.cost ?? 0,
          periodStart: input.periodStart,
          periodEnd: input.periodEnd,
        },
      });
      return row;
    });
  }

  async page(viewerId: string, orgGlobalId: string, spaceGlobalId: string | undefined, args: ConnectionArgs) {
    return this.db.transaction(async () => {
      const grant = spaceGlobalId
        ? await this.access.space(viewerId, spaceGlobalId, 'analytics.report')
        : await this.access.organization(viewerId, orgGlobalId, 'analytics.report');
      if (spaceGlobalId && fromGlobalId(orgGlobalId, 'Organization') !== grant.organizationId) {
        throw badInput({ spaceId: ['not a space of this organization'] });
      }
      const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
      const rows: EffortLogRow[] = await this.db.manager.query(
        `SELECT ${COLUMNS} FROM effort_logs
         WHERE organization_id = $1 AND ($2::uuid IS NULL OR space_id = $2)
           AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
         ORDER BY created_at DESC, id DESC LIMIT $5`,
        [grant.organizationId, grant.spaceId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      return toConnection(
        rows,
        args,
        (r) => [r.cursor_at, r.id],
        (r) => r,
      );
    });
  }
}
