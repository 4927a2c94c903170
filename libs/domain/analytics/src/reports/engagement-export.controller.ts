import { Controller, Get, Query, Res } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { AuditTrail } from '@ruche/audit';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import { AnalyticsAccess } from '../analytics-access';
import { EngagementReportInput, scopeOf } from './engagement-report.types';
import { EngagementReports } from './engagement-report.service';

/** Spreadsheets run a cell that starts with one of these as a formula (OWASP CSV injection): quote it. */
const FORMULA_START = /^[=+\-@\t\r]/;
export const escapeFormula = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

const COLUMNS = [
  'start',
  'suppressed',
  'activePeople',
  'contributors',
  'dailyActive',
  'posts',
  'ideas',
  'comments',
  'reactions',
  'votes',
  'views',
  'contributions',
  'score',
  'medianFirstResponseHours',
] as const;

/**
 * `GET /exports/engagement.csv`: the engagement series of a report (same parameters, audience and suppression
 * as `engagementReport`), one row per period, streamed; every export is audited.
 */
@Controller('exports')
export class EngagementExportController {
  constructor(
    private readonly db: Db,
    private readonly access: AnalyticsAccess,
    private readonly reports: EngagementReports,
    private readonly audit: AuditTrail,
  ) {}

  @Get('engagement.csv')
  async engagement(@CurrentViewer() viewer: Viewer, @Query() query: EngagementReportInput, @Res() res: Response) {
    const report = await this.db.transaction(async () => {
      const scope = scopeOf(query);
      const { organizationId, spaceId } = scope;
      await this.access.authorize(viewer.userId, organizationId, spaceId, 'analytics.report');
      const result = await this.reports.compute(scope);
      await this.audit.record({
        action: 'analytics.exported',
        organizationId,
        spaceId,
        details: { from: query.from, to: query.to, segment: query.segment ?? 'ALL', format: 'csv' },
      });
      return result;
    });
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="engagement-${query.from}-${query.to}.csv"`);
    res.setHeader('cache-control', 'no-store');
    const csv = stringify({ header: true, columns: [...COLUMNS], cast: { string: escapeFormula } });
    csv.pipe(res);
    for (const point of report.series) {
      csv.write(Object.fromEntries(COLUMNS.map((c) => [c, point[c] ?? ''])));
    }
    csv.end();
  }
}
