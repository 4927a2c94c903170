import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Clock } from '@ruche/kernel';
import { ConnectionType, type Connection, type GraphQLContext } from '@ruche/graphql';
import { fromGlobalId, toGlobalId } from '@ruche/kernel';
import { Db } from '@ruche/database';
import { AnalyticsAccess } from './analytics-access';
import { EffortService, type EffortLogRow } from './effort/effort.service';
import { EngagementIngestion } from './ingestion/engagement-ingestion';
import { KpiProgressService } from './objectives/kpi-progress';
import {
  CreateObjectiveInput,
  EffortLog,
  EffortLogsArgs,
  Kpi,
  KpiProgress,
  KpiValue,
  LogEffortInput,
  LogEffortPayload,
  Objective,
  ObjectivePayload,
  ObjectivesArgs,
  RecordKpiValueInput,
  RecordKpiValuePayload,
  RecordViewsInput,
  RecordViewsPayload,
  UpdateObjectiveInput,
  type KpiMetric,
  type ObjectiveKind,
} from './objectives/objective.types';
import { ObjectivesService, type KpiRow, type KpiValueRow, type ObjectiveRow } from './objectives/objectives.service';
import { EngagementReport, EngagementReportInput, scopeOf } from './reports/engagement-report.types';
import { EngagementReports } from './reports/engagement-report.service';

const ObjectiveConnection = ConnectionType(Objective);
const EffortLogConnection = ConnectionType(EffortLog);

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export const toObjective = (r: ObjectiveRow): Objective =>
  Object.assign(new Objective(), {
    id: toGlobalId('Objective', r.id),
    rowId: r.id,
    organizationId: r.organization_id,
    title: r.title,
    description: r.description,
    kind: r.kind as ObjectiveKind,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    createdAt: r.created_at,
    archived: r.archived_at !== null,
  });

export const toKpi = (r: KpiRow): Kpi =>
  Object.assign(new Kpi(), {
    id: toGlobalId('Kpi', r.id),
    rowId: r.id,
    objectiveRowId: r.objective_id,
    spaceRowId: r.space_id,
    name: r.name,
    source: r.source,
    metric: r.metric as KpiMetric | null,
    unit: r.unit,
    direction: r.direction,
    baseline: num(r.baseline),
    target: Number(r.target),
    period: r.period,
    unitValue: num(r.unit_value),
    spaceId: r.space_id ? toGlobalId('Space', r.space_id) : null,
  });

const toEffortLog = (r: EffortLogRow): EffortLog =>
  Object.assign(new EffortLog(), {
    id: toGlobalId('EffortLog', r.id),
    spaceId: toGlobalId('Space', r.space_id),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    hours: Number(r.hours),
    cost: Number(r.cost),
    note: r.note,
    createdAt: r.created_at,
  });

@Resolver()
export class EngagementReportResolver {
  constructor(
    private readonly db: Db,
    private readonly access: AnalyticsAccess,
    private readonly reports: EngagementReports,
    private readonly ingestion: EngagementIngestion,
    private readonly clock: Clock,
  ) {}

  @Query(() => EngagementReport, {
    description:
      'Organization managers, admins and owners (or a space’s owners and moderators, for that space): engagement ' +
      'over a period, aggregates only; figures over fewer than 5 people are suppressed. Audited.',
  })
  async engagementReport(@CurrentViewer() viewer: Viewer, @Args('input') input: EngagementReportInput) {
    return this.db.transaction(async () => {
      const scope = scopeOf(input);
      await this.access.authorize(viewer.userId, scope.organizationId, scope.spaceId, 'analytics.report');
      const report = await this.reports.report(scope);
      return {
        ...report,
        from: input.from,
        to: input.to,
        granularity: input.granularity,
        segment: input.segment,
        spaceId: input.spaceId ?? null,
        customerAccounts: report.customerAccounts.map((a) => ({
          ...a,
          customerAccountId: toGlobalId('CustomerAccount', a.customerAccountId),
        })),
        spaces: report.spaces.map((s) => ({ ...s, spaceId: toGlobalId('Space', s.spaceId) })),
      };
    });
  }

