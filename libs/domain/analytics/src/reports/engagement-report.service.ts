import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { Db } from '@ruche/database';
import { badInput } from '@ruche/kernel';
import { suppressionOf, MIN_GROUP_SIZE, type Suppression } from '@ruche/policy';
import type { Granularity, Segment } from './engagement-report.types';

export interface ReportScope {
  organizationId: string;
  /** One space, or null for the whole organization. */
  spaceId: string | null;
  from: string;
  to: string;
  granularity: Granularity;
  segment: Segment;
  customerAccountId: string | null;
}

/** What `personDays` reads of one source: per bucket, over the period, per kind and company, ranked. */
interface PersonDays {
  buckets: Map<string, Record<string, unknown>>;
  total: Record<string, unknown>;
  kinds: Record<string, unknown>[];
  ranked: number[];
}

interface AnalysedPost {
  id: string;
  author_id: string | null;
  author_kind: string;
  customer_account_id: string | null;
  kind: string;
  created_at: Date;
  first_response_at: Date | null;
  responder_kind: string | null;
  idea_status: string | null;
}

export interface Weights {
  POST: number;
  IDEA: number;
  COMMENT: number;
  REACTION: number;
  VOTE: number;
  VIEW: number;
}
export const DEFAULT_WEIGHTS: Weights = { POST: 5, IDEA: 5, COMMENT: 3, REACTION: 1, VOTE: 1, VIEW: 0.1 };

export interface Counts {
  posts: number;
  ideas: number;
  comments: number;
  reactions: number;
  votes: number;
  views: number;
}
export type Shown<T> = { [K in keyof T]: T[K] | null };

const COUNT_KEYS = ['posts', 'ideas', 'comments', 'reactions', 'votes', 'views'] as const;
const STAGES = ['NEW', 'UNDER_REVIEW', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED'] as const;
const FINAL = ['DECLINED', 'MERGED'] as const;
const DAY_MS = 86_400_000;
const VISITOR_IS_CUSTOMER = `actor_kind = 'CUSTOMER'`;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const round = (v: number | null, digits = 4): number | null =>
  v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits;

export function scoreOf(c: Counts, w: Weights): number {
  return (
    c.posts * w.POST +
    c.ideas * w.IDEA +
    c.comments * w.COMMENT +
    c.reactions * w.REACTION +
    c.votes * w.VOTE +
    c.views * w.VIEW
  );
}

function countsOf(row: Record<string, unknown>): Counts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, num(row[k])])) as unknown as Counts;
}

/** The activity block of a row, or all nulls when it is suppressed. */
function activity(c: Counts, w: Weights, suppressed: Suppression | null) {
  if (suppressed) {
    return {
      posts: null,
      ideas: null,
      comments: null,
      reactions: null,
      votes: null,
      views: null,
      contributions: null,
      score: null,
    };
  }
  const contributions = c.posts + c.ideas + c.comments + c.reactions + c.votes;
  return { ...c, contributions, score: round(scoreOf(c, w), 2) };
}

/** SQL for "this row belongs to segment s" on rows with a customer flag and customer_account_id ($6: the company). */
function segmentSql(s: Segment, customer = 'customer'): string {
  switch (s) {
    case 'ALL':
      return 'true';
    case 'EMPLOYEES':
      return `NOT (${customer})`;
    case 'CUSTOMERS':
      return `(${customer})`;
    case 'CUSTOMER_ACCOUNT':
      return `((${customer}) AND customer_account_id = $6::uuid)`;
  }
}

/**
 * The wider reports a viewer could ask beside this one (the whole organization instead of one space; all
 * people instead of a segment; all customers instead of one company). Their difference with this one must
 * not describe fewer than five people.
 */
function widerSets(scope: ReportScope): { wholeOrg: boolean; segment: Segment }[] {
  const scopes = scope.spaceId ? [false, true] : [true];
  const segments: Segment[] = [scope.segment];
  if (scope.segment !== 'ALL') segments.push('ALL');
  if (scope.segment === 'CUSTOMER_ACCOUNT') segments.push('CUSTOMERS');
  const sets: { wholeOrg: boolean; segment: Segment }[] = [];
  for (const wholeOrg of scopes) {
    for (const segment of segments) {
      if (wholeOrg === !scope.spaceId && segment === scope.segment) continue;
      sets.push({ wholeOrg, segment });
    }
  }
  return sets;
}

/** The first day of a date's bucket, in date arithmetic (date_trunc goes through timestamps and time zones). */
function bucketSql(g: Granularity, column = 'day'): string {
  switch (g) {
    case 'DAY':
      return column;
    case 'WEEK':
      return `(${column} - (extract(isodow FROM ${column})::int - 1))`;
    case 'MONTH':
      return `(${column} - (extract(day FROM ${column})::int - 1))`;
  }
}

