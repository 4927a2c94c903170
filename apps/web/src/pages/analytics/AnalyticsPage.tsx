import { useEffect, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { useSession } from '../../app/SessionProvider';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type {
  AnalyticsGranularity,
  AnalyticsReportQuery,
  EngagementSegment,
  SuppressionReason,
} from '../../gql/graphql';
import { toUiError } from '../../lib/errors';
import { ChartBlock, Field, fmt, HiddenNote, pct, useHiddenText, type Row, type Shown } from './ChartBlock';
import { BarsChart, TimeChart } from './charts';
import { downloadServerCsv, type Cell } from './csv';
import { EffortForm, EffortLogs } from './EffortForms';
import { Objectives } from './Objectives';
import './analytics.css';

const REPORT = graphql(`
  query AnalyticsReport($input: EngagementReportInput!) {
    engagementReport(input: $input) {
      from
      to
      granularity
      segment
      spaceId
      series {
        start
        suppressed
        activePeople
        contributors
        contributions
        score
        views
        medianFirstResponseHours
      }
      totals {
        suppressed
        activePeople
        visitors
        contributions
        contributionsPerActive
        dau
        wau
        mau
        stickiness
        score
      }
      participation {
        suppressed
        members
        creators
        contributors
        lurkers
        engagementRate
        top1PercentShare
        top10PercentShare
      }
      responseTime {
        suppressed
        medianHours
        p90Hours
        posts
        unansweredAfter24h
        byResponder {
          kind
          responses
        }
      }
      ideaFunnel {
        suppressed
        ideas
        customerShareOfIdeas
        customerShareOfVotes
        medianDaysToFirstStatusUpdate
        stages {
          status
          reached
          current
          conversion
          medianDays
        }
      }
      split {
        segment
        suppressed
        activePeople
        contributions
        score
      }
      customerAccounts {
        customerAccountId
        name
        suppressed
        activePeople
        contributions
        posts
        ideas
        comments
        votes
        score
      }
      spaces {
        spaceId
        name
        suppressed
        activePeople
        roe {
          score
          effortHours
          effortCost
          perHour
          perCost
        }
      }
      roe {
        score
        effortHours
        effortCost
        perHour
        perCost
      }
      roi {
        cost
        currency
        implementedIdeasValue
        kpiGains
        roi
      }
    }
  }
`);

const SPACES = graphql(`
  query AnalyticsSpaces($organizationId: ID!) {
    spaces(organizationId: $organizationId, first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

type Report = AnalyticsReportQuery['engagementReport'];

const GRANULARITIES: AnalyticsGranularity[] = ['DAY', 'WEEK', 'MONTH'];
const RANGES = ['30', '90', 'custom'] as const;
type Range = (typeof RANGES)[number];
const DAY_MS = 86_400_000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const validDay = (s: string | null): s is string =>
  Boolean(s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)));

/** The filters live in the URL (`?space=…&range=90&g=WEEK&seg=CUSTOMERS`): shareable, and back works. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const range = (RANGES as readonly string[]).includes(params.get('range') ?? '')
    ? (params.get('range') as Range)
    : '30';
  const today = isoDay(Date.now());
  const from =
    range === 'custom' && validDay(params.get('from'))
      ? params.get('from')!
      : isoDay(Date.parse(today) - (Number(range === 'custom' ? 30 : range) - 1) * DAY_MS);
  const to = range === 'custom' && validDay(params.get('to')) ? params.get('to')! : today;
  const g = params.get('g') as AnalyticsGranularity | null;
  const granularity = g && GRANULARITIES.includes(g) ? g : 'DAY';
  const seg = params.get('seg') ?? 'ALL';
  const segment: EngagementSegment = seg.startsWith('acct:')
    ? 'CUSTOMER_ACCOUNT'
    : seg === 'EMPLOYEES' || seg === 'CUSTOMERS'
      ? seg
      : 'ALL';
  const customerAccountId = segment === 'CUSTOMER_ACCOUNT' ? seg.slice(5) : undefined;
  const spaceId = params.get('space') || undefined;
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  return { range, from, to, granularity, seg, segment, customerAccountId, spaceId, set };
}

/** The managers' dashboard: objectives and KPIs, engagement, participation, response time, ideas, ROE and ROI. */
export default function AnalyticsPage() {
  const { t } = useTranslation('analytics');
  const { orgId = '' } = useParams();
  const { viewer } = useSession();
  const f = useFilters();
  const org = viewer?.organizations.find((o) => o.id === orgId);
  const input = {
    organizationId: orgId,
    from: f.from,
    to: f.to,
    granularity: f.granularity,
    segment: f.segment,
    customerAccountId: f.customerAccountId,
    spaceId: f.spaceId,
  };
  const { data, previousData, loading, error, refetch } = useQuery(REPORT, { variables: { input } });
  const spaces = useQuery(SPACES, { variables: { organizationId: orgId } });
  const report = (data ?? previousData)?.engagementReport;

  // Customer companies come from the report itself (no extra permission needed); kept while one is picked.
  const [companies, setCompanies] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    if (report?.customerAccounts.length)
      setCompanies((prev) => {
        const byId = new Map(prev.map((c) => [c.id, c]));
        for (const c of report.customerAccounts)
          byId.set(c.customerAccountId, { id: c.customerAccountId, name: c.name });
        return [...byId.values()];
      });
  }, [report]);

  const spaceList = spaces.data?.spaces.edges.map((e) => e.node) ?? [];
  const spaceName = f.spaceId
    ? (spaceList.find((s) => s.id === f.spaceId)?.name ?? report?.spaces[0]?.name)
    : undefined;
  useEffect(() => {
    document.title = `${t('title')} · ${spaceName ?? org?.name ?? 'Ruche'}`;
  }, [t, spaceName, org]);

  const ui = toUiError(error);
  if (ui?.code === 'FORBIDDEN' || (ui?.code === 'NOT_FOUND' && !report)) return <NotAllowed />;

  const refresh = () => void refetch();
  const csv = () =>
    downloadServerCsv({
      organizationId: orgId,
      from: f.from,
      to: f.to,
      granularity: f.granularity,
      segment: f.segment,
      spaceId: f.spaceId,
      customerAccountId: f.customerAccountId,
    });

  return (
    <section className="page analytics-page" aria-labelledby="analytics-title">
      <h1 id="analytics-title">{t('title')}</h1>
      <p className="muted analytics-scope">
        {spaceName ? t('scope.space', { space: spaceName }) : t('scope.organization', { org: org?.name ?? '' })}
        {f.spaceId && (
          <>
            {' · '}
            <Link to={`/s/${f.spaceId}`}>{t('scope.backToSpace')}</Link>
          </>
        )}
      </p>
      <Filters f={f} spaces={spaceList} companies={companies} />
      {ui && ui.code === 'BAD_USER_INPUT' && (
        <p className="form-error" role="alert">
          {Object.values(ui.fieldErrors)[0]?.[0] ?? ui.message}
        </p>
      )}
      <div aria-live="polite" className="visually-hidden">
        {loading ? t('common:loading') : ''}
      </div>
      {!f.spaceId && <Objectives organizationId={orgId} spaces={spaceList} />}
      {!report ? (
        loading ? (
          <Loading />
        ) : (
          <ErrorState error={error} onRetry={refresh} />
        )
      ) : (
        <div className={`analytics-grid${loading ? ' is-refreshing' : ''}`}>
          <Totals report={report} />
          <Activity report={report} onCsv={csv} />
          <ParticipationBlock report={report} />
          <ResponseBlock report={report} />
          <FunnelBlock report={report} />
          <RoeBlock report={report} organizationId={orgId} spaces={spaceList} spaceId={f.spaceId} onLogged={refresh} />
          <RoiBlock report={report} />
          <SplitBlock report={report} />
          <CompaniesBlock report={report} />
        </div>
      )}
    </section>
  );
}

function NotAllowed() {
  const { t } = useTranslation('analytics');
  return (
    <section className="page narrow" aria-labelledby="not-allowed-title">
      <h1 id="not-allowed-title">{t('notAllowed.title')}</h1>
      <p>{t('notAllowed.text')}</p>
      <Link to="/" className="btn">
        {t('notAllowed.home')}
      </Link>
    </section>
  );
}

function Filters({
  f,
  spaces,
  companies,
}: {
  f: ReturnType<typeof useFilters>;
  spaces: { id: string; name: string }[];
  companies: { id: string; name: string }[];
}) {
  const { t } = useTranslation('analytics');
  return (
    <form className="card analytics-filters" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
      <ChoiceGroup
        label={t('filters.period')}
        layout="chips"
        value={f.range}
        onChange={(v) =>
          f.set({
            range: v === '30' ? null : v,
            from: v === 'custom' ? f.from : null,
            to: v === 'custom' ? f.to : null,
          })
        }
        options={RANGES.map((r) => ({ value: r, label: t(`filters.range.${r}`) }))}
      />
      {f.range === 'custom' && (
        <div className="filter-dates">
          <Field label={t('filters.from')}>
            <input
              type="date"
              value={f.from}
              max={f.to}
              onChange={(e) => validDay(e.target.value) && f.set({ from: e.target.value })}
            />
          </Field>
          <Field label={t('filters.to')}>
            <input
              type="date"
              value={f.to}
              min={f.from}
              onChange={(e) => validDay(e.target.value) && f.set({ to: e.target.value })}
            />
          </Field>
        </div>
      )}
      <ChoiceGroup
        label={t('filters.granularity')}
        layout="chips"
        value={f.granularity}
        onChange={(v) => f.set({ g: v === 'DAY' ? null : v })}
        options={GRANULARITIES.map((g) => ({ value: g, label: t(`granularity.${g}`) }))}
      />
      <div className="filter-selects">
        <Field label={t('filters.segment')}>
          <select value={f.seg} onChange={(e) => f.set({ seg: e.target.value === 'ALL' ? null : e.target.value })}>
            <option value="ALL">{t('segment.ALL')}</option>
            <option value="EMPLOYEES">{t('segment.EMPLOYEES')}</option>
            <option value="CUSTOMERS">{t('segment.CUSTOMERS')}</option>
            {companies.map((c) => (
              <option key={c.id} value={`acct:${c.id}`}>
                {t('segment.company', { name: c.name })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('filters.space')}>
          <select value={f.spaceId ?? ''} onChange={(e) => f.set({ space: e.target.value || null })}>
            <option value="">{t('filters.allSpaces')}</option>
            {f.spaceId && !spaces.some((s) => s.id === f.spaceId) && (
              <option value={f.spaceId}>{t('filters.thisSpace')}</option>
            )}
            {spaces.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </form>
  );
}

function Totals({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const tot = report.totals;
  return (
    <section className="card analytics-totals" aria-labelledby="totals-title">
      <h2 id="totals-title">{t('totals.title')}</h2>
      {tot.suppressed ? (
        <HiddenNote reason={tot.suppressed} />
      ) : (
        <dl className="kpi-tiles">
          {(
            [
              ...(tot.visitors === null || tot.visitors === undefined ? [] : [['visitors', fmt(tot.visitors)] as const]),
              ['dau', fmt(tot.dau, 1)],
              ['wau', fmt(tot.wau, 1)],
              ['mau', fmt(tot.mau, 1)],
              ['stickiness', pct(tot.stickiness)],
              ['contributions', fmt(tot.contributions)],
              ['score', fmt(tot.score)],
            ] as const
          ).map(([k, v]) => (
            <div key={k}>
              <dt>{t(`totals.${k}`)}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function Activity({ report, onCsv }: { report: Report; onCsv(): Promise<void> }) {
  const { t } = useTranslation('analytics');
  const hiddenCount = report.series.filter((p) => p.suppressed).length;
  const shown = report.series.filter((p) => !p.suppressed);
  const total = (k: 'contributions') => shown.reduce((s, p) => s + (p[k] ?? 0), 0);
  const peak = shown.reduce<{ start: string; n: number } | null>(
    (best, p) => ((p.activePeople ?? 0) > (best?.n ?? -1) ? { start: p.start, n: p.activePeople ?? 0 } : best),
    null,
  );
  const summary =
    shown.length === 0
      ? t('activity.summaryHidden', { count: report.series.length })
      : t('activity.summary', {
          periods: report.series.length,
          contributions: fmt(total('contributions')),
          peak: fmt(peak?.n),
          peakStart: peak?.start,
        }) + (hiddenCount ? ` ${t('activity.hiddenPeriods', { count: hiddenCount })}` : '');
  const data = report.series.map((p) => ({
    start: p.start,
    activePeople: p.suppressed ? null : (p.activePeople ?? null),
    contributions: p.suppressed ? null : (p.contributions ?? null),
    score: p.suppressed ? null : (p.score ?? null),
  }));
  return (
    <ChartBlock
      id="activity"
      title={t('activity.title')}
      summary={summary}
      csvName="engagement"
      onServerCsv={onCsv}
      columns={[
        { label: t('activity.period') },
        { label: t('activity.activePeople') },
        { label: t('activity.contributors') },
        { label: t('activity.contributions') },
        { label: t('activity.views') },
        { label: t('activity.score') },
      ]}
      rows={report.series.map((p) => ({
        key: p.start,
        suppressed: p.suppressed,
        cells: [p.start, p.activePeople, p.contributors, p.contributions, p.views, p.score],
      }))}
      chart={
        // A chart of nothing but gaps says less than the table, which says why.
        shown.length === 0 ? undefined : (
          <TimeChart
            data={data}
            xKey="start"
            series={[
              { key: 'activePeople', label: t('activity.activePeople') },
              { key: 'contributions', label: t('activity.contributions') },
              { key: 'score', label: t('activity.score'), right: true },
            ]}
          />
        )
      }
    />
  );
}

function ParticipationBlock({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const p = report.participation;
  const rows: Row[] = p.suppressed
    ? [{ key: 'all', cells: [t('participation.members'), p.members], suppressed: p.suppressed }]
    : (['creators', 'contributors', 'lurkers'] as const).map((k) => ({
        key: k,
        cells: [t(`participation.${k}`), p[k], p.members ? (p[k] ?? 0) / p.members : null],
      }));
  const summary = p.suppressed
    ? t('participation.summaryHidden', { members: fmt(p.members) })
    : t('participation.summary', {
        members: fmt(p.members),
        creators: pct(p.members ? (p.creators ?? 0) / p.members : null),
        contributors: pct(p.members ? (p.contributors ?? 0) / p.members : null),
        lurkers: pct(p.members ? (p.lurkers ?? 0) / p.members : null),
        rate: pct(p.engagementRate),
      });
  return (
    <ChartBlock
      id="participation"
      title={t('participation.title')}
      summary={summary}
      csvName="participation"
      columns={[
        { label: t('participation.group') },
        { label: t('participation.people') },
        { label: t('participation.share') },
      ]}
      rows={rows}
      chart={
        p.suppressed ? undefined : (
          <BarsChart
            layout="vertical"
            xKey="group"
            data={rows.map((r) => ({ group: String(r.cells[0]), people: r.cells[1] as number }))}
            series={[{ key: 'people', label: t('participation.people') }]}
          />
        )
      }
    >
      {!p.suppressed && (
        <p className="muted small">
          {t('participation.top', { top1: pct(p.top1PercentShare), top10: pct(p.top10PercentShare) })}
        </p>
      )}
    </ChartBlock>
  );
}

function ResponseBlock({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const r = report.responseTime;
  const hidden = useHiddenText();
  const rows: Row[] = r.suppressed
    ? [{ key: 'all', cells: [t('response.posts')], suppressed: r.suppressed }]
    : [
        { key: 'median', cells: [t('response.median'), r.medianHours] },
        { key: 'p90', cells: [t('response.p90'), r.p90Hours] },
        { key: 'posts', cells: [t('response.posts'), r.posts] },
        { key: 'unanswered', cells: [t('response.unanswered'), pct(r.unansweredAfter24h)] },
        ...(r.byResponder ?? []).map((b) => ({
          key: b.kind,
          cells: [t(`response.by.${b.kind}`, { defaultValue: b.kind }), b.responses],
        })),
      ];
  const summary = r.suppressed
    ? hidden(r.suppressed)
    : t('response.summary', {
        median: fmt(r.medianHours, 1),
        p90: fmt(r.p90Hours, 1),
        posts: fmt(r.posts),
        unanswered: pct(r.unansweredAfter24h),
      });
  return (
    <ChartBlock
      id="response"
      title={t('response.title')}
      summary={summary}
      csvName="response-time"
      columns={[{ label: t('response.measure') }, { label: t('response.value') }]}
      rows={rows}
      chart={
        r.suppressed || r.medianHours === null || r.medianHours === undefined ? undefined : (
          <BarsChart
            layout="vertical"
            xKey="label"
            data={[
              { label: t('response.median'), hours: r.medianHours },
              { label: t('response.p90'), hours: r.p90Hours ?? null },
            ]}
            series={[{ key: 'hours', label: t('response.hours') }]}
          />
        )
      }
    />
  );
}

function FunnelBlock({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const fn = report.ideaFunnel;
  const stage = (s: string) => t(`funnel.stage.${s}`, { defaultValue: s });
  const rows: Row[] = fn.suppressed
    ? [{ key: 'all', cells: [t('funnel.ideas')], suppressed: fn.suppressed }]
    : fn.stages.map((s) => ({
        key: s.status,
        cells: [
          stage(s.status),
          s.reached,
          s.current,
          s.conversion === null || s.conversion === undefined ? null : pct(s.conversion),
          s.medianDays,
        ],
      }));
  const summary = fn.suppressed
    ? t('funnel.summaryHidden')
    : t('funnel.summary', {
        ideas: fmt(fn.ideas),
        customers: pct(fn.customerShareOfIdeas),
        days: fmt(fn.medianDaysToFirstStatusUpdate, 1),
      });
  return (
    <ChartBlock
      id="funnel"
      title={t('funnel.title')}
      summary={summary}
      csvName="idea-funnel"
      columns={[
        { label: t('funnel.status') },
        { label: t('funnel.reached') },
        { label: t('funnel.current') },
        { label: t('funnel.conversion') },
        { label: t('funnel.medianDays') },
      ]}
      rows={rows}
      chart={
        fn.suppressed || fn.stages.length === 0 ? undefined : (
          <BarsChart
            layout="vertical"
            xKey="stage"
            data={fn.stages.map((s) => ({ stage: stage(s.status), reached: s.reached ?? null }))}
            series={[{ key: 'reached', label: t('funnel.reached') }]}
          />
        )
      }
    />
  );
}

function RoeBlock({
  report,
  organizationId,
  spaces,
  spaceId,
  onLogged,
}: {
  report: Report;
  organizationId: string;
  spaces: { id: string; name: string }[];
  spaceId?: string;
  onLogged(): void;
}) {
  const { t } = useTranslation('analytics');
  const [logging, setLogging] = useState(false);
  const hidden = useHiddenText();
  const roe = report.roe;
  // Effort is not about people and is always shown; the score and what is divided by it may be hidden.
  const scoreCell = (n: Shown, reason: SuppressionReason | null | undefined): Cell =>
    n === null || n === undefined ? (reason ? hidden(reason) : null) : n;
  const roeCells = (name: string, r: Report['roe'], reason: SuppressionReason | null | undefined): Cell[] => [
    name,
    scoreCell(r.score, reason),
    r.effortHours,
    r.effortCost,
    r.effortHours > 0 ? scoreCell(r.perHour, reason) : null,
    r.effortCost > 0 ? scoreCell(r.perCost, reason) : null,
  ];
  const overallReason =
    roe.score === null || roe.score === undefined ? (report.totals.suppressed ?? 'FEWER_THAN_FIVE_PEOPLE') : null;
  const rows: Row[] = [
    { key: 'overall', cells: roeCells(t('roe.overall'), roe, overallReason) },
    ...report.spaces.map((s) => ({
      key: s.spaceId,
      cells: roeCells(s.name, s.roe, s.suppressed ?? (s.roe.score === null ? 'FEWER_THAN_FIVE_PEOPLE' : null)),
    })),
  ];
  const tile = (n: Shown, digits = 2) =>
    overallReason && (n === null || n === undefined) ? hidden(overallReason) : fmt(n, digits);
  const summary =
    roe.effortHours === 0
      ? t('roe.summaryNoEffort')
      : roe.perHour === null || roe.perHour === undefined
        ? t('roe.summaryHidden', { hours: fmt(roe.effortHours) })
        : t('roe.summary', {
            perHour: fmt(roe.perHour),
            score: fmt(roe.score),
            hours: fmt(roe.effortHours),
            perCost: fmt(roe.perCost, 3),
          });
  const chartData = report.spaces.filter((s) => !s.suppressed && s.roe.perHour !== null && s.roe.perHour !== undefined);
  return (
    <ChartBlock
      id="roe"
      title={t('roe.title')}
      summary={summary}
      csvName="roe"
      columns={[
        { label: t('roe.scope') },
        { label: t('roe.score') },
        { label: t('roe.hours') },
        { label: t('roe.cost') },
        { label: t('roe.perHour') },
        { label: t('roe.perCost') },
      ]}
      rows={rows}
      chart={
        chartData.length === 0 ? undefined : (
          <BarsChart
            layout="vertical"
            xKey="name"
            data={chartData.map((s) => ({ name: s.name, perHour: s.roe.perHour ?? null }))}
            series={[{ key: 'perHour', label: t('roe.perHour') }]}
          />
        )
      }
      actions={
        <button type="button" className="btn btn-small" aria-expanded={logging} onClick={() => setLogging((v) => !v)}>
          {t('effort.log')}
        </button>
      }
    >
      <dl className="kpi-tiles roe-tiles">
        <div>
          <dt>{t('roe.perHour')}</dt>
          <dd data-testid="roe-per-hour">{roe.effortHours > 0 ? tile(roe.perHour) : '–'}</dd>
        </div>
        <div>
          <dt>{t('roe.perCost')}</dt>
          <dd>{roe.effortCost > 0 ? tile(roe.perCost, 3) : '–'}</dd>
        </div>
        <div>
          <dt>{t('roe.score')}</dt>
          <dd>{tile(roe.score)}</dd>
        </div>
        <div>
          <dt>{t('roe.hours')}</dt>
          <dd>{fmt(roe.effortHours)}</dd>
        </div>
      </dl>
      {logging && (
        <EffortForm
          spaces={spaces}
          defaultSpaceId={spaceId}
          onDone={(saved) => {
            setLogging(false);
            if (saved) onLogged();
          }}
        />
      )}
      <EffortLogs organizationId={organizationId} spaceId={spaceId} spaces={spaces} />
    </ChartBlock>
  );
}

function RoiBlock({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const r = report.roi;
  const money = (n: number) =>
    new Intl.NumberFormat(undefined, { style: 'currency', currency: r.currency || 'EUR' }).format(n);
  const rows: Row[] = [
    { key: 'kpi', cells: [t('roi.kpiGains'), money(r.kpiGains)] },
    { key: 'ideas', cells: [t('roi.ideas'), money(r.implementedIdeasValue)] },
    { key: 'cost', cells: [t('roi.cost'), money(r.cost)] },
    { key: 'roi', cells: [t('roi.roi'), r.roi === null || r.roi === undefined ? t('roi.noCost') : pct(r.roi)] },
  ];
  const summary =
    r.roi === null || r.roi === undefined
      ? t('roi.summaryNoCost', { gains: money(r.kpiGains + r.implementedIdeasValue) })
      : t('roi.summary', { roi: pct(r.roi), gains: money(r.kpiGains + r.implementedIdeasValue), cost: money(r.cost) });
  return (
    <ChartBlock
      id="roi"
      title={t('roi.title')}
      summary={summary}
      csvName="roi"
      columns={[{ label: t('roi.term') }, { label: t('roi.amount') }]}
      rows={rows}
    >
      <p className="muted small">{t('roi.formula')}</p>
    </ChartBlock>
  );
}

function SplitBlock({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const bySeg = (s: EngagementSegment) => report.split.find((x) => x.segment === s);
  const emp = bySeg('EMPLOYEES');
  const cus = bySeg('CUSTOMERS');
  const rows: Row[] = report.split.map((s) => ({
    key: s.segment,
    suppressed: s.suppressed,
    cells: [t(`segment.${s.segment}`), s.activePeople, s.contributions, s.score],
  }));
  const visible = !emp?.suppressed && !cus?.suppressed && emp && cus;
  const summary = visible
    ? t('split.summary', { employees: fmt(emp.contributions), customers: fmt(cus.contributions) })
    : t('split.summaryHidden');
  const metrics = ['activePeople', 'contributions', 'score'] as const;
  return (
    <ChartBlock
      id="split"
      title={t('split.title')}
      summary={summary}
      csvName="employees-customers"
      columns={[
        { label: t('split.segment') },
        { label: t('activity.activePeople') },
        { label: t('activity.contributions') },
        { label: t('activity.score') },
      ]}
      rows={rows}
      chart={
        visible ? (
          <BarsChart
            xKey="metric"
            data={metrics.map((m) => ({
              metric: t(`activity.${m}`),
              employees: emp[m] ?? null,
              customers: cus[m] ?? null,
            }))}
            series={[
              { key: 'employees', label: t('segment.EMPLOYEES') },
              { key: 'customers', label: t('segment.CUSTOMERS') },
            ]}
          />
        ) : undefined
      }
    />
  );
}

function CompaniesBlock({ report }: { report: Report }) {
  const { t } = useTranslation('analytics');
  const rows: Row[] = report.customerAccounts.map((c) => ({
    key: c.customerAccountId,
    suppressed: c.suppressed,
    cells: [c.name, c.activePeople, c.posts, c.ideas, c.comments, c.votes, c.contributions, c.score],
  }));
  const shown = report.customerAccounts.filter((c) => !c.suppressed);
  return (
    <ChartBlock
      id="companies"
      title={t('companies.title')}
      summary={
        report.customerAccounts.length === 0
          ? t('companies.summaryNone')
          : t('companies.summary', { count: report.customerAccounts.length, shown: shown.length })
      }
      csvName="customer-companies"
      columns={[
        { label: t('companies.name') },
        { label: t('activity.activePeople') },
        { label: t('companies.posts') },
        { label: t('companies.ideas') },
        { label: t('companies.comments') },
        { label: t('companies.votes') },
        { label: t('activity.contributions') },
        { label: t('activity.score') },
      ]}
      rows={rows}
    />
  );
}
