import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEnum,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ConnectionArgs, MultilineText } from '@ruche/graphql';
import { DATE_PATTERN } from '../reports/engagement-report.types';

export const OBJECTIVE_KINDS = ['SALES', 'CUSTOMER_CARE', 'AWARENESS', 'INNOVATION'] as const;
export type ObjectiveKind = (typeof OBJECTIVE_KINDS)[number];
export const KPI_SOURCES = ['COMPUTED', 'BUSINESS'] as const;
export type KpiSource = (typeof KPI_SOURCES)[number];
/** Metrics a computed KPI can follow (docs/metrics.md); `cumulative` ones grow through their period. */
export const KPI_METRICS = {
  ACTIVE_PEOPLE: { cumulative: false },
  DAU: { cumulative: false },
  MAU: { cumulative: false },
  STICKINESS: { cumulative: false },
  ENGAGEMENT_RATE: { cumulative: false },
  CONTRIBUTIONS: { cumulative: true },
  ENGAGEMENT_SCORE: { cumulative: true },
  IDEAS: { cumulative: true },
  CUSTOMER_SHARE_OF_IDEAS: { cumulative: false },
  MEDIAN_FIRST_RESPONSE_HOURS: { cumulative: false },
  ROE_PER_HOUR: { cumulative: false },
} as const;
export type KpiMetric = keyof typeof KPI_METRICS;
export const KPI_DIRECTIONS = ['INCREASE', 'DECREASE'] as const;
export type KpiDirection = (typeof KPI_DIRECTIONS)[number];
export const KPI_PERIODS = ['WEEK', 'MONTH', 'QUARTER'] as const;
export type KpiPeriod = (typeof KPI_PERIODS)[number];
export const KPI_STATUSES = ['ON_TRACK', 'AT_RISK', 'OFF_TRACK', 'NO_DATA'] as const;
export type KpiStatus = (typeof KPI_STATUSES)[number];

const enumOf = <T extends readonly string[]>(values: T) => Object.fromEntries(values.map((v) => [v, v]));
export const ObjectiveKindEnum = enumOf(OBJECTIVE_KINDS);
export const KpiSourceEnum = enumOf(KPI_SOURCES);
export const KpiMetricEnum = enumOf(Object.keys(KPI_METRICS) as KpiMetric[]);
export const KpiDirectionEnum = enumOf(KPI_DIRECTIONS);
export const KpiPeriodEnum = enumOf(KPI_PERIODS);
export const KpiStatusEnum = enumOf(KPI_STATUSES);
registerEnumType(ObjectiveKindEnum, { name: 'ObjectiveKind' });
registerEnumType(KpiSourceEnum, {
  name: 'KpiSource',
  description: 'COMPUTED from engagement metrics, or BUSINESS values managers enter per period.',
});
registerEnumType(KpiMetricEnum, { name: 'KpiMetric' });
registerEnumType(KpiDirectionEnum, {
  name: 'KpiDirection',
  description: 'Whether more (new customers) or less (product returns) is better.',
});
registerEnumType(KpiPeriodEnum, { name: 'KpiPeriod' });
registerEnumType(KpiStatusEnum, { name: 'KpiStatus' });

@ObjectType()
export class KpiValue {
  @Field() periodStart!: string;
  @Field(() => Float) value!: number;
  @Field() note!: string;
  @Field() recordedAt!: Date;
}

@ObjectType({ description: 'Where a KPI stands in its current period.' })
export class KpiProgress {
  @Field() periodStart!: string;
  @Field() periodEnd!: string;
  @Field(() => Float, { nullable: true, description: 'Null when there is no value yet, or the metric is suppressed.' })
  actual!: number | null;
  @Field(() => Float, { description: 'Target for the whole period.' }) target!: number;
  @Field(() => Float, { nullable: true, description: '(actual − baseline) / (expected − baseline); 1 is on target.' })
  progress!: number | null;
  @Field(() => KpiStatusEnum) status!: KpiStatus;
}

@ObjectType()
export class Kpi {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => KpiSourceEnum) source!: KpiSource;
  @Field(() => KpiMetricEnum, { nullable: true }) metric!: KpiMetric | null;
  @Field() unit!: string;
  @Field(() => KpiDirectionEnum) direction!: KpiDirection;
  @Field(() => Float, { nullable: true }) baseline!: number | null;
  @Field(() => Float) target!: number;
  @Field(() => KpiPeriodEnum) period!: KpiPeriod;
  @Field(() => Float, { nullable: true, description: 'Worth of one unit of improvement, for ROI.' }) unitValue!:
    | number
    | null;
  @Field(() => ID, { nullable: true }) spaceId!: string | null;
  @Field(() => [KpiValue], { description: 'Business values entered, newest period first.' }) values!: KpiValue[];

  rowId!: string;
  objectiveRowId!: string;
  spaceRowId!: string | null;
}

