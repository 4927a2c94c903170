import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { alignByKey, type LoaderRegistry } from '@ruche/graphql';
import { Clock } from '@ruche/kernel';
import { EngagementReports } from '../reports/engagement-report.service';
import { KPI_METRICS, type Kpi, type KpiMetric, type KpiProgress, type KpiStatus } from './objective.types';
import { periodEndOf, periodStartOf, type KpiValueRow } from './objectives.service';

type Report = Awaited<ReturnType<EngagementReports['compute']>>;

/** The metric a computed KPI follows, read off the report of its period (null when suppressed). */
export function metricOf(report: Report, metric: KpiMetric): number | null {
  switch (metric) {
    case 'ACTIVE_PEOPLE':
      return report.totals.activePeople;
    case 'DAU':
      return report.totals.dau;
    case 'MAU':
      return report.totals.mau;
    case 'STICKINESS':
      return report.totals.stickiness;
    case 'ENGAGEMENT_RATE':
      return report.participation.engagementRate;
    case 'CONTRIBUTIONS':
      return report.totals.contributions;
    case 'ENGAGEMENT_SCORE':
      return report.totals.score;
    case 'IDEAS':
      return report.ideaFunnel.ideas;
    case 'CUSTOMER_SHARE_OF_IDEAS':
      return report.ideaFunnel.customerShareOfIdeas;
    case 'MEDIAN_FIRST_RESPONSE_HOURS':
      return report.responseTime.medianHours;
    case 'ROE_PER_HOUR':
      return report.roe.perHour;
  }
}

/**
 * On track at 90 % of the way from baseline to what is expected by now, at risk from 60 %. For cumulative
 * metrics (counts that grow through the period) "expected by now" is the target prorated by the days elapsed.
 */
export function statusOf(progress: number | null): KpiStatus {
  if (progress === null) return 'NO_DATA';
  if (progress >= 0.9) return 'ON_TRACK';
  if (progress >= 0.6) return 'AT_RISK';
  return 'OFF_TRACK';
}

export function progressTowards(
  actual: number,
  baseline: number,
  expected: number,
  direction: 'INCREASE' | 'DECREASE',
) {
  if (expected === baseline) return (direction === 'INCREASE' ? actual >= expected : actual <= expected) ? 1 : 0;
  return (actual - baseline) / (expected - baseline);
}

@Injectable()
export class KpiProgressService {
  constructor(
    private readonly db: Db,
    private readonly reports: EngagementReports,
    private readonly clock: Clock,
  ) {}

  /**
   * `loaders`: the request's registry, so a page of objectives reads their rows once and computes one report
   * per distinct scope and period, however many KPIs share it.
   */
  async progress(kpi: Kpi, values: KpiValueRow[], loaders: LoaderRegistry): Promise<KpiProgress> {
    type ObjectiveRange = { id: string; organization_id: string; starts_on: string; ends_on: string };
    const objective = (await loaders
      .get<string, ObjectiveRange | null>('kpiObjective', async (ids) => {
        const rows: ObjectiveRange[] = await this.db.transaction(() =>
          this.db.manager.query(
            'SELECT id, organization_id, starts_on::text, ends_on::text FROM objectives WHERE id = ANY ($1)',
            [[...ids]],
          ),
        );
        return alignByKey(ids, rows, (r) => r.id);
      })
      .load(kpi.objectiveRowId))!;
    const today = this.clock.now().toISOString().slice(0, 10);
    const clamp = (d: string) =>
      d < objective.starts_on ? objective.starts_on : d > objective.ends_on ? objective.ends_on : d;
    const baseline = kpi.baseline ?? 0;
    let periodStart: string;
    let actual: number | null;
    let expected = kpi.target;
    if (kpi.source === 'BUSINESS') {
      const latest = values.find(
        (v) => v.period_start >= periodStartOf(objective.starts_on, kpi.period) && v.period_start <= objective.ends_on,
      );
      periodStart = latest?.period_start ?? periodStartOf(clamp(today), kpi.period);
      actual = latest ? Number(latest.value) : null;
    } else {
      periodStart = periodStartOf(clamp(today), kpi.period);
      const end = periodEndOf(periodStart, kpi.period);
      const from = periodStart < objective.starts_on ? objective.starts_on : periodStart;
      const to = [end, objective.ends_on, today].sort()[0];
      const scope = {
        organizationId: objective.organization_id,
        spaceId: kpi.spaceRowId,
        from,
        to: to < from ? from : to,
        granularity: 'DAY' as const,
        segment: 'ALL' as const,
        customerAccountId: null,
      };
      const report = await loaders
        .get<
          string,
          Report
        >('kpiReport', (keys) => Promise.all(keys.map((key) => this.reports.compute(JSON.parse(key)))))
        .load(JSON.stringify(scope));
      actual = metricOf(report, kpi.metric!);
      if (KPI_METRICS[kpi.metric!].cumulative) {
        const days = (d1: string, d2: string) => (Date.parse(d2) - Date.parse(d1)) / 86_400_000 + 1;
        const elapsed = Math.min(1, Math.max(0, days(periodStart, to) / days(periodStart, end)));
        expected = baseline + (kpi.target - baseline) * elapsed;
      }
    }
    const progress =
      actual === null ? null : Math.round(progressTowards(actual, baseline, expected, kpi.direction) * 1000) / 1000;
    return {
      periodStart,
      periodEnd: periodEndOf(periodStart, kpi.period),
      actual,
      target: kpi.target,
      progress,
      status: statusOf(progress),
    };
  }
}
