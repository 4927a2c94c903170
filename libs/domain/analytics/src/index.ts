export { AnalyticsModule } from './analytics.module';
export { EngagementIngestion, ANALYTICS_CONSUMER } from './ingestion/engagement-ingestion';
export { EngagementReports } from './reports/engagement-report.service';