/** Days from `from` to `to` included, as UTC dates. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function bucketStart(day: string, g: Granularity): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (g === 'WEEK') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (g === 'MONTH') d.setUTCDate(1);
  return isoDay(d);
}

function nextBucket(start: string, g: Granularity): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (g === 'DAY') d.setUTCDate(d.getUTCDate() + 1);
  if (g === 'WEEK') d.setUTCDate(d.getUTCDate() + 7);
  if (g === 'MONTH') d.setUTCMonth(d.getUTCMonth() + 1);
  return isoDay(d);
}

/** Every bucket of the period, with the number of its days inside the period. */
export function bucketsOf(from: string, to: string, g: Granularity): { start: string; days: number }[] {
  const out: { start: string; days: number }[] = [];
  for (let start = bucketStart(from, g); start <= to; start = nextBucket(start, g)) {
    const first = start < from ? from : start;
    const last = nextBucket(start, g);
    const lastIn = last > to ? to : isoDay(new Date(Date.parse(last) - DAY_MS));
    out.push({ start, days: daysBetween(first, lastIn) });
  }
  return out;
}

/** The years of a period, each with its first day's bit (1 = 1 January, as SQL substring counts) and days. */
function yearsOf(from: string, to: string): { year: number; first: number; days: number }[] {
  const out: { year: number; first: number; days: number }[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    const jan1 = `${year}-01-01`;
    const first = from > jan1 ? from : jan1;
    const last = to < `${year}-12-31` ? to : `${year}-12-31`;
    out.push({ year, first: daysBetween(jan1, first), days: daysBetween(first, last) });
  }
  return out;
}

function median(values: number[], q = 0.5): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/**
 * Computes the engagement report from the rollups (activity), the domain tables (response time, ideas) and
 * the effort and KPI values; the caller has authorized the scope. Every figure passes `suppressionOf`.
 */
@Injectable()
export class EngagementReports {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  async weights(organizationId: string): Promise<{ weights: Weights; currency: string }> {
    const rows: { weights: Partial<Weights>; currency: string }[] = await this.db.manager.query(
      'SELECT weights, currency FROM analytics_settings WHERE organization_id = $1',
      [organizationId],
    );
    return { weights: { ...DEFAULT_WEIGHTS, ...(rows[0]?.weights ?? {}) }, currency: rows[0]?.currency ?? 'EUR' };
  }

  /** The report, recorded in the audit trail as an analytics read. */
  async report(scope: ReportScope) {
    return this.compute(scope, true);
  }

  async compute(scope: ReportScope, audited = false) {
    const days = daysBetween(scope.from, scope.to);
    if (!(days >= 1 && days <= 400)) throw badInput({ to: ['must be on or after from, at most 400 days later'] });
    if (scope.segment === 'CUSTOMER_ACCOUNT' && !scope.customerAccountId) {
      throw badInput({ customerAccountId: ['required with segment CUSTOMER_ACCOUNT'] });
    }
    return this.db.transaction(async () => {
      // The report's aggregates sort and hash a few tens of thousands of rollup rows: in memory, not on disk.
      await this.db.manager.query(`SET LOCAL work_mem = '32MB'`);
      const { weights, currency } = await this.weights(scope.organizationId);
      const params = [
        scope.organizationId,
        scope.spaceId,
        scope.from,
        scope.to,
        scope.granularity.toLowerCase(),
        scope.customerAccountId,
        // Bit positions of the period's weeks and months (for distinct person-weeks and -months).
        bucketStart(scope.from, 'WEEK'),
        Number(scope.from.slice(0, 4)) * 12 + Number(scope.from.slice(5, 7)),
      ];
      const { kinds, ...activityBlock } = await this.activity(scope, params, weights);
      const participation = await this.participation(scope, params);
      const responseTime = await this.responseTime(scope);
      const ideaFunnel = await this.ideaFunnel(scope);
      const breakdown = await this.breakdown(scope, kinds, weights);
      const effort = await this.effort(scope);
      const roi = await this.roi(scope, effort, currency);
      const spaceEffort = new Map(effort.bySpace.map((e) => [e.spaceId, e]));
      const totalScore = activityBlock.totals.score;
      if (audited)
        await this.audit.record({
          action: 'analytics.report_read',
          organizationId: scope.organizationId,
          spaceId: scope.spaceId,
          details: { from: scope.from, to: scope.to, segment: scope.segment, granularity: scope.granularity },
        });
      return {
        ...activityBlock,
        participation: { ...participation, ...this.participationShares(activityBlock.people, participation) },
        responseTime,
        ideaFunnel: { ...ideaFunnel, customerShareOfVotes: breakdown.customerShareOfVotes },
        split: breakdown.split,
        customerAccounts: breakdown.accounts,
        spaces: breakdown.spaces.map((s) => {
          const e = spaceEffort.get(s.spaceId) ?? { hours: 0, cost: 0 };
          return { ...s, roe: this.roe(s.score, e.hours, e.cost) };
        }),
        roe: this.roe(totalScore, effort.hours, effort.cost),
        roi,
        weights: {
          post: weights.POST,
          idea: weights.IDEA,
          comment: weights.COMMENT,
          reaction: weights.REACTION,
          vote: weights.VOTE,
          view: weights.VIEW,
        },
      };
    });
  }

