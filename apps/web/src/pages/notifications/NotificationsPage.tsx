import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import type { ApolloCache, StoreObject } from '@apollo/client';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from 'react-aria-components';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { FormError } from '../../components/forms';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { NotificationKind, NotificationMode, NotificationsListQuery } from '../../gql/graphql';
import { toUiError } from '../../lib/errors';
import { formatNumber, formatRelative } from '../../lib/format';
import i18n from '../../lib/i18n';
import { useRealtimeEvents } from '../../lib/realtime';
import { uiErrorText } from '../../lib/uiErrorText';
import './notifications.css';

const PAGE_SIZE = 30;
const KINDS: readonly NotificationKind[] = ['COMMENT', 'MENTION', 'IDEA_STATUS'];
const MODES: readonly NotificationMode[] = ['ALL', 'DIGEST', 'NONE'];

const NOTIFICATIONS = graphql(`
  query NotificationsList($first: Int!, $after: String) {
    notifications(first: $first, after: $after) {
      unreadCount
      preferences {
        kind
        mode
      }
      edges {
        cursor
        node {
          postId
          postTitle
          spaceId
          kind
          count
          unreadCount
          latestAt
          actorNames
          latestData
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const MARK_READ = graphql(`
  mutation NotificationsMarkRead($input: MarkNotificationsReadInput!) {
    markNotificationsRead(input: $input) {
      unreadCount
    }
  }
`);

const SET_PREFERENCE = graphql(`
  mutation NotificationsSetPreference($input: SetNotificationPreferenceInput!) {
    setNotificationPreference(input: $input) {
      kind
      mode
    }
  }
`);

type Group = NotificationsListQuery['notifications']['edges'][number]['node'];

/**
 * The unread count everywhere (the navigation's badge reads the same `notifications` field): set it at once
 * from the mutation's answer, then refetch so each thread's own count is right too.
 */
function writeUnreadCount(cache: ApolloCache, unreadCount: number, postId?: string, kind?: NotificationKind) {
  cache.modify({
    id: 'ROOT_QUERY',
    fields: {
      notifications(value: unknown, { readField }) {
        const existing = value as StoreObject | undefined;
        if (!existing) return value;
        const edges = (existing.edges as { node: StoreObject }[] | undefined)?.map((edge) => {
          const node = edge.node;
          const matches = postId === undefined || (readField('postId', node) === postId && (kind === undefined || readField('kind', node) === kind));
          return matches ? { ...edge, node: { ...node, unreadCount: 0 } } : edge;
        });
        return { ...existing, unreadCount, ...(edges ? { edges } : {}) };
      },
    },
  });
}

/** `/notifications`: grouped per thread and kind, unread first in weight, live; preferences below. */
export default function NotificationsPage() {
  const { t } = useTranslation('notifications');
  const { data, loading, error, refetch, fetchMore } = useQuery(NOTIFICATIONS, { variables: { first: PAGE_SIZE } });
  const [markRead, markState] = useMutation(MARK_READ);
  useRealtimeEvents(() => void refetch().catch(() => undefined), ['notification:created']);

  const groups = data?.notifications.edges.map((e) => e.node) ?? [];
  const unread = data?.notifications.unreadCount ?? 0;
  const ui = toUiError(markState.error);

  const markAll = () =>
    !markState.loading &&
    void markRead({
      variables: { input: { all: true } },
      update: (cache, { data: answer }) => answer && writeUnreadCount(cache, answer.markNotificationsRead.unreadCount),
      refetchQueries: ['UnreadCount'],
    }).catch(() => undefined);

  const open = (group: Group) => {
    if (!group.unreadCount) return;
    void markRead({
      variables: { input: { postId: group.postId, kind: group.kind } },
      update: (cache, { data: answer }) =>
        answer && writeUnreadCount(cache, answer.markNotificationsRead.unreadCount, group.postId, group.kind),
      refetchQueries: ['UnreadCount'],
    }).catch(() => undefined);
  };

  return (
    <section className="page notifications-page">
      <div className="notif-head">
        <h1>{t('title')}</h1>
        <Button className="btn" onPress={markAll}>
          {t('markAll')}
        </Button>
      </div>
      <p className="muted" aria-live="polite">
        {unread ? t('unread', { count: unread, n: formatNumber(unread) }) : data ? t('allRead') : ''}
      </p>
      <FormError message={uiErrorText(t, ui)} />
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : loading && !data ? (
        <Loading />
      ) : groups.length === 0 ? (
        <Empty>{t('empty')}</Empty>
      ) : (
        <ul className="notif-list">
          {groups.map((g) => (
            <li key={`${g.postId}:${g.kind}`} className={`notif-item${g.unreadCount ? ' is-unread' : ''}`}>
              <Link to={`/p/${g.postId}`} className="notif-link" onClick={() => open(g)}>
                <span className="notif-dot" aria-hidden="true" />
                <span className="notif-body">
                  {g.unreadCount > 0 && <span className="visually-hidden">{t('unreadMark')} </span>}
                  <span className="notif-text">
                    <NotificationText group={g} />
                  </span>
                  <span className="notif-meta muted">
                    <time dateTime={g.latestAt}>{formatRelative(g.latestAt)}</time>
                    {g.count > 1 && <> · {t('events', { count: g.count, n: formatNumber(g.count) })}</>}
                    {g.unreadCount > 0 && g.count > 1 && <> · {t('unreadInGroup', { count: g.unreadCount, n: formatNumber(g.unreadCount) })}</>}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {data?.notifications.pageInfo.hasNextPage && (
        <div className="notif-more">
          <button
            type="button"
            className="btn"
            onClick={() => void fetchMore({ variables: { first: PAGE_SIZE, after: data.notifications.pageInfo.endCursor } }).catch(() => undefined)}
          >
            {t('common:loadMore')}
          </button>
        </div>
      )}
      {data && <Preferences preferences={data.notifications.preferences} />}
    </section>
  );
}

/** "Alice, Bob and Chloé": the latest people (up to 3), in the UI language. */
function names(actorNames: readonly string[]): string {
  if (!actorNames.length) return i18n.t('notifications:someone');
  return new Intl.ListFormat(i18n.language, { style: 'long', type: 'conjunction' }).format(actorNames);
}

function NotificationText({ group }: { group: Group }) {
  const { t } = useTranslation('notifications');
  let data: { from?: string; to?: string; note?: string } = {};
  try {
    data = JSON.parse(group.latestData) as typeof data;
  } catch {
    data = {};
  }
  const title = group.postTitle;
  const who = names(group.actorNames);
  if (group.kind === 'IDEA_STATUS') {
    const to = data.to ? t(`ideas:status.${data.to}`, { defaultValue: data.to }) : '';
    return (
      <>
        <strong>{to ? t('ideaStatus', { title, status: to }) : t('ideaStatusUnknown', { title })}</strong>
        {data.note && <span className="notif-note">“{data.note}”</span>}
      </>
    );
  }
  if (group.kind === 'MENTION') return <strong>{t('mention', { who, title, count: Math.max(1, group.actorNames.length) })}</strong>;
  return <strong>{t('comment', { who, title, count: Math.max(1, group.actorNames.length) })}</strong>;
}

function Preferences({ preferences }: { preferences: readonly { kind: NotificationKind; mode: NotificationMode }[] }) {
  const { t } = useTranslation('notifications');
  const [setPreference, state] = useMutation(SET_PREFERENCE);
  const [saved, setSaved] = useState(false);
  const ui = toUiError(state.error);
  const modeOf = (kind: NotificationKind) => preferences.find((p) => p.kind === kind)?.mode ?? 'ALL';
  const allDigest = KINDS.every((k) => modeOf(k) === 'DIGEST');

  const save = async (kind: NotificationKind, mode: NotificationMode) => {
    setSaved(false);
    const result = await setPreference({
      variables: { input: { kind, mode } },
      update: (cache, { data: answer }) => {
        if (!answer) return;
        cache.modify({
          id: 'ROOT_QUERY',
          fields: {
            notifications: (value: unknown) =>
              value ? { ...(value as StoreObject), preferences: answer.setNotificationPreference } : value,
          },
        });
      },
    }).catch(() => null);
    if (result?.data) setSaved(true);
  };

  return (
    <section className="notif-preferences" aria-labelledby="notif-pref-heading">
      <h2 id="notif-pref-heading">{t('preferences.title')}</h2>
      <p className="muted">{t('preferences.intro')}</p>
      <div className="btn-row notif-digest-row">
        <Button
          className="btn"
          aria-pressed={allDigest}
          onPress={() => void (async () => {
            // A switch: every kind to the daily digest, or back to the app and the digest.
            const mode: NotificationMode = allDigest ? 'ALL' : 'DIGEST';
            for (const kind of KINDS) if (modeOf(kind) !== mode) await save(kind, mode);
          })()}
        >
          {t('preferences.digestOnly')}
        </Button>
      </div>
      {KINDS.map((kind) => (
        <ChoiceGroup
          key={kind}
          label={t(`preferences.kind.${kind}`)}
          value={modeOf(kind)}
          onChange={(mode) => void save(kind, mode)}
          layout="chips"
          className="notif-pref-group"
          options={MODES.map((mode) => ({ value: mode, label: t(`preferences.mode.${mode}`) }))}
        />
      ))}
      <FormError message={uiErrorText(t, ui)} />
      {saved && (
        <p className="status-line" role="status">
          {t('preferences.saved')}
        </p>
      )}
    </section>
  );
}
