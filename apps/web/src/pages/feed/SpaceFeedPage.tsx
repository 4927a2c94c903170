import { useMemo, useRef, useState } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { FormError } from '../../components/forms';
import { Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { SpaceFeedQuery } from '../../gql/graphql';
import { toUiError } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { accessLost, SpaceClosed } from './SpaceClosed';
import {
  ComposerLauncher,
  FEED_MORE,
  FEED_PAGE_SIZE,
  FeedControls,
  FeedList,
  FeedStates,
  NewPostsNotice,
  useFeedLive,
  useFeedParams,
} from './FeedView';

export const SPACE_HEADER_FIELDS = graphql(`
  fragment SpaceHeaderFields on Space {
    id
    name
    kind
    visibility
    description
    memberCount
    customerCount
    holdsCustomers
    organizationId
    viewerRole
    viewerCan {
      moderate
      readAnalytics
      join
      leave
      update
      manageInvitations
      setMemberRole
      removeMember
      withdrawConsent
      post
      postAnnouncement
    }
  }
`);

/** One request for the page: the space's header and the first page of its posts. */
const SPACE_FEED = graphql(`
  query SpaceFeed($spaceId: ID!, $order: FeedOrder!, $tag: String, $first: Int!, $after: String) {
    space(id: $spaceId) {
      ...SpaceHeaderFields
    }
    feed(spaceId: $spaceId, order: $order, tag: $tag, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...PostCardFields
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

/** After a revocation: is the space still readable (an open space stays readable for employees)? */
const SPACE_ACCESS = graphql(`
  query SpaceAccessCheck($spaceId: ID!) {
    space(id: $spaceId) {
      ...SpaceHeaderFields
    }
  }
`);

const JOIN = graphql(`
  mutation SpaceFeedJoin($spaceId: ID!) {
    joinSpace(spaceId: $spaceId) {
      space {
        ...SpaceHeaderFields
      }
    }
  }
`);

const LEAVE = graphql(`
  mutation SpaceFeedLeave($spaceId: ID!) {
    leaveSpace(spaceId: $spaceId) {
      spaceId
    }
  }
`);

type Space = SpaceFeedQuery['space'];

/** `/s/:spaceId`: the space's header, then its feed (pinned posts first). */
export default function SpaceFeedPage() {
  const { spaceId = '' } = useParams();
  const { t } = useTranslation('feed');
  const client = useApolloClient();
  const params = useFeedParams();
  const { order, tag, href } = params;
  const listRef = useRef<HTMLDivElement>(null);
  const [revoked, setRevoked] = useState<{ spaceId: string; reason?: string } | null>(null);
  const leaving = useRef(false);
  const { data, loading, error, refetch, fetchMore } = useQuery(SPACE_FEED, {
    variables: { spaceId, order, tag, first: FEED_PAGE_SIZE },
    skip: revoked?.spaceId === spaceId,
  });
  const closed = revoked?.spaceId === spaceId;
  const space = data?.space;
  const shownIds = useMemo(() => new Set(data?.feed.edges.map((e) => e.node.id) ?? []), [data]);

  const [checking, setChecking] = useState(false);
  const live = useFeedLive({
    spaceIds: space && !closed ? [space.id] : [],
    shownIds,
    onRevoked: async (revokedId, reason) => {
      if (revokedId !== spaceId || leaving.current) return;
      // Nothing of the space stays on screen while its access is checked again.
      setChecking(true);
      try {
        await client.query({ query: SPACE_ACCESS, variables: { spaceId }, fetchPolicy: 'network-only' });
        setChecking(false);
        void refetch().catch(() => undefined);
      } catch (e) {
        if (!accessLost(e)) {
          setChecking(false);
          return;
        }
        setRevoked({ spaceId, reason });
        setChecking(false);
        client.cache.evict({ id: client.cache.identify({ __typename: 'Space', id: spaceId }) });
        client.cache.evict({ id: 'ROOT_QUERY', fieldName: 'feed' });
        client.cache.gc();
      }
    },
  });

  const showNew = async () => {
    live.reset();
    window.scrollTo({ top: 0 });
    await refetch().catch(() => undefined);
    listRef.current?.focus({ preventScroll: true });
  };

  if (closed) return <SpaceClosed reason={revoked.reason} />;
  if (checking) return <Loading />;

  return (
    <section className="page feed-page">
      {live.subscription}
      <FeedStates loading={loading} error={error} hasData={Boolean(data)} onRetry={() => void refetch()} />
      {space && data && (
        <>
          <SpaceHeader
            space={space}
            onLeft={async () => {
              // Still readable (an open space), or gone: then back home.
              try {
                await refetch();
              } catch {
                return '/';
              } finally {
                leaving.current = false;
              }
              return null;
            }}
            onLeaving={() => {
              leaving.current = true;
            }}
          />
          <ComposerLauncher
            spaces={[
              {
                id: space.id,
                name: space.name,
                canPost: space.viewerCan.post,
                canAnnounce: space.viewerCan.postAnnouncement,
              },
            ]}
            spaceId={space.id}
            onCreated={(postId) => {
              live.ignore(postId);
              void showNew();
            }}
          />
          <FeedControls {...params} />
          <NewPostsNotice count={live.newCount} onShow={() => void showNew()} />
          <FeedList
            feed={data.feed}
            tag={tag}
            tagHref={(tg) => href({ tag: tg })}
            listRef={listRef}
            onMore={() =>
              fetchMore({
                query: FEED_MORE,
                variables: { spaceId, order, tag, first: FEED_PAGE_SIZE, after: data.feed.pageInfo.endCursor },
              })
            }
            emptyText={tag ? t('feed.emptyTag', { tag }) : t('feed.emptySpace')}
          />
        </>
      )}
    </section>
  );
}

function SpaceHeader({
  space,
  onLeft,
  onLeaving,
}: {
  space: Space;
  onLeft(): Promise<string | null>;
  onLeaving(): void;
}) {
  const { t } = useTranslation('feed');
  const navigate = useNavigate();
  const [join, joinState] = useMutation(JOIN);
  const [leave, leaveState] = useMutation(LEAVE);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const can = space.viewerCan;
  const manages = can.update || can.manageInvitations || can.setMemberRole || can.removeMember;
  const customer = space.viewerRole === 'CUSTOMER';
  const failure = toUiError(joinState.error ?? leaveState.error);

  const doLeave = async () => {
    onLeaving();
    const ok = await leave({ variables: { spaceId: space.id } }).then(
      () => true,
      () => false,
    );
    setConfirmLeave(false);
    if (!ok) return;
    const next = await onLeft();
    if (next) await navigate(next, { replace: true });
  };

  return (
    <header className="space-header card">
      <div className="space-title-row">
        <h1>{space.name}</h1>
        <span className={`chip space-kind space-kind-${space.kind.toLowerCase()}`}>
          {t(`space.kind.${space.kind}`)}
        </span>
        <span className="chip space-visibility">{t(`space.visibility.${space.visibility}`)}</span>
      </div>
      {space.description && <p className="space-description">{space.description}</p>}
      <p className="muted space-counts">
        {t('space.members', { count: space.memberCount, n: formatNumber(space.memberCount) })}
        {space.customerCount > 0 && (
          <> · {t('space.customers', { count: space.customerCount, n: formatNumber(space.customerCount) })}</>
        )}
      </p>
      {space.holdsCustomers && !customer && (
        <p className="space-hybrid-note" role="note">
          {t('space.holdsCustomers')}
        </p>
      )}
      <div className="btn-row space-actions">
        <Link to={`/s/${space.id}/ideas`} className="btn">
          {t('space.ideas')}
        </Link>
        {can.readAnalytics && (
          // Space owners and moderators and the organization's analysts get the dashboard scoped to this space.
          <Link to={`/o/${encodeURIComponent(space.organizationId)}/analytics?space=${encodeURIComponent(space.id)}`} className="btn">
            {t('space.analytics')}
          </Link>
        )}
        {manages && (
          <Link to={`/s/${space.id}/settings`} className="btn">
            {t('space.settings')}
          </Link>
        )}
        {can.join && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={joinState.loading}
            onClick={() => void join({ variables: { spaceId: space.id } }).catch(() => undefined)}
          >
            {t('space.join')}
          </button>
        )}
        {can.leave && !confirmLeave && (
          <button type="button" className="btn" onClick={() => setConfirmLeave(true)}>
            {t('space.leave')}
          </button>
        )}
      </div>
      {confirmLeave && (
        <div className="confirm-box" role="group" aria-label={t('space.leaveConfirmLabel')}>
          <p>{customer ? t('space.leaveConfirmCustomer') : t('space.leaveConfirm')}</p>
          <div className="btn-row">
            <button
              type="button"
              className="btn btn-danger"
              disabled={leaveState.loading}
              onClick={() => void doLeave()}
              autoFocus
            >
              {t('space.leaveYes')}
            </button>
            <button type="button" className="btn" onClick={() => setConfirmLeave(false)}>
              {t('common:cancel')}
            </button>
          </div>
        </div>
      )}
      <FormError message={failure?.message} />
    </header>
  );
}