  private roe(score: number | null, hours: number, cost: number) {
    return {
      score,
      effortHours: round(hours, 2)!,
      effortCost: round(cost, 2)!,
      perHour: score === null ? null : round(ratio(score, hours), 2),
      perCost: score === null ? null : round(ratio(score, cost), 4),
    };
  }

  /**
   * Per bucket and over the period, from one row per person and day of the scope's source (the organization
   * rollup, or the space's rows): the target segment's people, contributors, person-days and counts, the
   * people of each other segment asked (for complements), the target's distinct person-weeks and -months, its
   * per-person contributions (ranked) and everyone's people and counts per kind and company (the breakdown).
   */
  private async personDays(
    scope: ReportScope,
    params: unknown[],
    wholeOrg: boolean,
    target: Segment | null,
    others: Segment[],
  ): Promise<PersonDays> {
    const counts = COUNT_KEYS.join(', ');
    const source = wholeOrg
      ? `SELECT day, person_id, customer, customer_account_id, ${counts} FROM engagement_org_person_daily
         WHERE organization_id = $1::uuid AND day BETWEEN $3::date AND $4::date`
      : `SELECT day, person_id, actor_kind = 'CUSTOMER' AS customer, customer_account_id, ${counts}
         FROM engagement_person_daily
         WHERE space_id = $2::uuid AND organization_id = $1::uuid AND day BETWEEN $3::date AND $4::date`;
    const t = target ? segmentSql(target) : 'false';
    const ws = others.map((_, i) => `w${i}`);
    const flags = others.map((s, i) => `, ${segmentSql(s)} AS w${i}`).join('');
    const any = ws.map((w) => `, bool_or(${w}) AS ${w}`).join('');
    const people = ws.map((w) => `, count(*) FILTER (WHERE ${w}) AS ${w}`).join('');
    const targetSums = COUNT_KEYS.map((k) => `, coalesce(sum(${k}) FILTER (WHERE t), 0) AS ${k}`).join('');
    const sums = COUNT_KEYS.map((k) => `, sum(${k}) AS ${k}`).join('');
    const contributed = 'posts + ideas + comments + reactions + votes';
    // By day the source has one row per person and day already; longer buckets first merge a person's days.
    const perBucket =
      scope.granularity === 'DAY'
        ? `SELECT day AS bucket, t${ws.map((w) => `, ${w}`).join('')}, t::int AS person_days,
                  CASE WHEN t THEN ${contributed} ELSE 0 END AS contributions, ${counts} FROM src`
        : `SELECT ${bucketSql(scope.granularity)} AS bucket, person_id, bool_or(t) AS t${any},
                  count(*) FILTER (WHERE t) AS person_days,
                  coalesce(sum(${contributed}) FILTER (WHERE t), 0) AS contributions${targetSums}
           FROM src GROUP BY 1, 2`;
    const [row]: {
      buckets: Record<string, unknown>[] | null;
      total: Record<string, unknown>;
      kinds: Record<string, unknown>[] | null;
      ranked: number[] | null;
    }[] = await this.db.manager.query(
      `WITH params AS (SELECT $2::uuid, $5::text, $6::uuid, $7::date, $8::int),
       src AS MATERIALIZED (
         SELECT r.*, ${t} AS t${flags} FROM (${source}) r
       ),
       pb AS (${perBucket}),
       pp AS (
         SELECT person_id, bool_or(t) AS t${any}, bool_or(customer) AS customer,
                min(customer_account_id::text) AS account,
                bit_or(1::bigint << ((day - $7::date) / 7)) FILTER (WHERE t) AS weeks,
                bit_or(1::bigint << (extract(year FROM day)::int * 12 + extract(month FROM day)::int - $8::int))
                  FILTER (WHERE t) AS months,
                coalesce(sum(${contributed}) FILTER (WHERE t), 0) AS contributions,
                bool_or(t AND posts + ideas > 0) AS creator${sums}
         FROM src GROUP BY person_id
       )
       SELECT
         (SELECT json_agg(b) FROM (
            SELECT bucket::text, count(*) FILTER (WHERE t) AS people${people},
                   count(*) FILTER (WHERE t AND contributions > 0) AS contributors,
                   sum(person_days) AS person_days${COUNT_KEYS.map((k) => `, coalesce(sum(${k}) FILTER (WHERE t), 0) AS ${k}`).join('')}
            FROM pb GROUP BY bucket) b) AS buckets,
         (SELECT row_to_json(x) FROM (
            SELECT count(*) FILTER (WHERE t) AS people${people},
                   count(*) FILTER (WHERE t AND contributions > 0) AS contributors,
                   count(*) FILTER (WHERE creator) AS creators,
                   coalesce(sum(bit_count(weeks::bit(64))), 0) AS week_people,
                   coalesce(sum(bit_count(months::bit(64))), 0) AS month_people
            FROM pp) x) AS total,
         (SELECT json_agg(k) FROM (
            SELECT customer, account, count(*) AS people${sums} FROM pp GROUP BY customer, account) k) AS kinds,
         (SELECT json_agg(contributions ORDER BY contributions DESC) FROM pp WHERE t AND contributions > 0) AS ranked`,
      params,
    );
    return {
      buckets: new Map((row.buckets ?? []).map((b) => [b.bucket as string, b])),
      total: row.total,
      kinds: row.kinds ?? [],
      ranked: (row.ranked ?? []).map(num),
    };
  }

