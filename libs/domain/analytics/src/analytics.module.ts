import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdentityModule } from '@ruche/identity';
import { SpacesModule } from '@ruche/spaces';
import { AnalyticsAccess } from './analytics-access';
import { EngagementReportResolver, KpiResolver, ObjectivesResolver } from './analytics.resolver';
import { EffortService } from './effort/effort.service';
import { EngagementExportController } from './reports/engagement-export.controller';
import { EngagementIngestion } from './ingestion/engagement-ingestion';
import { VisitsInterceptor } from './ingestion/visits.interceptor';
import { KpiProgressService } from './objectives/kpi-progress';
import { ObjectivesService } from './objectives/objectives.service';
import { EngagementReports } from './reports/engagement-report.service';

/** Engagement analytics: the stream's analytics consumer, reports, objectives and KPIs, effort, the CSV export. */
@Module({
  imports: [IdentityModule, SpacesModule],
  controllers: [EngagementExportController],
  providers: [
    AnalyticsAccess,
    EngagementIngestion,
    EngagementReports,
    ObjectivesService,
    KpiProgressService,
    EffortService,
    EngagementReportResolver,
    ObjectivesResolver,
    KpiResolver,
    { provide: APP_INTERCEPTOR, useClass: VisitsInterceptor },
  ],
  exports: [EngagementIngestion, EngagementReports],
})
export class AnalyticsModule {}