  @Mutation(() => RecordViewsPayload, {
    description: 'Clients report the posts the viewer saw, in batches; one view per person, post and day counts.',
  })
  async recordViews(@Args('input') input: RecordViewsInput): Promise<RecordViewsPayload> {
    const ids = [...new Set(input.postIds.map((id) => fromGlobalId(id, 'Post')))];
    return { recorded: ids.length ? await this.ingestion.recordViews(ids, this.clock.now()) : 0 };
  }
}

@Resolver(() => Objective)
export class ObjectivesResolver {
  constructor(
    private readonly service: ObjectivesService,
    private readonly effort: EffortService,
  ) {}

  @Query(() => ObjectiveConnection, {
    description: 'Organization managers, admins and owners: objectives, newest first.',
  })
  async objectives(@CurrentViewer() viewer: Viewer, @Args() args: ObjectivesArgs): Promise<Connection<Objective>> {
    const page = await this.service.page(viewer.userId, args.organizationId, args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toObjective(e.node) })) };
  }

  @Mutation(() => ObjectivePayload, { description: 'Organization managers, admins and owners.' })
  async createObjective(@CurrentViewer() viewer: Viewer, @Args('input') input: CreateObjectiveInput) {
    return { objective: toObjective(await this.service.create(viewer.userId, input)) };
  }

  @Mutation(() => ObjectivePayload, { description: 'Organization managers, admins and owners.' })
  async updateObjective(@CurrentViewer() viewer: Viewer, @Args('input') input: UpdateObjectiveInput) {
    return { objective: toObjective(await this.service.update(viewer.userId, input)) };
  }

  @Mutation(() => RecordKpiValuePayload, {
    description: 'A business KPI’s value for one period (entering it again for the same period corrects it).',
  })
  async recordKpiValue(@CurrentViewer() viewer: Viewer, @Args('input') input: RecordKpiValueInput) {
    return { kpi: toKpi(await this.service.recordValue(viewer.userId, input)) };
  }

  @Mutation(() => LogEffortPayload, {
    description:
      'Community-management hours and cost for a space and period: managers, or the space’s owners and moderators.',
  })
  async logEffort(@CurrentViewer() viewer: Viewer, @Args('input') input: LogEffortInput) {
    return { effortLog: toEffortLog(await this.effort.log(viewer.userId, input)) };
  }

  @Query(() => EffortLogConnection, { description: 'Effort logged, newest first (same audience as engagementReport).' })
  async effortLogs(@CurrentViewer() viewer: Viewer, @Args() args: EffortLogsArgs): Promise<Connection<EffortLog>> {
    const page = await this.effort.page(viewer.userId, args.organizationId, args.spaceId, args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toEffortLog(e.node) })) };
  }

  @ResolveField(() => [Kpi])
  async kpis(@Parent() objective: Objective, @Context() ctx: GraphQLContext): Promise<Kpi[]> {
    const loader = ctx.loaders.get<string, KpiRow[]>('objectiveKpis', async (ids) => {
      const rows = await this.service.kpisOf([...ids]);
      return ids.map((id) => rows.filter((r) => r.objective_id === id));
    });
    return (await loader.load(objective.rowId)).map(toKpi);
  }
}

@Resolver(() => Kpi)
export class KpiResolver {
  constructor(
    private readonly objectives: ObjectivesService,
    private readonly progressOf: KpiProgressService,
  ) {}

  @ResolveField(() => [KpiValue])
  async values(@Parent() kpi: Kpi, @Context() ctx: GraphQLContext): Promise<KpiValue[]> {
    return (await this.valueRows(kpi, ctx)).map((v) =>
      Object.assign(new KpiValue(), {
        periodStart: v.period_start,
        value: Number(v.value),
        note: v.note,
        recordedAt: v.recorded_at,
      }),
    );
  }

  @ResolveField(() => KpiProgress, {
    description: 'Actual against target in the current period (or the last one with a value).',
  })
  async progress(@Parent() kpi: Kpi, @Context() ctx: GraphQLContext): Promise<KpiProgress> {
    return this.progressOf.progress(kpi, await this.valueRows(kpi, ctx), ctx.loaders);
  }

  private valueRows(kpi: Kpi, ctx: GraphQLContext): Promise<KpiValueRow[]> {
    const loader = ctx.loaders.get<string, KpiValueRow[]>('kpiValues', async (ids) => {
      const rows = await this.objectives.valuesOf([...ids]);
      return ids.map((id) => rows.filter((r) => r.kpi_id === id));
    });
    return loader.load(kpi.rowId);
  }
}