  /** Series and totals, with DAU/WAU/MAU and the per-person figures 90-9-1 and the top shares need. */
  private async activity(scope: ReportScope, params: unknown[], w: Weights) {
    const wider = widerSets(scope);
    const inSpace = scope.spaceId !== null;
    const near = wider.filter((s) => s.wholeOrg !== inSpace).map((s) => s.segment);
    // The organization's people by kind and company, and all of them, are always needed (the breakdown's
    // complements); in a space report the organization is a wider report only.
    const far: Segment[] = inSpace
      ? [...new Set<Segment>([...wider.filter((s) => s.wholeOrg).map((s) => s.segment), 'ALL'])]
      : [];
    const mine = await this.personDays(scope, params, !inSpace, scope.segment, near);
    const org = inSpace ? await this.personDays(scope, params, true, null, far) : mine;
    // Each wider report's people minus this one's: those a difference of the two would describe.
    const complementsOf = (r: Record<string, unknown> | undefined, o: Record<string, unknown> | undefined) =>
      wider.map((s) => {
        const n =
          s.wholeOrg !== inSpace ? num(r?.[`w${near.indexOf(s.segment)}`]) : num(o?.[`w${far.indexOf(s.segment)}`]);
        return Math.max(n - num(r?.people), 0);
      });
    const suppressionFor = (r: Record<string, unknown> | undefined, o: Record<string, unknown> | undefined) =>
      suppressionOf(num(r?.people), complementsOf(r, o));

    const visits = await this.visitors(scope, params.slice(0, 6));
    const ttfrByBucket = await this.responseTimeSeries(scope);
    const series = bucketsOf(scope.from, scope.to, scope.granularity).map(({ start, days }) => {
      const r = mine.buckets.get(start);
      const suppressed = suppressionFor(r, org.buckets.get(start));
      return {
        start,
        suppressed,
        ...activity(countsOf(r ?? {}), w, suppressed),
        activePeople: suppressed ? null : num(r?.people),
        contributors: suppressed ? null : num(r?.contributors),
        dailyActive: suppressed ? null : round(num(r?.person_days) / days, 2),
        visitors: visits.get(start) ?? null,
        medianFirstResponseHours: ttfrByBucket.get(start) ?? null,
      };
    });

    const t = mine.total;
    const counts = countsOf(
      Object.fromEntries(COUNT_KEYS.map((k) => [k, [...mine.buckets.values()].reduce((s, b) => s + num(b[k]), 0)])),
    );
    const personDays = [...mine.buckets.values()].reduce((s, b) => s + num(b.person_days), 0);
    const suppressed = suppressionFor(t, org.total);
    const days = daysBetween(scope.from, scope.to);
    const weeks = bucketsOf(scope.from, scope.to, 'WEEK').length;
    const months = bucketsOf(scope.from, scope.to, 'MONTH').length;
    const dau = personDays / days;
    const mau = num(t.month_people) / months;
    const block = activity(counts, w, suppressed);
    const people = num(t.people);
    return {
      series,
      kinds: { mine: mine.kinds, org: org.kinds },
      people: suppressed
        ? null
        : {
            members: 0,
            creators: num(t.creators),
            contributors: num(t.contributors) - num(t.creators),
            ranked: mine.ranked,
          },
      totals: {
        suppressed,
        ...block,
        activePeople: suppressed ? null : people,
        visitors: visits.get('total') ?? null,
        dau: suppressed ? null : round(dau, 2),
        wau: suppressed ? null : round(num(t.week_people) / weeks, 2),
        mau: suppressed ? null : round(mau, 2),
        stickiness: suppressed ? null : round(ratio(dau, mau)),
        contributionsPerActive: suppressed ? null : round(ratio(block.contributions ?? 0, people), 2),
      },
    };
  }

