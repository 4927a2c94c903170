import { useMemo, useRef } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ComposerSpace } from '../../components/composer/types';
import { graphql } from '../../gql';
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

/** One request for the whole page: the spaces (names, what one may post there) and the first page of posts. */
const HOME_FEED = graphql(`
  query HomeFeed($order: FeedOrder!, $tag: String, $first: Int!, $after: String) {
    spaces(first: 100) {
      edges {
        node {
          id
          name
          kind
          viewerCan {
            post
            postAnnouncement
          }
        }
      }
    }
    feed(order: $order, tag: $tag, first: $first, after: $after) {
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

/** `/`: the posts of every space the viewer can read. */
export default function HomeFeedPage() {
  const { t } = useTranslation('feed');
  const params = useFeedParams();
  const { order, tag, href } = params;
  const listRef = useRef<HTMLDivElement>(null);
  const client = useApolloClient();
  const { data, loading, error, refetch, fetchMore } = useQuery(HOME_FEED, {
    variables: { order, tag, first: FEED_PAGE_SIZE },
  });

  const spaces = useMemo(() => data?.spaces.edges.map((e) => e.node) ?? [], [data]);
  const spaceIds = useMemo(() => spaces.map((s) => s.id), [spaces]);
  const spaceNames = useMemo(() => new Map(spaces.map((s) => [s.id, s.name])), [spaces]);
  const composerSpaces: ComposerSpace[] = useMemo(
    () =>
      spaces.map((s) => ({
        id: s.id,
        name: s.name,
        canPost: s.viewerCan.post,
        canAnnounce: s.viewerCan.postAnnouncement,
      })),
    [spaces],
  );
  const shownIds = useMemo(() => new Set(data?.feed.edges.map((e) => e.node.id) ?? []), [data]);

  const live = useFeedLive({
    spaceIds,
    shownIds,
    // A space closed for the viewer: its posts leave the screen at once, then the feed is asked again.
    onRevoked: async (spaceId) => {
      for (const { node } of data?.feed.edges ?? []) {
        if (node.spaceId === spaceId)
          client.cache.evict({ id: client.cache.identify({ __typename: 'Post', id: node.id }) });
      }
      client.cache.gc();
      await refetch().catch(() => undefined);
    },
  });

  const showNew = async () => {
    live.reset();
    window.scrollTo({ top: 0 });
    await refetch().catch(() => undefined);
    listRef.current?.focus({ preventScroll: true });
  };

  return (
    <section className="page feed-page">
      <div className="feed-head">
        <h1>{t('home.title')}</h1>
      </div>
      {data && (
        <ComposerLauncher
          spaces={composerSpaces}
          onCreated={(postId) => {
            live.ignore(postId);
            void showNew();
          }}
        />
      )}
      {live.subscription}
      <FeedControls {...params} />
      <NewPostsNotice count={live.newCount} onShow={() => void showNew()} />
      <FeedStates loading={loading} error={error} hasData={Boolean(data)} onRetry={() => void refetch()} />
      {data && (
        <FeedList
          feed={data.feed}
          spaceNames={spaceNames}
          tag={tag}
          tagHref={(tg) => href({ tag: tg })}
          listRef={listRef}
          onMore={() =>
            fetchMore({
              query: FEED_MORE,
              variables: { order, tag, first: FEED_PAGE_SIZE, after: data.feed.pageInfo.endCursor },
            })
          }
          emptyText={
            tag ? (
              t('feed.emptyTag', { tag })
            ) : spaces.length === 0 ? (
              <>
                {t('home.noSpaces')} <Link to="/spaces">{t('home.browseSpaces')}</Link>
              </>
            ) : (
              t('feed.empty')
            )
          }
        />
      )}
    </section>
  );
}
