import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { useSession } from '../../app/SessionProvider';
import { Empty, ErrorState, Loading } from '../../components/states';
import type { ComposerSpace } from '../../components/composer/types';
import { graphql } from '../../gql';
import type { FeedOrder, PostCardFieldsFragment } from '../../gql/graphql';
import { useRealtimeEvents } from '../../lib/realtime';
import { PostCard } from './PostCard';
import { SpaceSubscription } from './SpaceClosed';
import './feed.css';

export const FEED_PAGE_SIZE = 20;
export const ORDERS: readonly FeedOrder[] = ['NEW', 'TOP', 'TRENDING'];

/** The next page of a feed (the page's own query already brought the first one). */
export const FEED_MORE = graphql(`
  query FeedMore($spaceId: ID, $order: FeedOrder!, $tag: String, $first: Int!, $after: String) {
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

/** One post again, quietly, when a live event says it changed. */
const FEED_POST_REFRESH = graphql(`
  query FeedPostRefresh($id: ID!) {
    post(id: $id) {
      ...PostCardFields
    }
  }
`);

/** Order and tag live in the URL (`?order=top&tag=x`): shareable, and the back button works. */
export function useFeedParams(): {
  order: FeedOrder;
  tag: string | undefined;
  href(change: { order?: FeedOrder; tag?: string | null }): string;
} {
  const [params] = useSearchParams();
  const { pathname } = useLocation();
  const raw = params.get('order')?.toUpperCase();
  const order = (ORDERS as readonly string[]).includes(raw ?? '') ? (raw as FeedOrder) : 'NEW';
  const tag = params.get('tag') || undefined;
  const href = (change: { order?: FeedOrder; tag?: string | null }) => {
    const next = new URLSearchParams();
    const o = change.order ?? order;
    const tg = change.tag === null ? undefined : (change.tag ?? tag);
    if (o !== 'NEW') next.set('order', o.toLowerCase());
    if (tg) next.set('tag', tg);
    const qs = next.toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
  return { order, tag, href };
}

/** NEW / TOP / TRENDING as links (`aria-current` on the one shown), and the active tag filter. */
export function FeedControls({ order, tag, href }: ReturnType<typeof useFeedParams>) {
  const { t } = useTranslation('feed');
  return (
    <div className="feed-controls">
      <nav aria-label={t('order.label')} className="order-switch">
        {ORDERS.map((o) => (
          <Link
            key={o}
            to={href({ order: o })}
            aria-current={o === order ? 'true' : undefined}
            className="order-link"
            preventScrollReset
          >
            {t(`order.${o}`)}
          </Link>
        ))}
      </nav>
      {tag && (
        <p className="tag-filter" role="status">
          <span>{t('tags.filtered', { tag })}</span>
          <Link to={href({ tag: null })} className="btn btn-small" preventScrollReset>
            {t('tags.clear')}
          </Link>
        </p>
      )}
    </div>
  );
}

/** "3 new posts": announced politely; shows them only when asked (content never jumps). */
export function NewPostsNotice({ count, onShow }: { count: number; onShow(): void }) {
  const { t } = useTranslation('feed');
  return (
    <div className="new-posts" aria-live="polite" aria-atomic="true">
      {count > 0 && (
        <button type="button" className="btn btn-primary new-posts-button" onClick={onShow}>
          {t('live.newPosts', { count })}
        </button>
      )}
    </div>
  );
}

interface FeedConnection {
  edges: readonly { cursor: string; node: PostCardFieldsFragment }[];
  pageInfo: { endCursor?: string | null; hasNextPage: boolean };
}

/** The cards, the empty state and "Show more". */
export function FeedList({
  feed,
  spaceNames,
  tag,
  tagHref,
  onMore,
  listRef,
  emptyText,
}: {
  feed: FeedConnection;
  spaceNames?: ReadonlyMap<string, string>;
  tag?: string;
  tagHref(tag: string): string;
  onMore(): Promise<unknown>;
  listRef?: React.Ref<HTMLDivElement>;
  emptyText: ReactNode;
}) {
  const { t } = useTranslation('feed');
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const loadMore = () => {
    setMore({ loading: true, error: null });
    onMore().then(
      () => setMore({ loading: false, error: null }),
      (error: unknown) => setMore({ loading: false, error }),
    );
  };
  return (
    <div className="feed-list" ref={listRef} tabIndex={-1} aria-label={t('feed.listLabel')} role="region">
      {feed.edges.length === 0 ? (
        <Empty>{emptyText}</Empty>
      ) : (
        feed.edges.map(({ node }) => (
          <PostCard
            key={node.id}
            post={node}
            spaceName={spaceNames?.get(node.spaceId)}
            tagHref={tagHref}
            activeTag={tag}
          />
        ))
      )}
      {more.error ? <ErrorState error={more.error} onRetry={loadMore} /> : null}
      {feed.pageInfo.hasNextPage && (
        <div className="show-more">
          <button type="button" className="btn" onClick={loadMore} disabled={more.loading} aria-busy={more.loading}>
            {more.loading ? t('common:loading') : t('common:loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * Live updates of a feed. New posts are counted (not inserted); a changed post is fetched again quietly; a
 * deleted one leaves the list. `membership:revoked` for one of the spaces goes to `onRevoked`, after which the
 * rooms are joined again (render `subscription`).
 */
export function useFeedLive({
  spaceIds,
  shownIds,
  onRevoked,
}: {
  spaceIds: readonly string[];
  shownIds: ReadonlySet<string>;
  onRevoked?(spaceId: string, reason?: string): Promise<unknown> | void;
}): { newCount: number; reset(): void; ignore(postId: string): void; subscription: ReactNode } {
  const client = useApolloClient();
  const { viewer } = useSession();
  const [epoch, setEpoch] = useState(0);
  const fresh = useRef(new Set<string>());
  const ignored = useRef(new Set<string>());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const [newCount, setNewCount] = useState(0);
  const spaces = useRef(new Set(spaceIds));
  spaces.current = new Set(spaceIds);
  const shown = useRef(shownIds);
  shown.current = shownIds;

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  const evict = useCallback(
    (postId: string) => {
      client.cache.evict({ id: client.cache.identify({ __typename: 'Post', id: postId }) });
      client.cache.gc();
    },
    [client],
  );

  const refresh = useCallback(
    (postId: string) => {
      const pending = timers.current;
      clearTimeout(pending.get(postId));
      pending.set(
        postId,
        setTimeout(() => {
          pending.delete(postId);
          client.query({ query: FEED_POST_REFRESH, variables: { id: postId }, fetchPolicy: 'network-only' }).then(
            ({ data }) => {
              if (data?.post.deleted) evict(postId);
            },
            (error: unknown) => {
              if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'NOT_FOUND'))
                evict(postId);
            },
          );
        }, 400),
      );
    },
    [client, evict],
  );

  useRealtimeEvents(
    (event) => {
      const payload = event.payload as { postId?: string; authorId?: string; spaceId?: string; reason?: string };
      if (event.type === 'membership:revoked') {
        const spaceId = payload.spaceId ?? event.spaceId;
        if (!spaceId || !spaces.current.has(spaceId)) return;
        void Promise.resolve(onRevoked?.(spaceId, payload.reason)).finally(() => setEpoch((e) => e + 1));
        return;
      }
      if (!event.spaceId || !spaces.current.has(event.spaceId) || !payload.postId) return;
      const postId = payload.postId;
      if (event.type === 'post:created') {
        if (shown.current.has(postId) || ignored.current.has(postId) || fresh.current.has(postId)) return;
        if (viewer && payload.authorId === viewer.id) return;
        fresh.current.add(postId);
        setNewCount(fresh.current.size);
        return;
      }
      if (!shown.current.has(postId)) return;
      if (event.type === 'post:deleted') evict(postId);
      else refresh(postId);
    },
    [
      'post:created',
      'post:updated',
      'post:deleted',
      'reaction:changed',
      'vote:changed',
      'idea:statusChanged',
      'comment:created',
      'membership:revoked',
    ],
  );

  const reset = useCallback(() => {
    fresh.current.clear();
    setNewCount(0);
  }, []);
  const ignore = useCallback((postId: string) => {
    ignored.current.add(postId);
    if (fresh.current.delete(postId)) setNewCount(fresh.current.size);
  }, []);
  return { newCount, reset, ignore, subscription: <SpaceSubscription key={epoch} spaceIds={spaceIds} /> };
}

const loadComposer = () => import('../../components/composer/Composer');
const Composer = lazy(loadComposer);

/** "Write a post": the composer's code loads only when someone starts writing (or is about to). */
export function ComposerLauncher({
  spaces,
  spaceId,
  onCreated,
}: {
  spaces: ComposerSpace[];
  spaceId?: string;
  onCreated(postId: string): void;
}) {
  const { t } = useTranslation('feed');
  const [open, setOpen] = useState(false);
  const launcher = useRef<HTMLButtonElement>(null);
  if (!spaces.some((s) => s.canPost)) return null;
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => launcher.current?.focus());
  };
  return (
    <div className="composer-slot">
      {open ? (
        <Suspense fallback={<Loading />}>
          <Composer
            spaces={spaces}
            spaceId={spaceId}
            onCancel={close}
            onCreated={(postId) => {
              onCreated(postId);
              close();
            }}
          />
        </Suspense>
      ) : (
        <button
          ref={launcher}
          type="button"
          className="btn composer-launcher"
          aria-expanded="false"
          onPointerEnter={() => void loadComposer()}
          onFocus={() => void loadComposer()}
          onClick={() => setOpen(true)}
        >
          {t('composer.open')}
        </button>
      )}
    </div>
  );
}

/** The three states of a feed page before its data: loading, error, or the page. */
export function FeedStates({
  loading,
  error,
  hasData,
  onRetry,
}: {
  loading: boolean;
  error: unknown;
  hasData: boolean;
  onRetry(): void;
}) {
  if (hasData) return null;
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (loading) return <Loading />;
  return null;
}