  /**
   * Distinct visitors per bucket ('total' for the period), in the segment, suppressed like the rest (with the
   * complement within everyone for a segment). Visits belong to the organization, not a space: none for a space.
   */
  private async visitors(scope: ReportScope, params: unknown[]): Promise<Map<string, number | null>> {
    if (scope.spaceId) return new Map();
    const rows: { bucket: string | null; n: string; others: string }[] = await this.db.manager.query(
      `WITH params AS (SELECT $2::uuid AS space_id, $6::uuid AS customer_account_id)
       SELECT date_trunc($5, day)::date::text AS bucket,
              count(DISTINCT person_id) FILTER (WHERE ${segmentSql(scope.segment, VISITOR_IS_CUSTOMER)}) AS n,
              count(DISTINCT person_id) FILTER (WHERE NOT (${segmentSql(scope.segment, VISITOR_IS_CUSTOMER)})) AS others
       FROM engagement_visits WHERE organization_id = $1::uuid AND day BETWEEN $3::date AND $4::date
       GROUP BY GROUPING SETS ((date_trunc($5, day)), ())`,
      params,
    );
    const complement = (r: { others: string }) => (scope.segment === 'ALL' ? [] : [num(r.others)]);
    return new Map(
      rows.map((r) => [r.bucket ?? 'total', suppressionOf(num(r.n), complement(r)) ? null : num(r.n)] as const),
    );
  }

  private async participation(scope: ReportScope, params: unknown[]) {
    const rows: { actor_kind: string; customer_account_id: string | null; people: string }[] =
      await this.db.manager.query(`SELECT * FROM ruche_analytics_members($1::uuid, $2::uuid)`, params.slice(0, 2));
    const members = rows
      .filter((r) =>
        scope.segment === 'ALL'
          ? true
          : scope.segment === 'EMPLOYEES'
            ? r.actor_kind !== 'CUSTOMER'
            : scope.segment === 'CUSTOMERS'
              ? r.actor_kind === 'CUSTOMER'
              : r.actor_kind === 'CUSTOMER' && r.customer_account_id === scope.customerAccountId,
      )
      .reduce((s, r) => s + num(r.people), 0);
    return { members };
  }

  /** 90-9-1 and the top contributors' share, from the activity block's per-person figures. */
  private participationShares(
    people: { creators: number; contributors: number; ranked: number[] } | null,
    { members }: { members: number },
  ) {
    if (!people) {
      return {
        suppressed: 'FEWER_THAN_FIVE_PEOPLE' as const,
        members,
        creators: null,
        contributors: null,
        lurkers: null,
        engagementRate: null,
        top1PercentShare: null,
        top10PercentShare: null,
      };
    }
    const total = people.ranked.reduce((s, c) => s + c, 0);
    const topShare = (fraction: number) => {
      const k = Math.ceil(people.ranked.length * fraction);
      if (k < MIN_GROUP_SIZE) return null;
      return round(
        ratio(
          people.ranked.slice(0, k).reduce((s, c) => s + c, 0),
          total,
        ),
      );
    };
    const engaged = people.creators + people.contributors;
    return {
      suppressed: null,
      members,
      creators: people.creators,
      contributors: people.contributors,
      lurkers: Math.max(members - engaged, 0),
      engagementRate: round(ratio(engaged, members)),
      top1PercentShare: topShare(0.01),
      top10PercentShare: topShare(0.1),
    };
  }

  /** One read per report of the posts it analyses (customers' posts, questions, ideas) in the segment. */
  private readonly analysed = new WeakMap<ReportScope, Promise<AnalysedPost[]>>();

  private analysedPosts(scope: ReportScope): Promise<AnalysedPost[]> {
    let rows = this.analysed.get(scope);
    if (!rows) {
      rows = this.db.manager
        .query(`SELECT * FROM ruche_analytics_posts($1::uuid, $2::uuid, $3::date, $4::date + 1)`, [
          scope.organizationId,
          scope.spaceId,
          scope.from,
          scope.to,
        ])
        .then((all: AnalysedPost[]) => all.filter((r) => this.inSegment(scope, r.author_kind, r.customer_account_id)));
      this.analysed.set(scope, rows);
    }
    return rows;
  }

