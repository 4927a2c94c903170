import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { fromGlobalId } from '@ruche/kernel';
import type { Suppression } from '@ruche/policy';

export const GRANULARITIES = ['DAY', 'WEEK', 'MONTH'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const SEGMENTS = ['ALL', 'EMPLOYEES', 'CUSTOMERS', 'CUSTOMER_ACCOUNT'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const SUPPRESSIONS = ['FEWER_THAN_FIVE_PEOPLE', 'SMALL_COMPLEMENT'] as const satisfies readonly Suppression[];

const enumOf = <T extends readonly string[]>(values: T) => Object.fromEntries(values.map((v) => [v, v]));
export const GranularityEnum = enumOf(GRANULARITIES);
export const SegmentEnum = enumOf(SEGMENTS);
export const SuppressionEnum = enumOf(SUPPRESSIONS);
registerEnumType(GranularityEnum, { name: 'AnalyticsGranularity' });
registerEnumType(SegmentEnum, {
  name: 'EngagementSegment',
  description: 'Whose activity: everyone, employees (community staff included), customers, or one customer company.',
});
registerEnumType(SuppressionEnum, {
  name: 'SuppressionReason',
  description:
    'Why figures are hidden: computed over fewer than 5 people, or a wider report minus this one would describe fewer than 5.',
});

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

@InputType()
export class EngagementReportInput {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'One space (its owners and moderators may ask); the whole organization when omitted.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  spaceId?: string;
  @Field({ description: 'First day, YYYY-MM-DD (UTC).' }) @Matches(DATE_PATTERN) from!: string;
  @Field({ description: 'Last day, included, YYYY-MM-DD (UTC). At most 400 days after from.' })
  @Matches(DATE_PATTERN)
  to!: string;
  @Field(() => GranularityEnum, { defaultValue: 'DAY' })
  @IsOptional()
  @IsEnum(GranularityEnum)
  granularity!: Granularity;
  @Field(() => SegmentEnum, { defaultValue: 'ALL' }) @IsOptional() @IsEnum(SegmentEnum) segment!: Segment;
  @Field(() => ID, { nullable: true, description: 'With segment CUSTOMER_ACCOUNT.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerAccountId?: string;
}

/** The report's scope in row ids, from the GraphQL input or the CSV route's query (same fields). */
export function scopeOf(input: EngagementReportInput) {
  return {
    organizationId: fromGlobalId(input.organizationId, 'Organization'),
    spaceId: input.spaceId ? fromGlobalId(input.spaceId, 'Space') : null,
    from: input.from,
    to: input.to,
    granularity: input.granularity ?? 'DAY',
    segment: input.segment ?? 'ALL',
    customerAccountId: input.customerAccountId ? fromGlobalId(input.customerAccountId, 'CustomerAccount') : null,
  };
}

@ObjectType({ description: 'Contributions and views, and the engagement score they make.' })
export class ActivityCounts {
  @Field(() => Int, { nullable: true }) posts!: number | null;
  @Field(() => Int, { nullable: true }) ideas!: number | null;
  @Field(() => Int, { nullable: true }) comments!: number | null;
  @Field(() => Int, { nullable: true }) reactions!: number | null;
  @Field(() => Int, { nullable: true }) votes!: number | null;
  @Field(() => Int, { nullable: true }) views!: number | null;
  @Field(() => Int, { nullable: true, description: 'Posts, ideas, comments, reactions and votes.' })
  contributions!: number | null;
  @Field(() => Float, { nullable: true, description: 'Σ weight × count, with the organization weights.' })
  score!: number | null;
}

@ObjectType({ description: 'One period of the series (a day, an ISO week from Monday, or a month).' })
export class EngagementPoint extends ActivityCounts {
  @Field({ description: 'First day of the period.' }) start!: string;
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true, description: 'Distinct people with a contribution or a view.' })
  activePeople!: number | null;
  @Field(() => Int, { nullable: true, description: 'Distinct people with at least one contribution.' })
  contributors!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean daily active people over the days of the period.' })
  dailyActive!: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Distinct people who opened Ruche (an authenticated request); organization scope only.',
  })
  visitors!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Median hours to the first employee response (posts created in the period).',
  })
  medianFirstResponseHours!: number | null;
}

@ObjectType()
export class EngagementTotals extends ActivityCounts {
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true }) activePeople!: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Distinct people who opened Ruche in the period; organization scope only.',
  })
  visitors!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean distinct active people per day.' }) dau!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean distinct active people per ISO week.' }) wau!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean distinct active people per calendar month.' }) mau!:
    | number
    | null;
  @Field(() => Float, { nullable: true, description: 'DAU / MAU.' }) stickiness!: number | null;
  @Field(() => Float, { nullable: true, description: 'Contributions per active person.' })
  contributionsPerActive!: number | null;
}

@ObjectType({ description: '90-9-1: members of the scope by what they did in the period.' })
export class Participation {
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { description: 'Members of the scope and segment today.' }) members!: number;
  @Field(() => Int, { nullable: true, description: 'At least one post or idea.' }) creators!: number | null;
  @Field(() => Int, { nullable: true, description: 'Comments, reactions or votes only.' }) contributors!: number | null;
  @Field(() => Int, { nullable: true, description: 'Members who only viewed, or did nothing.' }) lurkers!:
    | number
    | null;
  @Field(() => Float, { nullable: true, description: '(creators + contributors) / members.' }) engagementRate!:
    | number
    | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Share of contributions by the top 1 % of contributors (hidden while that is under 5 people).',
  })
  top1PercentShare!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of contributions by the top 10 % of contributors.' })
  top10PercentShare!: number | null;
}

