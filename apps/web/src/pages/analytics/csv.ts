import { freshAccessToken } from '../../lib/session';

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection): quote it. */
const FORMULA_START = /^[=+\-@\t\r]/;

export type Cell = string | number | null | undefined;

/** One CSV cell: text that could run as a formula gets a leading quote; numbers are written as they are. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Saves a Blob under a file name through a temporary object URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by the next tick; the URL only holds memory after that.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function saveCsv(filename: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  // The BOM lets spreadsheet programs read the file as UTF-8 (accents in French labels).
  saveBlob(new Blob(['\ufeff', toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), filename);
}

/**
 * `GET /exports/engagement.csv` needs the bearer token, which a plain link cannot send: fetched, then saved.
 * Throws the server's `{ code, message }` when it refuses.
 */
export async function downloadServerCsv(params: Record<string, string | undefined>): Promise<void> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  const token = await freshAccessToken();
  const res = await fetch(`/exports/engagement.csv?${query.toString()}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw Object.assign(new Error(body?.message ?? res.statusText), { code: body?.code ?? 'NETWORK_ERROR' });
  }
  saveBlob(await res.blob(), `engagement-${params.from}-${params.to}.csv`);
}