  /** Posts the response time measures: customers' posts and questions of the segment, created in the period. */
  private async measuredPosts(scope: ReportScope) {
    return (await this.analysedPosts(scope)).filter((r) => r.author_kind === 'CUSTOMER' || r.kind === 'QUESTION');
  }

  private inSegment(scope: ReportScope, kind: string, account: string | null): boolean {
    switch (scope.segment) {
      case 'ALL':
        return true;
      case 'EMPLOYEES':
        return kind !== 'CUSTOMER';
      case 'CUSTOMERS':
        return kind === 'CUSTOMER';
      case 'CUSTOMER_ACCOUNT':
        return kind === 'CUSTOMER' && account === scope.customerAccountId;
    }
  }

  private hoursToResponse(r: { created_at: Date; first_response_at: Date | null }): number | null {
    return r.first_response_at ? (r.first_response_at.getTime() - r.created_at.getTime()) / 3_600_000 : null;
  }

  private async responseTime(scope: ReportScope) {
    const posts = await this.measuredPosts(scope);
    const suppressed = suppressionOf(new Set(posts.map((p) => p.author_id)).size);
    if (suppressed) {
      return {
        suppressed,
        posts: null,
        medianHours: null,
        p90Hours: null,
        unansweredAfter24h: null,
        byResponder: null,
      };
    }
    const hours = posts.map((p) => this.hoursToResponse(p)).filter((h): h is number => h !== null);
    const now = Date.now();
    const old = posts.filter((p) => now - p.created_at.getTime() >= DAY_MS);
    const late = old.filter((p) => {
      const h = this.hoursToResponse(p);
      return h === null || h > 24;
    });
    const byKind = new Map<string, number>();
    for (const p of posts) if (p.responder_kind) byKind.set(p.responder_kind, (byKind.get(p.responder_kind) ?? 0) + 1);
    return {
      suppressed: null,
      posts: posts.length,
      medianHours: round(median(hours), 2),
      p90Hours: round(median(hours, 0.9), 2),
      unansweredAfter24h: round(ratio(late.length, old.length)),
      byResponder: [...byKind].sort().map(([kind, responses]) => ({ kind, responses })),
    };
  }

