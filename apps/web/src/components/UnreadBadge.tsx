import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';
import { useRealtimeEvents } from '../lib/realtime';

const UNREAD = graphql(`
  query UnreadCount {
    notifications(first: 1) {
      unreadCount
    }
  }
`);

/** The live unread count in the navigation: refetched when `notification:created` arrives. */
export function UnreadBadge() {
  const { t } = useTranslation();
  const { data, refetch } = useQuery(UNREAD, { fetchPolicy: 'cache-and-network' });
  useRealtimeEvents(() => void refetch(), ['notification:created']);
  const count = data?.notifications.unreadCount ?? 0;
  if (!count) return null;
  return (
    <span className="count-badge" data-testid="unread-count">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{t('nav.unread', { count })}</span>
    </span>
  );
}
