import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { toUiError } from '../lib/errors';

/** Loading, empty and error states, the same on every screen. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t('loading')}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

function useCountdown(seconds: number | undefined): number {
  const [left, setLeft] = useState(seconds ?? 0);
  useEffect(() => {
    setLeft(seconds ?? 0);
    if (!seconds) return;
    const timer = setInterval(() => setLeft((s) => (s > 0 ? s - 1 : 0)), 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return left;
}

/** An operation's error as people read it: what happened, and when retrying makes sense. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const ui = toUiError(error);
  const left = useCountdown(ui?.retryAfter);
  if (!ui) return null;
  if (ui.code === 'NOT_FOUND') return <NotFoundPage />;
  const text =
    ui.code === 'RATE_LIMITED'
      ? t('errors.rateLimited', { seconds: left })
      : ui.code === 'SERVICE_UNAVAILABLE'
        ? t('errors.unavailable')
        : ui.code === 'FORBIDDEN'
          ? t('errors.forbidden')
          : ui.code === 'CONSENT_REQUIRED'
            ? t('errors.consentRequired')
            : ui.code === 'NETWORK_ERROR'
              ? t('errors.network')
              : ui.code === 'BAD_USER_INPUT' || ui.code === 'CONFLICT'
                ? ui.message
                : t('errors.unexpected');
  return (
    <div className="state state-error" role="alert">
      <p>{text}</p>
      {onRetry && ui.code !== 'FORBIDDEN' && (
        <button type="button" className="btn" onClick={onRetry} disabled={left > 0}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section className="page narrow">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <Link to="/" className="btn">
        {t('notFound.home')}
      </Link>
    </section>
  );
}
