import { useId, useRef } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Author } from '../../components/Author';
import { AuthImage, type ImageLike } from '../../components/AuthImage';
import { graphql } from '../../gql';
import type { IdeaStatus, PostCardFieldsFragment, PostKind } from '../../gql/graphql';
import { formatDate, formatNumber, formatRelative } from '../../lib/format';
import { useRecordView } from '../../lib/views';

/** Everything a post card shows, asked for in the feed's one query. */
export const POST_CARD_FIELDS = graphql(`
  fragment PostCardFields on Post {
    id
    spaceId
    kind
    title
    bodyHtml
    createdAt
    editedAt
    pinned
    hidden
    deleted
    tags
    commentCount
    reactionCount
    viewerReaction
    author {
      id
      displayName
    }
    authorBadge {
      ...BadgeFields
    }
    images {
      id
      url
      width
      height
      animated
      variants {
        url
        width
        height
      }
    }
    idea {
      status
      voteCount
      viewerVoted
      viewerCan {
        vote
        unvote
      }
    }
    viewerCan {
      react
      comment
      update
      delete
      pin
      report
    }
  }
`);

export const REACT = graphql(`
  mutation PostReact($input: ReactInput!) {
    react(input: $input) {
      post {
        id
        reactionCount
        viewerReaction
        reactionCounts {
          LIKE
          CELEBRATE
          INSIGHTFUL
          SUPPORT
          CURIOUS
        }
      }
    }
  }
`);

export const UNREACT = graphql(`
  mutation PostUnreact($postId: ID!) {
    unreact(postId: $postId) {
      post {
        id
        reactionCount
        viewerReaction
        reactionCounts {
          LIKE
          CELEBRATE
          INSIGHTFUL
          SUPPORT
          CURIOUS
        }
      }
    }
  }
`);

const VOTE = graphql(`
  mutation PostVoteIdea($ideaId: ID!) {
    voteIdea(ideaId: $ideaId) {
      post {
        id
        idea {
          status
          voteCount
          viewerVoted
          viewerCan {
            vote
            unvote
          }
        }
      }
    }
  }
`);

const UNVOTE = graphql(`
  mutation PostUnvoteIdea($ideaId: ID!) {
    unvoteIdea(ideaId: $ideaId) {
      post {
        id
        idea {
          status
          voteCount
          viewerVoted
          viewerCan {
            vote
            unvote
          }
        }
      }
    }
  }
`);

export function KindChip({ kind }: { kind: PostKind }) {
  const { t } = useTranslation('feed');
  return <span className={`chip kind-chip kind-${kind.toLowerCase()}`}>{t(`kind.${kind}`)}</span>;
}

export function IdeaStatusChip({ status }: { status: IdeaStatus }) {
  const { t } = useTranslation('feed');
  return <span className={`chip status-chip status-${status.toLowerCase()}`}>{t(`ideaStatus.${status}`)}</span>;
}

export function PostTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDate(iso, 'long')}>
      {formatRelative(iso)}
    </time>
  );
}

/**
 * The images of a post. One image: full width. Several: the first full width, the others two per row.
 * Widths follow `sizes="(max-width: 700px) 100vw, 700px"` (half of that for the small ones).
 */
export function PostImages({
  images,
  title,
  all = false,
}: {
  images: readonly ImageLike[];
  title: string;
  all?: boolean;
}) {
  const { t } = useTranslation('feed');
  if (images.length === 0) return null;
  const [first, ...rest] = images;
  const alt = (i: number) => t('image.alt', { title, n: i + 1, count: images.length });
  if (all) {
    return (
      <div className="post-images post-images-all">
        {images.map((img, i) => (
          <AuthImage key={img.id} image={img} alt={alt(i)} maxCssWidth={760} />
        ))}
      </div>
    );
  }
  return (
    <div className="post-images">
      <AuthImage image={first!} alt={alt(0)} maxCssWidth={700} />
      {rest.length > 0 && (
        <div className="post-images-grid">
          {rest.map((img, i) => (
            <AuthImage key={img.id} image={img} alt={alt(i + 1)} maxCssWidth={350} />
          ))}
        </div>
      )}
    </div>
  );
}