  private async responseTimeSeries(scope: ReportScope): Promise<Map<string, number | null>> {
    const posts = await this.measuredPosts(scope);
    const groups = new Map<string, typeof posts>();
    for (const p of posts) {
      const key = bucketStart(isoDay(p.created_at), scope.granularity);
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    return new Map(
      [...groups].map(([key, group]) => [
        key,
        suppressionOf(new Set(group.map((p) => p.author_id)).size)
          ? null
          : round(median(group.map((p) => this.hoursToResponse(p)).filter((h): h is number => h !== null)), 2),
      ]),
    );
  }

  private async ideaFunnel(scope: ReportScope) {
    const ideas = (await this.analysedPosts(scope)).filter((p) => p.kind === 'IDEA');
    const suppressed = suppressionOf(new Set(ideas.map((i) => i.author_id)).size);
    const statuses = [...STAGES, ...FINAL];
    if (suppressed) {
      return {
        suppressed,
        ideas: null,
        stages: statuses.map((status) => ({
          status,
          current: null,
          reached: null,
          conversion: null,
          medianDays: null,
        })),
        medianDaysToFirstStatusUpdate: null,
        customerShareOfIdeas: null,
      };
    }
    const changes: { post_id: string; to_status: string; created_at: Date }[] = await this.db.manager.query(
      `SELECT * FROM ruche_analytics_idea_changes($1::uuid, $2::uuid, $3::date, $4::date + 1) ORDER BY created_at`,
      [scope.organizationId, scope.spaceId, scope.from, scope.to],
    );
    const history = new Map<string, { to_status: string; created_at: Date }[]>();
    for (const c of changes) history.set(c.post_id, [...(history.get(c.post_id) ?? []), c]);
    const reached = new Map<string, number>(STAGES.map((s) => [s, 0]));
    const inStage = new Map<string, number[]>(statuses.map((s) => [s, []]));
    const firstUpdate: number[] = [];
    for (const idea of ideas) {
      const steps = history.get(idea.id) ?? [];
      const visited = ['NEW', ...steps.map((s) => s.to_status)];
      const furthest = Math.max(...visited.map((s) => STAGES.indexOf(s as (typeof STAGES)[number])));
      for (let i = 0; i <= furthest; i++) reached.set(STAGES[i], reached.get(STAGES[i])! + 1);
      let enteredAt = idea.created_at;
      let status = 'NEW';
      for (const step of steps) {
        inStage.get(status)?.push((step.created_at.getTime() - enteredAt.getTime()) / DAY_MS);
        status = step.to_status;
        enteredAt = step.created_at;
      }
      if (steps[0]) firstUpdate.push((steps[0].created_at.getTime() - idea.created_at.getTime()) / DAY_MS);
    }
    const current = (s: string) => ideas.filter((i) => i.idea_status === s).length;
    return {
      suppressed: null,
      ideas: ideas.length,
      stages: statuses.map((status, i) => {
        const r = reached.get(status);
        const previous = i > 0 && i < STAGES.length ? reached.get(STAGES[i - 1]) : undefined;
        return {
          status,
          current: current(status),
          reached: r ?? null,
          conversion: r !== undefined && previous !== undefined ? round(ratio(r, previous)) : null,
          medianDays: round(median(inStage.get(status) ?? []), 2),
        };
      }),
      medianDaysToFirstStatusUpdate: round(median(firstUpdate), 2),
      customerShareOfIdeas: round(ratio(ideas.filter((i) => i.author_kind === 'CUSTOMER').length, ideas.length)),
    };
  }

  /**
   * Employees vs customers, per customer company, per space: each row suppressed on its own people and on
   * the people a neighbouring report would add (the other kind, the other companies, the organization beside
   * the space).
   */
  private async breakdown(
    scope: ReportScope,
    kinds: { mine: Record<string, unknown>[]; org: Record<string, unknown>[] },
    w: Weights,
  ) {
    const inSpace = scope.spaceId !== null;
    const peopleWhere = (rows: Record<string, unknown>[], keep: (r: Record<string, unknown>) => boolean) =>
      rows.filter(keep).reduce((s, r) => s + num(r.people), 0);
    const sumsWhere = (rows: Record<string, unknown>[], keep: (r: Record<string, unknown>) => boolean) =>
      countsOf(Object.fromEntries(COUNT_KEYS.map((k) => [k, rows.filter(keep).reduce((s, r) => s + num(r[k]), 0)])));
    const ofKind = (customer: boolean) => (r: Record<string, unknown>) => r.customer === customer;
    const ofAccount = (id: string) => (r: Record<string, unknown>) => r.customer === true && r.account === id;
    // In a space, the organization's people of the same group minus the space's.
    const beside = (keep: (r: Record<string, unknown>) => boolean, people: number) =>
      inSpace ? [Math.max(peopleWhere(kinds.org, keep) - people, 0)] : [];

    const split = (['EMPLOYEES', 'CUSTOMERS'] as const).map((segment) => {
      const customer = segment === 'CUSTOMERS';
      const people = peopleWhere(kinds.mine, ofKind(customer));
      const suppressed = suppressionOf(people, [
        peopleWhere(kinds.mine, ofKind(!customer)),
        ...beside(ofKind(customer), people),
      ]);
      return {
        segment,
        suppressed,
        activePeople: suppressed ? null : people,
        ...activity(sumsWhere(kinds.mine, ofKind(customer)), w, suppressed),
      };
    });
    const customers = peopleWhere(kinds.mine, ofKind(true));
    const names: { id: string; name: string }[] = await this.db.manager.query(
      'SELECT id, name FROM customer_accounts WHERE organization_id = $1 ORDER BY name',
      [scope.organizationId],
    );
    const accounts = names.map((a) => {
      const people = peopleWhere(kinds.mine, ofAccount(a.id));
      const suppressed = suppressionOf(people, [customers - people, ...beside(ofAccount(a.id), people)]);
      return {
        customerAccountId: a.id,
        name: a.name,
        suppressed,
        activePeople: suppressed ? null : people,
        ...activity(sumsWhere(kinds.mine, ofAccount(a.id)), w, suppressed),
      };
    });

    // Per space: its people over the period from a bit per day (one row per person, space and year), its
    // counts from the daily rollup.
    const years = yearsOf(scope.from, scope.to);
    const active = `bit_count(substring(active FROM $5::int FOR $6::int)) > 0`;
    const people =
      years.length === 1
        ? `SELECT space_id, count(*) AS people FROM engagement_space_people
           WHERE organization_id = $1::uuid AND ($2::uuid IS NULL OR space_id = $2::uuid) AND year = $7::int AND ${active}
           GROUP BY space_id`
        : `SELECT space_id, count(*) AS people FROM (
             SELECT DISTINCT space_id, person_id FROM engagement_space_people
             JOIN unnest($8::int[], $9::int[], $10::int[]) AS y(year, first, days) USING (year)
             WHERE organization_id = $1::uuid AND ($2::uuid IS NULL OR space_id = $2::uuid)
               AND bit_count(substring(active FROM y.first FOR y.days)) > 0) sp
           GROUP BY space_id`;
    const rows: Record<string, unknown>[] = await this.db.manager.query(
      `WITH params AS (SELECT $5::int, $6::int, $7::int, $8::int[], $9::int[], $10::int[]),
       people AS (${people}),
       counts AS (
         SELECT space_id, ${COUNT_KEYS.map((k) => `sum(${k}) AS ${k}`).join(', ')} FROM engagement_daily
         WHERE organization_id = $1::uuid AND ($2::uuid IS NULL OR space_id = $2::uuid)
           AND day BETWEEN $3::date AND $4::date
         GROUP BY space_id
       )
       SELECT s.id::text AS space_id, s.name, coalesce(p.people, 0) AS people,
              ${COUNT_KEYS.map((k) => `coalesce(c.${k}, 0) AS ${k}`).join(', ')}
       FROM spaces s LEFT JOIN people p ON p.space_id = s.id LEFT JOIN counts c ON c.space_id = s.id
       WHERE s.organization_id = $1::uuid AND ($2::uuid IS NULL OR s.id = $2::uuid)
       ORDER BY s.name`,
      [
        scope.organizationId,
        scope.spaceId,
        scope.from,
        scope.to,
        years[0].first,
        years[0].days,
        years[0].year,
        years.map((y) => y.year),
        years.map((y) => y.first),
        years.map((y) => y.days),
      ],
    );
    const everyone = peopleWhere(kinds.org, () => true);
    const spaces = rows.map((r) => {
      const people = num(r.people);
      const suppressed = suppressionOf(people, [Math.max(everyone - people, 0)]);
      return {
        spaceId: r.space_id as string,
        name: r.name as string,
        suppressed,
        activePeople: suppressed ? null : people,
        score: suppressed ? null : round(scoreOf(countsOf(r), w), 2),
      };
    });
    const votes = (customer: boolean) => sumsWhere(kinds.mine, ofKind(customer)).votes;
    const allVotes = votes(true) + votes(false);
    const votesSuppressed = split.some((s) => s.suppressed);
    return {
      split,
      accounts,
      spaces,
      customerShareOfVotes: votesSuppressed ? null : round(ratio(votes(true), allVotes)),
    };
  }

  /** Effort logged over the period, prorated by the days each log shares with it. */
  private async effort(scope: ReportScope) {
    const rows: { space_id: string; hours: string; cost: string }[] = await this.db.manager.query(
      `SELECT space_id, sum(hours * share) AS hours, sum(cost * share) AS cost
       FROM (
         SELECT space_id, hours, cost,
                (least(period_end, $4::date) - greatest(period_start, $3::date) + 1)::numeric
                  / (period_end - period_start + 1) AS share
         FROM effort_logs
         WHERE organization_id = $1 AND ($2::uuid IS NULL OR space_id = $2)
           AND period_start <= $4::date AND period_end >= $3::date
       ) e GROUP BY space_id`,
      [scope.organizationId, scope.spaceId, scope.from, scope.to],
    );
    const bySpace = rows.map((r) => ({ spaceId: r.space_id, hours: num(r.hours), cost: num(r.cost) }));
    return {
      bySpace,
      hours: bySpace.reduce((s, r) => s + r.hours, 0),
      cost: bySpace.reduce((s, r) => s + r.cost, 0),
    };
  }

  private async roi(scope: ReportScope, effort: { cost: number }, currency: string) {
    const [{ value }] = await this.db.manager.query(
      `SELECT ruche_analytics_implemented_value($1::uuid, $2::uuid, $3::date, $4::date + 1) AS value`,
      [scope.organizationId, scope.spaceId, scope.from, scope.to],
    );
    const [{ gains }] = await this.db.manager.query(
      `SELECT coalesce(sum((v.value - coalesce(k.baseline, 0)) * k.unit_value
                           * CASE WHEN k.direction = 'INCREASE' THEN 1 ELSE -1 END), 0) AS gains
       FROM kpis k
       JOIN objectives o ON o.id = k.objective_id AND o.archived_at IS NULL
       JOIN LATERAL (
         SELECT value FROM kpi_values v WHERE v.kpi_id = k.id AND v.period_start BETWEEN $3::date AND $4::date
         ORDER BY v.period_start DESC LIMIT 1) v ON true
       WHERE k.organization_id = $1 AND k.source = 'BUSINESS' AND k.unit_value IS NOT NULL
         AND ($2::uuid IS NULL OR k.space_id = $2)`,
      [scope.organizationId, scope.spaceId, scope.from, scope.to],
    );
    const implementedIdeasValue = num(value);
    const kpiGains = num(gains);
    return {
      implementedIdeasValue: round(implementedIdeasValue, 2)!,
      kpiGains: round(kpiGains, 2)!,
      cost: round(effort.cost, 2)!,
      roi: round(ratio(implementedIdeasValue + kpiGains - effort.cost, effort.cost)),
      currency,
    };
  }
}
