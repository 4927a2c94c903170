import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from '../../components/forms';
import { ErrorState } from '../../components/states';
import { graphql } from '../../gql';
import { fieldError, toUiError, type UiError } from '../../lib/errors';
import { Field, fmt } from './ChartBlock';

const LOG_EFFORT = graphql(`
  mutation AnalyticsLogEffort($input: LogEffortInput!) {
    logEffort(input: $input) {
      effortLog {
        id
        spaceId
        periodStart
        periodEnd
        hours
        cost
        note
        createdAt
      }
    }
  }
`);

const EFFORT_LOGS = graphql(`
  query AnalyticsEffortLogs($organizationId: ID!, $spaceId: ID, $first: Int!) {
    effortLogs(organizationId: $organizationId, spaceId: $spaceId, first: $first) {
      edges {
        node {
          id
          spaceId
          periodStart
          periodEnd
          hours
          cost
          note
        }
      }
    }
  }
`);

const today = () => new Date().toISOString().slice(0, 10);
const monthStart = () => `${today().slice(0, 8)}01`;

/** A number typed in a field: undefined when empty, NaN when it is not a number (the field says so). */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim().replace(',', '.');
  return trimmed === '' ? undefined : Number(trimmed);
}

/** Field errors of a typed number, before anything is sent (GraphQL cannot carry "abc" as a Float). */
export function numberErrors(fields: Record<string, string>, t: (k: string) => string): UiError | null {
  const fieldErrors: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(fields))
    if (Number.isNaN(parseNumber(v))) fieldErrors[k] = [t('form.notANumber')];
  return Object.keys(fieldErrors).length ? { code: 'BAD_USER_INPUT', message: '', fieldErrors } : null;
}

/** Community-management hours and cost for a space and period (the denominator of ROE). */
export function EffortForm({
  spaces,
  defaultSpaceId,
  onDone,
}: {
  spaces: { id: string; name: string }[];
  defaultSpaceId?: string;
  onDone(saved: boolean): void;
}) {
  const { t } = useTranslation('analytics');
  const [spaceId, setSpaceId] = useState(defaultSpaceId ?? spaces[0]?.id ?? '');
  const [periodStart, setStart] = useState(monthStart());
  const [periodEnd, setEnd] = useState(today());
  const [hours, setHours] = useState('');
  const [cost, setCost] = useState('');
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<UiError | null>(null);
  const [logEffort, { loading, error }] = useMutation(LOG_EFFORT, { refetchQueries: ['AnalyticsEffortLogs'] });
  const ui = local ?? toUiError(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const bad = numberErrors({ hours, cost }, t);
    setLocal(bad);
    if (bad) return;
    const res = await logEffort({
      variables: {
        input: {
          spaceId,
          periodStart,
          periodEnd,
          hours: parseNumber(hours) ?? 0,
          cost: parseNumber(cost),
          note: note || undefined,
        },
      },
    }).catch(() => null);
    if (res?.data) onDone(true);
  };

  return (
    <form className="analytics-form" onSubmit={(e) => void submit(e)} aria-label={t('effort.formLabel')} noValidate>
      <h3>{t('effort.formLabel')}</h3>
      <Field label={t('effort.space')} error={fieldError(ui, 'spaceId')}>
        <select value={spaceId} onChange={(e) => setSpaceId(e.target.value)}>
          {spaces.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <div className="form-pair">
        <TextField
          label={t('effort.periodStart')}
          type="date"
          value={periodStart}
          onChange={setStart}
          error={fieldError(ui, 'periodStart')}
          isRequired
        />
        <TextField
          label={t('effort.periodEnd')}
          type="date"
          value={periodEnd}
          onChange={setEnd}
          error={fieldError(ui, 'periodEnd')}
          isRequired
        />
      </div>
      <div className="form-pair">
        <TextField
          label={t('effort.hours')}
          inputMode="decimal"
          value={hours}
          onChange={setHours}
          error={fieldError(ui, 'hours')}
          isRequired
        />
        <TextField
          label={t('effort.cost')}
          inputMode="decimal"
          value={cost}
          onChange={setCost}
          error={fieldError(ui, 'cost')}
        />
      </div>
      <TextField label={t('effort.note')} value={note} onChange={setNote} error={fieldError(ui, 'note')} />
      <FormError message={ui && !Object.keys(ui.fieldErrors).length ? ui.message : null} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={loading || !spaceId}>
          {t('effort.save')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(false)}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The effort behind ROE: the latest entries. */
export function EffortLogs({
  organizationId,
  spaceId,
  spaces,
}: {
  organizationId: string;
  spaceId?: string;
  spaces: { id: string; name: string }[];
}) {
  const { t } = useTranslation('analytics');
  const { data, error, refetch } = useQuery(EFFORT_LOGS, { variables: { organizationId, spaceId, first: 20 } });
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  const logs = data?.effortLogs.edges.map((e) => e.node) ?? [];
  if (logs.length === 0) return <p className="muted small">{t('effort.none')}</p>;
  const name = (id: string) => spaces.find((s) => s.id === id)?.name ?? '';
  return (
    <details className="effort-logs">
      <summary>{t('effort.logs', { count: logs.length })}</summary>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('effort.logsLabel')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('effort.space')}</th>
              <th scope="col">{t('effort.period')}</th>
              <th scope="col">{t('effort.hours')}</th>
              <th scope="col">{t('effort.cost')}</th>
              <th scope="col">{t('effort.note')}</th>
            </tr>
          </thead>
          <tbody>
            {logs.map((l) => (
              <tr key={l.id}>
                <th scope="row">{name(l.spaceId)}</th>
                <td>
                  {l.periodStart} → {l.periodEnd}
                </td>
                <td>{fmt(l.hours)}</td>
                <td>{fmt(l.cost)}</td>
                <td>{l.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
