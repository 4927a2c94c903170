import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { FormError, TextField } from '../../components/forms';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type {
  AnalyticsObjectivesQuery,
  KpiDirection,
  KpiInput,
  KpiMetric,
  KpiPeriod,
  KpiSource,
  KpiStatus,
  ObjectiveKind,
} from '../../gql/graphql';
import { fieldError, toUiError, type UiError } from '../../lib/errors';
import { ChartBlock, Field, fmt, pct, type Row } from './ChartBlock';
import { numberErrors, parseNumber } from './EffortForms';

const KPI_FIELDS = graphql(`
  fragment AnalyticsKpiFields on Kpi {
    id
    name
    source
    metric
    direction
    baseline
    target
    unit
    unitValue
    period
    spaceId
    progress {
      actual
      target
      progress
      status
      periodStart
      periodEnd
    }
    values {
      periodStart
      value
      note
    }
  }
`);

const OBJECTIVES = graphql(`
  query AnalyticsObjectives($organizationId: ID!, $first: Int!, $after: String) {
    objectives(organizationId: $organizationId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          title
          description
          kind
          startsOn
          endsOn
          kpis {
            ...AnalyticsKpiFields
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CREATE_OBJECTIVE = graphql(`
  mutation AnalyticsCreateObjective($input: CreateObjectiveInput!) {
    createObjective(input: $input) {
      objective {
        id
      }
    }
  }
`);

const RECORD_KPI_VALUE = graphql(`
  mutation AnalyticsRecordKpiValue($input: RecordKpiValueInput!) {
    recordKpiValue(input: $input) {
      kpi {
        ...AnalyticsKpiFields
      }
    }
  }
`);

const ARCHIVE_OBJECTIVE = graphql(`
  mutation AnalyticsArchiveObjective($input: UpdateObjectiveInput!) {
    updateObjective(input: $input) {
      objective {
        id
        archived
      }
    }
  }
`);

void KPI_FIELDS;

type Objective = AnalyticsObjectivesQuery['objectives']['edges'][number]['node'];
type Kpi = Objective['kpis'][number];

const KINDS: ObjectiveKind[] = ['AWARENESS', 'CUSTOMER_CARE', 'INNOVATION', 'SALES'];
const METRICS: KpiMetric[] = [
  'ACTIVE_PEOPLE',
  'CONTRIBUTIONS',
  'CUSTOMER_SHARE_OF_IDEAS',
  'DAU',
  'ENGAGEMENT_RATE',
  'ENGAGEMENT_SCORE',
  'IDEAS',
  'MAU',
  'MEDIAN_FIRST_RESPONSE_HOURS',
  'ROE_PER_HOUR',
  'STICKINESS',
];
const PERIODS: KpiPeriod[] = ['WEEK', 'MONTH', 'QUARTER'];
const STATUS_ICON: Record<KpiStatus, string> = { ON_TRACK: '✓', AT_RISK: '!', OFF_TRACK: '✕', NO_DATA: '–' };

/** Objectives and their KPIs (organization managers, admins and owners; others get FORBIDDEN and see nothing). */
export function Objectives({
  organizationId,
  spaces,
}: {
  organizationId: string;
  spaces: { id: string; name: string }[];
}) {
  const { t } = useTranslation('analytics');
  const [creating, setCreating] = useState(false);
  const { data, loading, error, refetch } = useQuery(OBJECTIVES, { variables: { organizationId, first: 50 } });
  const ui = toUiError(error);
  if (ui?.code === 'FORBIDDEN') return null;
  const objectives = data?.objectives.edges.map((e) => e.node) ?? [];

  return (
    <section className="analytics-objectives" aria-labelledby="objectives-title">
      <div className="chart-head">
        <h2 id="objectives-title">{t('objectives.title')}</h2>
        <button
          type="button"
          className="btn btn-primary"
          aria-expanded={creating}
          onClick={() => setCreating((v) => !v)}
        >
          {t('objectives.new')}
        </button>
      </div>
      {creating && (
        <ObjectiveForm
          organizationId={organizationId}
          spaces={spaces}
          onDone={(saved) => {
            setCreating(false);
            if (saved) void refetch();
          }}
        />
      )}
      {loading && !data ? (
        <Loading />
      ) : error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : objectives.length === 0 ? (
        <p className="muted">{t('objectives.empty')}</p>
      ) : (
        objectives.map((o) => <ObjectiveCard key={o.id} objective={o} />)
      )}
    </section>
  );
}

function StatusBadge({ status }: { status: KpiStatus }) {
  const { t } = useTranslation('analytics');
  return (
    <span className={`status-badge status-${status.toLowerCase()}`}>
      <span aria-hidden="true">{STATUS_ICON[status]}</span> {t(`status.${status}`)}
    </span>
  );
}

function ObjectiveCard({ objective }: { objective: Objective }) {
  const { t } = useTranslation('analytics');
  const [entering, setEntering] = useState<string | null>(null);
  // Archived objectives leave the list (their KPI values stay in the database and in past ROI).
  const [archive, archiving] = useMutation(ARCHIVE_OBJECTIVE, { refetchQueries: ['AnalyticsObjectives'] });
  const archiveError = toUiError(archiving.error);
  const kpiLabel = (k: Kpi) => `${k.name}${k.unit ? ` (${k.unit})` : ''}`;
  const rows: Row[] = objective.kpis.map((k) => ({
    key: k.id,
    cells: [
      kpiLabel(k),
      k.progress.actual,
      k.progress.target,
      k.baseline,
      k.progress.progress === null || k.progress.progress === undefined ? null : pct(k.progress.progress),
      t(`status.${k.progress.status}`),
      `${k.progress.periodStart} → ${k.progress.periodEnd}`,
    ],
  }));
  const counts = objective.kpis.reduce<Record<string, number>>(
    (c, k) => ({ ...c, [k.progress.status]: (c[k.progress.status] ?? 0) + 1 }),
    {},
  );
  const summary =
    objective.kpis.length === 0
      ? t('objectives.noKpis')
      : t('objectives.summary', {
          count: objective.kpis.length,
          onTrack: counts.ON_TRACK ?? 0,
          atRisk: counts.AT_RISK ?? 0,
          offTrack: counts.OFF_TRACK ?? 0,
          noData: counts.NO_DATA ?? 0,
        });
  return (
    <ChartBlock
      id={`objective-${objective.id.replace(/[^\w-]/g, '')}`}
      title={objective.title}
      summary={summary}
      csvName="objective-kpis"
      columns={[
        { label: t('kpi.name') },
        { label: t('kpi.actual') },
        { label: t('kpi.target') },
        { label: t('kpi.baseline') },
        { label: t('kpi.progress') },
        { label: t('kpi.status') },
        { label: t('kpi.period') },
      ]}
      rows={rows}
      chart={
        objective.kpis.length ? (
          <ul className="kpi-list">
            {objective.kpis.map((k) => {
              const share = Math.max(0, Math.min(1, k.progress.progress ?? 0));
              return (
                <li key={k.id} className="kpi-item">
                  <div className="kpi-line">
                    <span className="kpi-name">{kpiLabel(k)}</span>
                    <StatusBadge status={k.progress.status} />
                  </div>
                  <div className="kpi-bar" aria-hidden="true">
                    <span
                      className={`kpi-bar-fill status-${k.progress.status.toLowerCase()}`}
                      style={{ width: `${share * 100}%` }}
                    />
                  </div>
                  <p className="kpi-figures">
                    {t('kpi.actualOfTarget', {
                      actual:
                        k.progress.actual === null || k.progress.actual === undefined
                          ? t('kpi.noValue')
                          : fmt(k.progress.actual),
                      target: fmt(k.progress.target),
                      progress: pct(k.progress.progress),
                    })}{' '}
                    <span className="muted">
                      · {t(`kpi.direction.${k.direction}`)} · {t(`period.${k.period}`)} {k.progress.periodStart} →{' '}
                      {k.progress.periodEnd}
                    </span>
                  </p>
                  {k.source === 'BUSINESS' &&
                    (entering === k.id ? (
                      <KpiValueForm kpi={k} onDone={() => setEntering(null)} />
                    ) : (
                      <button type="button" className="btn btn-small" onClick={() => setEntering(k.id)}>
                        {t('kpi.enterValue')}
                        <span className="visually-hidden"> ({k.name})</span>
                      </button>
                    ))}
                </li>
              );
            })}
          </ul>
        ) : undefined
      }
    >
      <p className="muted small">
        {t(`kind.${objective.kind}`)} · {objective.startsOn} → {objective.endsOn}
        {objective.description ? ` · ${objective.description}` : ''}
      </p>
      <div className="btn-row">
        <button
          type="button"
          className="btn btn-small"
          disabled={archiving.loading}
          onClick={() => {
            if (window.confirm(t('objectives.archiveConfirm', { title: objective.title })))
              void archive({ variables: { input: { id: objective.id, archived: true } } }).catch(() => null);
          }}
        >
          {t('objectives.archive')}
          <span className="visually-hidden"> ({objective.title})</span>
        </button>
      </div>
      <FormError message={archiveError?.message ?? null} />
    </ChartBlock>
  );
}

function KpiValueForm({ kpi, onDone }: { kpi: Kpi; onDone(): void }) {
  const { t } = useTranslation('analytics');
  const [value, setValue] = useState('');
  const [periodStart, setPeriod] = useState(new Date().toISOString().slice(0, 10));
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<UiError | null>(null);
  const [record, { loading, error }] = useMutation(RECORD_KPI_VALUE);
  const ui = local ?? toUiError(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const bad =
      numberErrors({ value }, t) ??
      (value.trim() ? null : { code: 'BAD_USER_INPUT', message: '', fieldErrors: { value: [t('form.required')] } });
    setLocal(bad);
    if (bad) return;
    const res = await record({
      variables: { input: { kpiId: kpi.id, value: parseNumber(value) ?? 0, periodStart, note: note || undefined } },
    }).catch(() => null);
    if (res?.data) onDone();
  };
  return (
    <form
      className="analytics-form inline-form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('kpi.valueFormLabel', { name: kpi.name })}
      noValidate
    >
      <div className="form-pair">
        <TextField
          label={t('kpi.value')}
          inputMode="decimal"
          value={value}
          onChange={setValue}
          error={fieldError(ui, 'value')}
          isRequired
          autoFocus
        />
        <TextField
          label={t('kpi.valuePeriod')}
          description={t('kpi.valuePeriodHelp')}
          type="date"
          value={periodStart}
          onChange={setPeriod}
          error={fieldError(ui, 'periodStart')}
          isRequired
        />
      </div>
      <TextField label={t('effort.note')} value={note} onChange={setNote} error={fieldError(ui, 'note')} />
      <FormError message={ui && !Object.keys(ui.fieldErrors).length ? ui.message : (fieldError(ui, 'kpiId') ?? null)} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={loading}>
          {t('kpi.saveValue')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}

interface KpiDraft {
  name: string;
  source: KpiSource;
  metric: KpiMetric;
  direction: KpiDirection;
  baseline: string;
  target: string;
  period: KpiPeriod;
  unit: string;
  unitValue: string;
  spaceId: string;
}

const newKpi = (): KpiDraft => ({
  name: '',
  source: 'BUSINESS',
  metric: 'CONTRIBUTIONS',
  direction: 'INCREASE',
  baseline: '',
  target: '',
  period: 'MONTH',
  unit: '',
  unitValue: '',
  spaceId: '',
});

function ObjectiveForm({
  organizationId,
  spaces,
  onDone,
}: {
  organizationId: string;
  spaces: { id: string; name: string }[];
  onDone(saved: boolean): void;
}) {
  const { t } = useTranslation('analytics');
  const today = new Date().toISOString().slice(0, 10);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<ObjectiveKind>('CUSTOMER_CARE');
  const [startsOn, setStartsOn] = useState(today);
  const [endsOn, setEndsOn] = useState(`${today.slice(0, 4)}-12-31`);
  const [kpis, setKpis] = useState<KpiDraft[]>([newKpi()]);
  const [local, setLocal] = useState<UiError | null>(null);
  const [create, { loading, error }] = useMutation(CREATE_OBJECTIVE);
  const ui = local ?? toUiError(error);
  const change = (i: number, patch: Partial<KpiDraft>) =>
    setKpis((list) => list.map((k, j) => (j === i ? { ...k, ...patch } : k)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const numbers: Record<string, string> = {};
    kpis.forEach((k, i) => {
      numbers[`kpis.${i}.baseline`] = k.baseline;
      numbers[`kpis.${i}.target`] = k.target;
      if (k.source === 'BUSINESS') numbers[`kpis.${i}.unitValue`] = k.unitValue;
    });
    const bad = numberErrors(numbers, t);
    // The target is the one number a KPI cannot do without; an empty one is not sent as 0.
    const missing = kpis.flatMap((k, i) =>
      k.target.trim() ? [] : [[`kpis.${i}.target`, [t('form.required')]] as [string, string[]]],
    );
    setLocal(
      bad ??
        (missing.length ? { code: 'BAD_USER_INPUT', message: '', fieldErrors: Object.fromEntries(missing) } : null),
    );
    if (missing.length) return;
    if (bad) return;
    const input: KpiInput[] = kpis.map((k) => ({
      name: k.name,
      source: k.source,
      metric: k.source === 'COMPUTED' ? k.metric : undefined,
      direction: k.direction,
      baseline: parseNumber(k.baseline),
      target: parseNumber(k.target) ?? 0,
      period: k.period,
      unit: k.unit || undefined,
      unitValue: k.source === 'BUSINESS' ? parseNumber(k.unitValue) : undefined,
      spaceId: k.source === 'COMPUTED' && k.spaceId ? k.spaceId : undefined,
    }));
    const res = await create({
      variables: {
        input: { organizationId, title, description: description || undefined, kind, startsOn, endsOn, kpis: input },
      },
    }).catch(() => null);
    if (res?.data) onDone(true);
  };

  const kpiError = (i: number, f: string) => fieldError(ui, `kpis.${i}.${f}`);
  return (
    <form
      className="card analytics-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="new-objective-title"
      noValidate
    >
      <h3 id="new-objective-title">{t('objectives.new')}</h3>
      <TextField
        label={t('objectives.titleField')}
        value={title}
        onChange={setTitle}
        error={fieldError(ui, 'title')}
        isRequired
        autoFocus
      />
      <TextField
        label={t('objectives.description')}
        value={description}
        onChange={setDescription}
        error={fieldError(ui, 'description')}
        multiline
        rows={2}
      />
      <Field label={t('objectives.kind')}>
        <select value={kind} onChange={(e) => setKind(e.target.value as ObjectiveKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <div className="form-pair">
        <TextField
          label={t('objectives.startsOn')}
          type="date"
          value={startsOn}
          onChange={setStartsOn}
          error={fieldError(ui, 'startsOn')}
          isRequired
        />
        <TextField
          label={t('objectives.endsOn')}
          type="date"
          value={endsOn}
          onChange={setEndsOn}
          error={fieldError(ui, 'endsOn')}
          isRequired
        />
      </div>
      {kpis.map((k, i) => (
        <fieldset key={i} className="kpi-fieldset">
          <legend>{t('kpi.legend', { n: i + 1 })}</legend>
          <TextField
            label={t('kpi.name')}
            value={k.name}
            onChange={(v) => change(i, { name: v })}
            error={kpiError(i, 'name')}
            isRequired
          />
          <ChoiceGroup
            label={t('kpi.source')}
            layout="chips"
            value={k.source}
            onChange={(v) => change(i, { source: v })}
            options={[
              { value: 'COMPUTED', label: t('kpi.sourceComputed') },
              { value: 'BUSINESS', label: t('kpi.sourceBusiness') },
            ]}
            error={kpiError(i, 'source')}
          />
          {k.source === 'COMPUTED' && (
            <div className="form-pair">
              <Field label={t('kpi.metric')} error={kpiError(i, 'metric')}>
                <select value={k.metric} onChange={(e) => change(i, { metric: e.target.value as KpiMetric })}>
                  {METRICS.map((m) => (
                    <option key={m} value={m}>
                      {t(`metric.${m}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('kpi.space')} error={kpiError(i, 'spaceId')}>
                <select value={k.spaceId} onChange={(e) => change(i, { spaceId: e.target.value })}>
                  <option value="">{t('filters.allSpaces')}</option>
                  {spaces.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
          )}
          <div className="form-pair">
            <Field label={t('kpi.directionLabel')}>
              <select value={k.direction} onChange={(e) => change(i, { direction: e.target.value as KpiDirection })}>
                <option value="INCREASE">{t('kpi.direction.INCREASE')}</option>
                <option value="DECREASE">{t('kpi.direction.DECREASE')}</option>
              </select>
            </Field>
            <Field label={t('kpi.periodLabel')}>
              <select value={k.period} onChange={(e) => change(i, { period: e.target.value as KpiPeriod })}>
                {PERIODS.map((p) => (
                  <option key={p} value={p}>
                    {t(`period.${p}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <div className="form-pair">
            <TextField
              label={t('kpi.baseline')}
              inputMode="decimal"
              value={k.baseline}
              onChange={(v) => change(i, { baseline: v })}
              error={kpiError(i, 'baseline')}
            />
            <TextField
              label={t('kpi.target')}
              inputMode="decimal"
              value={k.target}
              onChange={(v) => change(i, { target: v })}
              error={kpiError(i, 'target')}
              isRequired
            />
          </div>
          <div className="form-pair">
            <TextField
              label={t('kpi.unit')}
              value={k.unit}
              onChange={(v) => change(i, { unit: v })}
              error={kpiError(i, 'unit')}
            />
            {k.source === 'BUSINESS' && (
              <TextField
                label={t('kpi.unitValue')}
                description={t('kpi.unitValueHelp')}
                inputMode="decimal"
                value={k.unitValue}
                onChange={(v) => change(i, { unitValue: v })}
                error={kpiError(i, 'unitValue')}
              />
            )}
          </div>
          {kpis.length > 1 && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setKpis((list) => list.filter((_, j) => j !== i))}
            >
              {t('kpi.remove', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" className="btn" onClick={() => setKpis((list) => [...list, newKpi()])}>
        {t('kpi.add')}
      </button>
      <FormError message={ui && !Object.keys(ui.fieldErrors).length ? ui.message : null} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={loading}>
          {t('objectives.create')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(false)}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