@ObjectType({ description: 'What the organization wants from its community, measured by KPIs.' })
export class Objective {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => ObjectiveKindEnum) kind!: ObjectiveKind;
  @Field() startsOn!: string;
  @Field() endsOn!: string;
  @Field() createdAt!: Date;
  @Field() archived!: boolean;
  @Field(() => [Kpi]) kpis!: Kpi[];

  rowId!: string;
  organizationId!: string;
}

@InputType()
export class KpiInput {
  @Field({ nullable: true, description: 'An existing KPI to change (updateObjective); omitted for a new one.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  id?: string;
  @Field() @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @Field(() => KpiSourceEnum) @IsEnum(KpiSourceEnum) source!: KpiSource;
  @Field(() => KpiMetricEnum, { nullable: true }) @IsOptional() @IsEnum(KpiMetricEnum) metric?: KpiMetric;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(40) unit?: string;
  @Field(() => KpiDirectionEnum) @IsEnum(KpiDirectionEnum) direction!: KpiDirection;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(-1e12) @Max(1e12) baseline?: number;
  @Field(() => Float) @IsNumber() @Min(-1e12) @Max(1e12) target!: number;
  @Field(() => KpiPeriodEnum) @IsEnum(KpiPeriodEnum) period!: KpiPeriod;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0) @Max(1e9) unitValue?: number;
  @Field(() => ID, { nullable: true, description: 'Follow one space (computed KPIs).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  spaceId?: string;
}

@InputType()
export class CreateObjectiveInput {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
  @Field() @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @Field(() => ObjectiveKindEnum) @IsEnum(ObjectiveKindEnum) kind!: ObjectiveKind;
  @Field({ description: 'YYYY-MM-DD' }) @Matches(DATE_PATTERN) startsOn!: string;
  @Field({ description: 'YYYY-MM-DD, on or after startsOn' }) @Matches(DATE_PATTERN) endsOn!: string;
  @Field(() => [KpiInput], { defaultValue: [] })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => KpiInput)
  kpis!: KpiInput[];
}

@InputType()
export class UpdateObjectiveInput {
  @Field(() => ID) @IsString() @MaxLength(200) id!: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @Field(() => ObjectiveKindEnum, { nullable: true }) @IsOptional() @IsEnum(ObjectiveKindEnum) kind?: ObjectiveKind;
  @Field({ nullable: true }) @IsOptional() @Matches(DATE_PATTERN) startsOn?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(DATE_PATTERN) endsOn?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() archived?: boolean;
  @Field(() => [KpiInput], {
    nullable: true,
    description: 'The full list of KPIs: listed ones with an id are changed, new ones added, missing ones removed.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => KpiInput)
  kpis?: KpiInput[];
}

@InputType()
export class RecordKpiValueInput {
  @Field(() => ID) @IsString() @MaxLength(200) kpiId!: string;
  @Field({ description: 'Any day of the period (YYYY-MM-DD); stored at the start of the KPI period.' })
  @Matches(DATE_PATTERN)
  periodStart!: string;
  @Field(() => Float) @IsNumber() @Min(-1e12) @Max(1e12) value!: number;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

@InputType()
export class LogEffortInput {
  @Field(() => ID) @IsString() @MaxLength(200) spaceId!: string;
  @Field({ description: 'YYYY-MM-DD' }) @Matches(DATE_PATTERN) periodStart!: string;
  @Field({ description: 'YYYY-MM-DD, on or after periodStart' }) @Matches(DATE_PATTERN) periodEnd!: string;
  @Field(() => Float) @IsNumber() @Min(0) @Max(100000) hours!: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0) @Max(1e9) cost?: number;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

@ObjectType()
export class EffortLog {
  @Field(() => ID) id!: string;
  @Field(() => ID) spaceId!: string;
  @Field() periodStart!: string;
  @Field() periodEnd!: string;
  @Field(() => Float) hours!: number;
  @Field(() => Float) cost!: number;
  @Field() note!: string;
  @Field() createdAt!: Date;
}

@InputType()
export class RecordViewsInput {
  @Field(() => [ID], { description: 'Posts the viewer saw (at most 100 per call).' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  postIds!: string[];
}

@ObjectType()
export class ObjectivePayload {
  @Field(() => Objective) objective!: Objective;
}
@ObjectType()
export class RecordKpiValuePayload {
  @Field(() => Kpi) kpi!: Kpi;
}
@ObjectType()
export class LogEffortPayload {
  @Field(() => EffortLog) effortLog!: EffortLog;
}
@ObjectType()
export class RecordViewsPayload {
  @Field(() => Int, { description: 'Views stored (a repeated view of a post on the same day counts once).' })
  recorded!: number;
}

@ArgsType()
export class ObjectivesArgs extends ConnectionArgs {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
  @Field({ defaultValue: false }) @IsOptional() @IsBoolean() includeArchived!: boolean;
}

@ArgsType()
export class EffortLogsArgs extends ConnectionArgs {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) spaceId?: string;
}
