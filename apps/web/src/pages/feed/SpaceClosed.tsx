import { CombinedGraphQLErrors } from '@apollo/client';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSpaceSubscription } from '../../lib/realtime';

/** What replaces a space (or one of its posts) whose access ended while it was open (`membership:revoked`). */
export function SpaceClosed({ reason }: { reason?: string }) {
  const { t } = useTranslation('feed');
  return (
    <section className="page narrow space-closed" role="alert">
      <h1>{t('revoked.title')}</h1>
      <p>{reason === 'CONSENT_OUTDATED' ? t('revoked.consentOutdated') : t('revoked.leftOrRemoved')}</p>
      <Link to="/" className="btn btn-primary">
        {t('revoked.home')}
      </Link>
    </section>
  );
}

/**
 * Keeps the spaces' rooms joined. Rendered with a new `key` after a `membership:revoked` (the server took the
 * socket out of the room): the space is subscribed again, which the server grants only if it is still readable
 * (an employee who left an open space still reads it).
 */
export function SpaceSubscription({ spaceIds }: { spaceIds: readonly string[] }) {
  useSpaceSubscription(spaceIds);
  return null;
}

/** The answer of a query for a space or post the viewer can no longer read. */
export function accessLost(error: unknown): boolean {
  return (
    CombinedGraphQLErrors.is(error) &&
    error.errors.some((e) => ['NOT_FOUND', 'FORBIDDEN', 'CONSENT_REQUIRED'].includes(String(e.extensions?.code)))
  );
}