@ObjectType()
export class ResponderShare {
  @Field({ description: 'STAFF (space owners and moderators) or EMPLOYEE.' }) kind!: string;
  @Field(() => Int) responses!: number;
}

@ObjectType({
  description: 'Time to first response: customers’ posts and questions, until an employee’s first comment.',
})
export class ResponseTime {
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true, description: 'Posts measured (created in the period).' }) posts!: number | null;
  @Field(() => Float, { nullable: true }) medianHours!: number | null;
  @Field(() => Float, { nullable: true }) p90Hours!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of posts older than 24 h without a response within 24 h.' })
  unansweredAfter24h!: number | null;
  @Field(() => [ResponderShare], { nullable: true }) byResponder!: ResponderShare[] | null;
}

@ObjectType()
export class FunnelStage {
  @Field() status!: string;
  @Field(() => Int, { nullable: true, description: 'Ideas in this status now.' }) current!: number | null;
  @Field(() => Int, { nullable: true, description: 'Ideas that reached this stage or a later one.' }) reached!:
    | number
    | null;
  @Field(() => Float, { nullable: true, description: 'reached / reached of the previous stage.' }) conversion!:
    | number
    | null;
  @Field(() => Float, { nullable: true, description: 'Median days an idea stayed in this status.' }) medianDays!:
    | number
    | null;
}

@ObjectType({ description: 'Ideas created in the period, through their statuses.' })
export class IdeaFunnel {
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true }) ideas!: number | null;
  @Field(() => [FunnelStage]) stages!: FunnelStage[];
  @Field(() => Float, { nullable: true, description: 'Median days from submission to the first status change.' })
  medianDaysToFirstStatusUpdate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of these ideas submitted by customers.' })
  customerShareOfIdeas!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of the votes of the period cast by customers.' })
  customerShareOfVotes!: number | null;
}

@ObjectType({ description: 'Employees or customers, side by side.' })
export class SegmentEngagement extends ActivityCounts {
  @Field(() => SegmentEnum) segment!: Segment;
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true }) activePeople!: number | null;
}

@ObjectType({ description: 'One customer company: the social-CRM view.' })
export class CustomerAccountEngagement extends ActivityCounts {
  @Field(() => ID) customerAccountId!: string;
  @Field() name!: string;
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true }) activePeople!: number | null;
}

@ObjectType({ description: 'Return on engagement: the score per hour and per unit of cost of community effort.' })
export class Roe {
  @Field(() => Float, { nullable: true }) score!: number | null;
  @Field(() => Float) effortHours!: number;
  @Field(() => Float) effortCost!: number;
  @Field(() => Float, { nullable: true, description: 'score / effort hours.' }) perHour!: number | null;
  @Field(() => Float, { nullable: true, description: 'score / effort cost.' }) perCost!: number | null;
}

@ObjectType()
export class SpaceEngagement {
  @Field(() => ID) spaceId!: string;
  @Field() name!: string;
  @Field(() => SuppressionEnum, { nullable: true }) suppressed!: Suppression | null;
  @Field(() => Int, { nullable: true }) activePeople!: number | null;
  @Field(() => Roe) roe!: Roe;
}

@ObjectType({ description: 'ROI = (value of implemented ideas + business KPI gains − cost) / cost, each term shown.' })
export class Roi {
  @Field(() => Float, { description: 'Estimated value of the ideas implemented in the period.' })
  implementedIdeasValue!: number;
  @Field(() => Float, { description: 'Σ (latest value − baseline) × unit value over business KPIs with a unit value.' })
  kpiGains!: number;
  @Field(() => Float, { description: 'Effort cost of the period.' }) cost!: number;
  @Field(() => Float, { nullable: true, description: 'Null while there is no cost.' }) roi!: number | null;
  @Field() currency!: string;
}

@ObjectType({ description: 'Weights of the engagement score (per organization).' })
export class EngagementWeights {
  @Field(() => Float) post!: number;
  @Field(() => Float) idea!: number;
  @Field(() => Float) comment!: number;
  @Field(() => Float) reaction!: number;
  @Field(() => Float) vote!: number;
  @Field(() => Float) view!: number;
}

@ObjectType({ description: 'Engagement of an organization or one space over a period; aggregates only.' })
export class EngagementReport {
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => GranularityEnum) granularity!: Granularity;
  @Field(() => SegmentEnum) segment!: Segment;
  @Field(() => ID, { nullable: true }) spaceId!: string | null;
  @Field(() => [EngagementPoint]) series!: EngagementPoint[];
  @Field(() => EngagementTotals) totals!: EngagementTotals;
  @Field(() => Participation) participation!: Participation;
  @Field(() => ResponseTime) responseTime!: ResponseTime;
  @Field(() => IdeaFunnel) ideaFunnel!: IdeaFunnel;
  @Field(() => [SegmentEngagement], {
    description: 'Employees and customers in the same scope (whatever the segment asked).',
  })
  split!: SegmentEngagement[];
  @Field(() => [CustomerAccountEngagement]) customerAccounts!: CustomerAccountEngagement[];
  @Field(() => [SpaceEngagement], { description: 'Per space of the scope, with the effort behind it.' })
  spaces!: SpaceEngagement[];
  @Field(() => Roe) roe!: Roe;
  @Field(() => Roi) roi!: Roi;
  @Field(() => EngagementWeights) weights!: EngagementWeights;
}
