export { AnalyticsModule } from './analytics.module';
export { EngagementIngestion, ANALYTICS_CONSUMER } from './ingestion/engagement-ingestion';
export { EngagementReports } from './reports/engagement-report.service';
export { ObjectivesService } from './objectives/objectives.service';
export { EffortService } from './effort/effort.service';
export type { KpiInput, KpiMetric, ObjectiveKind } from './objectives/objective.types';