export function TagList({
  tags,
  tagHref,
  activeTag,
}: {
  tags: readonly string[];
  tagHref(tag: string): string;
  activeTag?: string | null;
}) {
  const { t } = useTranslation('feed');
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list">
      {tags.map((tag) => (
        <li key={tag}>
          <Link
            to={tagHref(tag)}
            className="chip tag-chip"
            aria-current={tag === activeTag ? 'true' : undefined}
            title={t('tags.filterBy', { tag })}
          >
            #{tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** The quick reaction of a card: Like, or undo one's own reaction (of any kind). */
export function QuickReaction({
  post,
}: {
  post: Pick<PostCardFieldsFragment, 'id' | 'title' | 'reactionCount' | 'viewerReaction' | 'viewerCan'>;
}) {
  const { t } = useTranslation('feed');
  const [react, { loading: reacting }] = useMutation(REACT);
  const [unreact, { loading: unreacting }] = useMutation(UNREACT);
  const mine = post.viewerReaction;
  const count = post.reactionCount;
  return (
    <span className="reaction-quick">
      {post.viewerCan.react ? (
        <button
          type="button"
          className={`btn btn-small${mine ? ' is-on' : ''}`}
          disabled={reacting || unreacting}
          aria-label={
            mine
              ? t('reactions.undo', { title: post.title, reaction: t(`reactions.${mine}`) })
              : t('reactions.likeLabel', { title: post.title })
          }
          onClick={() =>
            void (
              mine
                ? unreact({ variables: { postId: post.id } })
                : react({ variables: { input: { postId: post.id, kind: 'LIKE' } } })
            ).catch(() => undefined)
          }
        >
          {mine ? t(`reactions.${mine}`) : t('reactions.LIKE')}
        </button>
      ) : null}
      <span className="muted reaction-count">{t('reactions.count', { count, n: formatNumber(count) })}</span>
    </span>
  );
}

/** Votes of an idea, with vote / remove-vote per `viewerCan`. */
export function IdeaVotes({ post }: { post: Pick<PostCardFieldsFragment, 'id' | 'title' | 'idea'> }) {
  const { t } = useTranslation('feed');
  const [vote, { loading: voting }] = useMutation(VOTE);
  const [unvote, { loading: unvoting }] = useMutation(UNVOTE);
  const idea = post.idea;
  if (!idea) return null;
  const busy = voting || unvoting;
  return (
    <span className="idea-votes">
      <IdeaStatusChip status={idea.status} />
      <span className="vote-count">{t('idea.votes', { count: idea.voteCount, n: formatNumber(idea.voteCount) })}</span>
      {idea.viewerVoted
        ? idea.viewerCan.unvote && (
            <button
              type="button"
              className="btn btn-small is-on"
              disabled={busy}
              aria-label={t('idea.unvoteLabel', { title: post.title })}
              onClick={() => void unvote({ variables: { ideaId: post.id } }).catch(() => undefined)}
            >
              {t('idea.voted')}
            </button>
          )
        : idea.viewerCan.vote && (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              aria-label={t('idea.voteLabel', { title: post.title })}
              onClick={() => void vote({ variables: { ideaId: post.id } }).catch(() => undefined)}
            >
              {t('idea.vote')}
            </button>
          )}
    </span>
  );
}

/** One post in a feed: an `<article>` whose heading links to the post page. */
export function PostCard({
  post,
  spaceName,
  tagHref,
  activeTag,
  headingLevel = 2,
}: {
  post: PostCardFieldsFragment;
  spaceName?: string | null;
  tagHref(tag: string): string;
  activeTag?: string | null;
  headingLevel?: 2 | 3;
}) {
  const { t } = useTranslation('feed');
  const titleId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const ref = useRef<HTMLElement>(null);
  useRecordView(ref, post.deleted || post.hidden ? null : post.id);
  return (
    <article
      ref={ref}
      className={`card post-card${post.pinned ? ' is-pinned' : ''}${post.hidden ? ' is-hidden' : ''}`}
      aria-labelledby={titleId}
    >
      <div className="post-meta">
        <Author name={post.author?.displayName} badge={post.authorBadge} />
        <span className="post-meta-end muted">
          {spaceName && (
            <>
              <Link to={`/s/${post.spaceId}`} className="space-link">
                {spaceName}
              </Link>
              <span aria-hidden="true"> · </span>
            </>
          )}
          <PostTime iso={post.createdAt} />
          {post.editedAt && <span> · {t('post.edited')}</span>}
        </span>
      </div>
      <div className="post-chips">
        {post.pinned && <span className="chip pin-chip">{t('post.pinned')}</span>}
        <KindChip kind={post.kind} />
        {post.hidden && <span className="chip hidden-chip">{t('post.hidden')}</span>}
      </div>
      <Heading id={titleId} className="post-title">
        <Link to={`/p/${post.id}`}>{post.title}</Link>
      </Heading>
      <div className="markdown post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      <PostImages images={post.images} title={post.title} />
      <TagList tags={post.tags} tagHref={tagHref} activeTag={activeTag} />
      <div className="post-actions">
        {post.idea && <IdeaVotes post={post} />}
        <QuickReaction post={post} />
        <Link to={`/p/${post.id}#comments`} className="btn btn-small btn-quiet comment-link">
          {t('post.comments', { count: post.commentCount, n: formatNumber(post.commentCount) })}
        </Link>
      </div>
    </article>
  );
}
