import { cloneElement, useId, useState, type ReactElement, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SuppressionReason } from '../../gql/graphql';
import i18n from '../../lib/i18n';
import { saveCsv, type Cell } from './csv';

/** A figure of a row, or why it is hidden: suppressed figures are never shown as 0. */
export type Shown = number | null | undefined;

export function fmt(n: Shown, digits = 2): string {
  if (n === null || n === undefined) return '–';
  return new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(n);
}

export function pct(n: Shown): string {
  if (n === null || n === undefined) return '–';
  return new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(n);
}

/** "hidden: fewer than 5 people", in the UI language. */
export function useHiddenText(): (reason: SuppressionReason | null | undefined) => string {
  const { t } = useTranslation('analytics');
  return (reason) => t(`hidden.${reason ?? 'FEWER_THAN_FIVE_PEOPLE'}`);
}

export function HiddenNote({ reason }: { reason: SuppressionReason }) {
  const hidden = useHiddenText();
  return <p className="hidden-note">{hidden(reason)}</p>;
}

export interface Column {
  label: string;
}

/** A table row: its cells as shown, the values for the CSV, and why it is hidden (if it is). */
export interface Row {
  key: string;
  cells: Cell[];
  suppressed?: SuppressionReason | null;
}

/**
 * One dashboard block: title, a one-sentence summary, the chart or (toggle) the same figures in a table, and a
 * CSV download (the server's when `onServerCsv` is given, otherwise the table as shown). Suppressed rows keep
 * their label and say why their figures are hidden.
 */
export function ChartBlock({
  id,
  title,
  summary,
  columns,
  rows,
  chart,
  csvName,
  onServerCsv,
  actions,
  children,
}: {
  id: string;
  title: string;
  summary: string;
  columns: Column[];
  rows: Row[];
  chart?: ReactNode;
  csvName: string;
  onServerCsv?: () => Promise<void>;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useTranslation('analytics');
  const hidden = useHiddenText();
  // The table is what the reader chose, or all there is while no figure can be charted (all hidden).
  const [tableChosen, setTable] = useState(false);
  const table = tableChosen || !chart;
  const [csv, setCsv] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const summaryId = useId();

  const download = async () => {
    if (!onServerCsv) {
      saveCsv(
        `${csvName}.csv`,
        columns.map((c) => c.label),
        rows.map((r) => (r.suppressed ? [r.cells[0], hidden(r.suppressed)] : r.cells)),
      );
      return;
    }
    setCsv({ busy: true, error: null });
    try {
      await onServerCsv();
      setCsv({ busy: false, error: null });
    } catch (e) {
      const code = (e as { code?: string }).code;
      setCsv({ busy: false, error: code === 'FORBIDDEN' ? t('notAllowed.title') : t('csvFailed') });
    }
  };

  return (
    <section className="card chart-block" aria-labelledby={`${id}-title`}>
      <div className="chart-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="btn-row chart-tools">
          {chart && (
            <button
              type="button"
              className="btn btn-small"
              aria-pressed={table}
              onClick={() => setTable((v) => !v)}
              aria-controls={`${id}-body`}
            >
              {t('tableView')}
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={() => void download()} disabled={csv.busy}>
            {t('downloadCsv')}
            <span className="visually-hidden"> ({title})</span>
          </button>
          {actions}
        </div>
      </div>
      <p className="chart-summary" id={summaryId}>
        {summary}
      </p>
      {csv.error && (
        <p className="form-error" role="alert">
          {csv.error}
        </p>
      )}
      <div id={`${id}-body`}>
        {table || !chart ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('tableOf', { title })}>
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  {columns.map((c, i) => (
                    <th key={i} scope="col">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={columns.length} className="muted">
                      {t('noRows')}
                    </td>
                  </tr>
                ) : (
                  rows.map((r) => (
                    <tr key={r.key} className={r.suppressed ? 'is-suppressed' : undefined}>
                      <th scope="row">{r.cells[0]}</th>
                      {r.suppressed ? (
                        <td colSpan={columns.length - 1} className="hidden-cell">
                          {hidden(r.suppressed)}
                        </td>
                      ) : (
                        r.cells.slice(1).map((c, i) => <td key={i}>{typeof c === 'number' ? fmt(c) : (c ?? '–')}</td>)
                      )}
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        ) : (
          <figure className="chart" aria-describedby={summaryId}>
            {chart}
          </figure>
        )}
      </div>
      {children}
    </section>
  );
}

/** A labelled native control (select, date) with the server's field error, tied by id rather than by nesting. */
export function Field({
  label,
  error,
  children,
}: {
  label: string;
  error?: string;
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error ? `${id}-error` : undefined,
      })}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
