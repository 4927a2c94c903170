import i18n from './i18n';

/** Dates and numbers in the UI language, through Intl. */
export function formatDate(iso: string | null | undefined, style: 'short' | 'long' = 'short'): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(i18n.language, style === 'short' ? { dateStyle: 'medium' } : { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}

export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(i18n.language, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), 'day');
  return formatDate(iso);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(i18n.language).format(n);
}
