import { createContext, useCallback, useContext, useMemo, useRef, useState, type FormEvent } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { Author } from '../../components/Author';
import { MentionTextarea, mentionIds } from '../../components/composer/MentionTextarea';
import { FormError, TextField } from '../../components/forms';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { PostPageQuery, ReactionKind } from '../../gql/graphql';
import { fieldError, toUiError } from '../../lib/errors';
import { formatDate, formatNumber } from '../../lib/format';
import { useRealtimeEvents } from '../../lib/realtime';
import { useSubmissionKey } from '../../lib/idempotency';
import { useRecordView } from '../../lib/views';
import { IdeaStatusChip, IdeaVotes, KindChip, PostImages, PostTime, REACT, TagList, UNREACT } from '../feed/PostCard';
import { accessLost, SpaceClosed, SpaceSubscription } from '../feed/SpaceClosed';
import { ConfirmDialog, HistoryDialog, ReportDialog } from './PostDialogs';
import '../feed/feed.css';

const COMMENTS_PAGE = 50;

export const COMMENT_FIELDS = graphql(`
  fragment CommentFields on Comment {
    id
    postId
    parentId
    body
    bodyHtml
    createdAt
    editedAt
    deleted
    hidden
    firstResponse
    author {
      id
      displayName
    }
    authorBadge {
      ...BadgeFields
    }
    viewerCan {
      reply
      update
      delete
      report
    }
  }
`);

const POST_PAGE = graphql(`
  query PostPage($id: ID!, $commentsFirst: Int!) {
    post(id: $id) {
      ...PostCardFields
      body
      editedByModerator
      mentions {
        id
        displayName
      }
      reactionCounts {
        LIKE
        CELEBRATE
        INSIGHTFUL
        SUPPORT
        CURIOUS
      }
      ideaStatusHistory {
        at
        from
        to
        note
      }
      comments(first: $commentsFirst) {
        edges {
          cursor
          node {
            ...CommentFields
          }
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  }
`);

/** The next comments of a thread (also how live comments arrive: after the last one shown). */
const MORE_COMMENTS = graphql(`
  query PostMoreComments($id: ID!, $first: Int!, $after: String) {
    post(id: $id) {
      id
      commentCount
      comments(first: $first, after: $after) {
        edges {
          cursor
          node {
            ...CommentFields
          }
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  }
`);

const COMMENT_COUNT = graphql(`
  query PostCommentCount($id: ID!) {
    post(id: $id) {
      id
      commentCount
    }
  }
`);

/** After a revocation: can the viewer still read the post? */
const POST_ACCESS = graphql(`
  query PostAccessCheck($id: ID!) {
    post(id: $id) {
      id
    }
  }
`);

const ADD_COMMENT = graphql(`
  mutation PostAddComment($input: AddCommentInput!) {
    addComment(input: $input) {
      comment {
        ...CommentFields
      }
      post {
        id
        commentCount
      }
    }
  }
`);

const UPDATE_COMMENT = graphql(`
  mutation PostUpdateComment($input: UpdateCommentInput!) {
    updateComment(input: $input) {
      ...CommentFields
    }
  }
`);

const DELETE_COMMENT = graphql(`
  mutation PostDeleteComment($commentId: ID!) {
    deleteComment(commentId: $commentId) {
      ...CommentFields
    }
  }
`);

const UPDATE_POST = graphql(`
  mutation PostUpdate($input: UpdatePostInput!) {
    updatePost(input: $input) {
      post {
        ...PostCardFields
        body
        editedByModerator
        mentions {
          id
          displayName
        }
      }
    }
  }
`);

const DELETE_POST = graphql(`
  mutation PostDelete($postId: ID!) {
    deletePost(postId: $postId) {
      post {
        id
        deleted
      }
    }
  }
`);

const PIN_POST = graphql(`
  mutation PostPin($input: PinPostInput!) {
    pinPost(input: $input) {
      post {
        id
        pinned
      }
    }
  }
`);

type Post = PostPageQuery['post'];

/** Asks the post page again (after a report, whose ability flag then changes). */
const RefreshPost = createContext<() => void>(() => undefined);
type CommentNode = Post['comments']['edges'][number]['node'];

const REACTIONS: readonly ReactionKind[] = ['LIKE', 'CELEBRATE', 'INSIGHTFUL', 'SUPPORT', 'CURIOUS'];

/** `/p/:postId`: the post, its reactions, the idea's funnel, and the threaded comments. */
export default function PostPage() {
  const { postId = '' } = useParams();
  const { t } = useTranslation('feed');
  const client = useApolloClient();
  const [revoked, setRevoked] = useState<string | null | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  const [epoch, setEpoch] = useState(0);
  const { data, loading, error, refetch, fetchMore } = useQuery(POST_PAGE, {
    variables: { id: postId, commentsFirst: COMMENTS_PAGE },
    skip: revoked !== undefined,
  });
  const post = data?.post;

  /** membership:revoked for the post's space: hide it, ask again, and close it if it is no longer readable. */
  const recheck = async (spaceId: string, reason?: string) => {
    setChecking(true);
    try {
      await client.query({ query: POST_ACCESS, variables: { id: postId }, fetchPolicy: 'network-only' });
      void refetch().catch(() => undefined);
    } catch (e) {
      if (accessLost(e)) {
        setRevoked(reason ?? null);
        client.cache.evict({ id: client.cache.identify({ __typename: 'Post', id: postId }) });
        client.cache.evict({ id: client.cache.identify({ __typename: 'Space', id: spaceId }) });
        client.cache.gc();
      }
    } finally {
      setChecking(false);
      setEpoch((n) => n + 1);
    }
  };

  /** Comments after the last one shown, appended; while older pages are still unread, only the count. */
  const loadNewer = useCallback(async () => {
    if (!post) return;
    const info = post.comments.pageInfo;
    if (info.hasNextPage) {
      await client
        .query({ query: COMMENT_COUNT, variables: { id: post.id }, fetchPolicy: 'network-only' })
        .catch(() => undefined);
      return;
    }
    await fetchMore({
      query: MORE_COMMENTS,
      variables: { id: post.id, first: COMMENTS_PAGE, after: info.endCursor },
    }).catch(() => undefined);
  }, [post, fetchMore, client]);

  useRealtimeEvents(
    (event) => {
      const payload = event.payload as { postId?: string; spaceId?: string; reason?: string };
      if (event.type === 'membership:revoked') {
        const spaceId = payload.spaceId ?? event.spaceId;
        if (post && spaceId === post.spaceId) void recheck(spaceId, payload.reason);
        return;
      }
      if (payload.postId !== postId) return;
      if (event.type === 'comment:created') void loadNewer();
      else void refetch().catch(() => undefined);
    },
    [
      'comment:created',
      'post:updated',
      'post:deleted',
      'reaction:changed',
      'vote:changed',
      'idea:statusChanged',
      'membership:revoked',
    ],
  );

  if (revoked !== undefined) return <SpaceClosed reason={revoked ?? undefined} />;
  if (checking) return <Loading />;
  if (!post) {
    if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
    return loading ? <Loading /> : null;
  }

  return (
    <div className="page post-page">
      <SpaceSubscription key={epoch} spaceIds={[post.spaceId]} />
      <p className="breadcrumb">
        <Link to={`/s/${post.spaceId}`}>← {t('post.backToSpace')}</Link>
      </p>
      <PostMain post={post} onChanged={() => void refetch().catch(() => undefined)} />
      <RefreshPost.Provider value={() => void refetch().catch(() => undefined)}>
        <Comments
          post={post}
          onAdded={loadNewer}
          onMore={() =>
            fetchMore({
              query: MORE_COMMENTS,
              variables: { id: post.id, first: COMMENTS_PAGE, after: post.comments.pageInfo.endCursor },
            })
          }
        />
      </RefreshPost.Provider>
    </div>
  );
}

function PostMain({ post, onChanged }: { post: Post; onChanged(): void }) {
  const { t } = useTranslation('feed');
  const navigate = useNavigate();
  const client = useApolloClient();
  const [editing, setEditing] = useState(false);
  const [pin, pinState] = useMutation(PIN_POST);
  const [remove] = useMutation(DELETE_POST);
  const [actionError, setActionError] = useState<unknown>(null);
  const can = post.viewerCan;
  const ref = useRef<HTMLElement>(null);
  useRecordView(ref, post.deleted || post.hidden ? null : post.id);

  if (post.deleted) {
    return (
      <article className="card post-full is-deleted" aria-labelledby="post-title">
        <h1 id="post-title">{t('post.deletedTitle')}</h1>
        <p className="muted">{t('post.deletedText')}</p>
      </article>
    );
  }

  return (
    <article ref={ref} className="card post-full" aria-labelledby="post-title">
      <div className="post-meta">
        <Author name={post.author?.displayName} badge={post.authorBadge} />
        <span className="post-meta-end muted">
          <PostTime iso={post.createdAt} />
        </span>
      </div>
      <div className="post-chips">
        {post.pinned && <span className="chip pin-chip">{t('post.pinned')}</span>}
        <KindChip kind={post.kind} />
        {post.hidden && <span className="chip hidden-chip">{t('post.hidden')}</span>}
      </div>
      {editing ? (
        <EditPost post={post} onDone={() => setEditing(false)} />
      ) : (
        <>
          <h1 id="post-title" className="post-title">
            {post.title}
          </h1>
          {post.editedAt && (
            <p className="edited-line muted">
              {post.editedByModerator
                ? t('post.editedByModeratorOn', { date: formatDate(post.editedAt, 'long') })
                : t('post.editedOn', { date: formatDate(post.editedAt, 'long') })}{' '}
              <HistoryDialog postId={post.id} byModerator={post.editedByModerator} />
            </p>
          )}
          <div className="markdown post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
          <PostImages images={post.images} title={post.title} all />
          <TagList tags={post.tags} tagHref={(tag) => `/s/${post.spaceId}?tag=${encodeURIComponent(tag)}`} />
        </>
      )}
      {post.idea && <IdeaBlock post={post} />}
      <Reactions post={post} />
      {!editing && (can.update || can.delete || can.pin || can.report) && (
        <div className="btn-row post-tools" role="group" aria-label={t('post.tools')}>
          {can.update && (
            <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
              {t('post.edit')}
            </button>
          )}
          {can.pin && (
            <button
              type="button"
              className="btn btn-small"
              disabled={pinState.loading}
              onClick={() =>
                void pin({ variables: { input: { postId: post.id, pinned: !post.pinned } } }).catch(setActionError)
              }
            >
              {post.pinned ? t('post.unpin') : t('post.pin')}
            </button>
          )}
          {can.report && (
            <ReportDialog target={{ postId: post.id }} label={t('report.postLabel')} onReported={onChanged} />
          )}
          {can.delete && (
            <ConfirmDialog
              trigger={t('post.delete')}
              title={t('post.deleteTitle')}
              text={t('post.deleteText')}
              confirm={t('post.deleteYes')}
              onConfirm={async () => {
                const ok = await remove({ variables: { postId: post.id } }).then(
                  () => true,
                  (e: unknown) => {
                    setActionError(e);
                    return false;
                  },
                );
                if (ok) {
                  client.cache.evict({ id: 'ROOT_QUERY', fieldName: 'feed' });
                  client.cache.gc();
                  await navigate(`/s/${post.spaceId}`);
                }
                return ok;
              }}
            />
          )}
        </div>
      )}
      <FormError message={toUiError(actionError)?.message} />
    </article>
  );
}

function EditPost({ post, onDone }: { post: Post; onDone(): void }) {
  const { t } = useTranslation('feed');
  const [title, setTitle] = useState(post.title);
  const [body, setBody] = useState(post.body);
  const [tags, setTags] = useState(post.tags.join(', '));
  const [mentions, setMentions] = useState(() => new Map(post.mentions.map((u) => [u.id, u.displayName])));
  const [update, { loading, error }] = useMutation(UPDATE_POST);
  const ui = toUiError(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const tagList = tags
      .split(/[\s,]+/)
      .map((x) => x.replace(/^#+/, ''))
      .filter(Boolean);
    void update({
      variables: { input: { postId: post.id, title, body, tags: tagList, mentions: mentionIds(body, mentions) } },
    }).then(onDone, () => undefined);
  };
  const tagsError = ui
    ? Object.entries(ui.fieldErrors).find(([k]) => k === 'tags' || k.startsWith('tags.'))?.[1][0]
    : undefined;
  return (
    <form className="edit-post" onSubmit={submit} noValidate aria-label={t('post.editLabel')}>
      <TextField
        label={t('composer.titleField')}
        value={title}
        onChange={setTitle}
        isRequired
        maxLength={200}
        autoFocus
        error={fieldError(ui, 'title')}
      />
      <MentionTextarea
        label={t('composer.body')}
        value={body}
        onChange={setBody}
        spaceId={post.spaceId}
        mentions={mentions}
        onMention={(id, name) => setMentions((m) => new Map(m).set(id, name))}
        error={fieldError(ui, 'body') ?? fieldError(ui, 'mentions')}
        rows={8}
      />
      <TextField
        label={t('composer.tags.label')}
        description={t('post.tagsHint')}
        value={tags}
        onChange={setTags}
        error={tagsError}
      />
      <FormError message={ui && !Object.keys(ui.fieldErrors).length ? ui.message : null} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={loading}>
          {t('common:save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}

function IdeaBlock({ post }: { post: Post }) {
  const { t } = useTranslation('feed');
  const history = post.ideaStatusHistory ?? [];
  return (
    <section className="idea-block" aria-labelledby="idea-heading">
      <h2 id="idea-heading">{t('idea.heading')}</h2>
      <IdeaVotes post={post} />
      {history.length > 0 && (
        <>
          <h3>{t('idea.history')}</h3>
          <ol className="status-history">
            {history.map((change, i) => (
              <li key={`${change.at}-${i}`}>
                <p className="status-change">
                  <time dateTime={change.at}>{formatDate(change.at, 'long')}</time>
                  {change.from && (
                    <>
                      <IdeaStatusChip status={change.from} /> <span aria-label={t('idea.to')}>→</span>{' '}
                    </>
                  )}
                  <IdeaStatusChip status={change.to} />
                </p>
                {change.note && <p className="status-note">{change.note}</p>}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function Reactions({ post }: { post: Post }) {
  const { t } = useTranslation('feed');
  const [react, reactState] = useMutation(REACT);
  const [unreact, unreactState] = useMutation(UNREACT);
  const busy = reactState.loading || unreactState.loading;
  if (post.deleted) return null;
  return (
    <div className="reactions" role="group" aria-label={t('reactions.label')}>
      {REACTIONS.map((kind) => {
        const count = post.reactionCounts[kind];
        const mine = post.viewerReaction === kind;
        const text = (
          <>
            {t(`reactions.${kind}`)} <span className="reaction-n">{formatNumber(count)}</span>
          </>
        );
        if (!post.viewerCan.react) {
          return count > 0 ? (
            <span key={kind} className="chip reaction-chip">
              {text}
            </span>
          ) : null;
        }
        return (
          <button
            key={kind}
            type="button"
            className={`btn btn-small reaction${mine ? ' is-on' : ''}`}
            aria-pressed={mine}
            disabled={busy}
            onClick={() =>
              void (
                mine
                  ? unreact({ variables: { postId: post.id } })
                  : react({ variables: { input: { postId: post.id, kind } } })
              ).catch(() => undefined)
            }
          >
            {text}
          </button>
        );
      })}
    </div>
  );
}

/** Comments as a tree: answers under their parent (a parent not loaded yet: shown at the top level). */
function Comments({ post, onAdded, onMore }: { post: Post; onAdded(): Promise<void>; onMore(): Promise<unknown> }) {
  const { t } = useTranslation('feed');
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const nodes = post.comments.edges.map((e) => e.node);
  const { roots, children } = useMemo(() => {
    const ids = new Set(nodes.map((c) => c.id));
    const byParent = new Map<string, CommentNode[]>();
    const top: CommentNode[] = [];
    for (const c of nodes) {
      if (c.parentId && ids.has(c.parentId)) {
        const list = byParent.get(c.parentId) ?? [];
        list.push(c);
        byParent.set(c.parentId, list);
      } else top.push(c);
    }
    return { roots: top, children: byParent };
  }, [nodes]);

  return (
    <section className="comments" id="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">
        {t('comments.heading', { count: post.commentCount, n: formatNumber(post.commentCount) })}
      </h2>
      {nodes.length === 0 && <p className="muted">{t('comments.empty')}</p>}
      {roots.length > 0 && (
        <CommentThread comments={roots} childrenOf={children} post={post} onAdded={onAdded} depth={0} />
      )}
      {more.error ? <ErrorState error={more.error} /> : null}
      {post.comments.pageInfo.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={more.loading}
          onClick={() => {
            setMore({ loading: true, error: null });
            onMore().then(
              () => setMore({ loading: false, error: null }),
              (error: unknown) => setMore({ loading: false, error }),
            );
          }}
        >
          {t('comments.more')}
        </button>
      )}
      {post.viewerCan.comment && <CommentForm post={post} onAdded={onAdded} />}
    </section>
  );
}

function CommentThread({
  comments,
  childrenOf,
  post,
  onAdded,
  depth,
}: {
  comments: CommentNode[];
  childrenOf: ReadonlyMap<string, CommentNode[]>;
  post: Post;
  onAdded(): Promise<void>;
  depth: number;
}) {
  return (
    <ol className={`comment-thread depth-${Math.min(depth, 4)}`}>
      {comments.map((c) => (
        <li key={c.id}>
          <CommentItem comment={c} post={post} onAdded={onAdded} />
          {childrenOf.get(c.id) && (
            <CommentThread
              comments={childrenOf.get(c.id)!}
              childrenOf={childrenOf}
              post={post}
              onAdded={onAdded}
              depth={depth + 1}
            />
          )}
        </li>
      ))}
    </ol>
  );
}

function CommentItem({ comment, post, onAdded }: { comment: CommentNode; post: Post; onAdded(): Promise<void> }) {
  const { t } = useTranslation('feed');
  const [mode, setMode] = useState<'view' | 'reply' | 'edit' | 'confirmDelete'>('view');
  const [remove, removeState] = useMutation(DELETE_COMMENT);
  const onChanged = useContext(RefreshPost);
  const can = comment.viewerCan;
  const name = comment.author?.displayName ?? t('common:badge.unknown');

  if (comment.deleted) {
    return (
      <div className="comment is-deleted" id={`c-${comment.id}`}>
        <p className="muted">{t('comments.deleted')}</p>
      </div>
    );
  }
  return (
    <div className={`comment${comment.hidden ? ' is-hidden' : ''}`} id={`c-${comment.id}`}>
      <div className="comment-meta">
        <Author name={comment.author?.displayName} badge={comment.authorBadge} />
        <span className="muted">
          <PostTime iso={comment.createdAt} />
          {comment.editedAt && <> · {t('post.edited')}</>}
        </span>
        {comment.firstResponse && <span className="chip first-response">{t('comments.firstResponse')}</span>}
        {comment.hidden && <span className="chip hidden-chip">{t('post.hidden')}</span>}
      </div>
      {mode === 'edit' ? (
        <EditComment comment={comment} onDone={() => setMode('view')} />
      ) : (
        <div className="markdown comment-body" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
      )}
      {mode === 'view' && (can.reply || can.update || can.delete || can.report) && (
        <div className="btn-row comment-tools">
          {can.reply && (
            <button
              type="button"
              className="btn btn-small btn-quiet"
              aria-label={t('comments.replyTo', { name })}
              onClick={() => setMode('reply')}
            >
              {t('comments.reply')}
            </button>
          )}
          {can.update && (
            <button
              type="button"
              className="btn btn-small btn-quiet"
              aria-label={t('comments.editLabel', { name })}
              onClick={() => setMode('edit')}
            >
              {t('comments.edit')}
            </button>
          )}
          {can.delete && (
            <button
              type="button"
              className="btn btn-small btn-quiet"
              aria-label={t('comments.deleteLabel', { name })}
              onClick={() => setMode('confirmDelete')}
            >
              {t('comments.delete')}
            </button>
          )}
          {can.report && (
            <ReportDialog
              target={{ commentId: comment.id }}
              label={t('report.commentLabel', { name })}
              onReported={onChanged}
            />
          )}
        </div>
      )}
      {mode === 'confirmDelete' && (
        <div className="confirm-box" role="group" aria-label={t('comments.deleteConfirm')}>
          <p>{t('comments.deleteConfirm')}</p>
          <div className="btn-row">
            <button
              type="button"
              className="btn btn-danger btn-small"
              autoFocus
              disabled={removeState.loading}
              onClick={() =>
                void remove({ variables: { commentId: comment.id } }).then(
                  () => void onAdded(),
                  () => undefined,
                )
              }
            >
              {t('comments.deleteYes')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setMode('view')}>
              {t('common:cancel')}
            </button>
          </div>
          <FormError message={toUiError(removeState.error)?.message} />
        </div>
      )}
      {mode === 'reply' && (
        <CommentForm post={post} parent={comment} onAdded={onAdded} onCancel={() => setMode('view')} />
      )}
    </div>
  );
}

function EditComment({ comment, onDone }: { comment: CommentNode; onDone(): void }) {
  const { t } = useTranslation('feed');
  const [body, setBody] = useState(comment.body);
  const [update, { loading, error }] = useMutation(UPDATE_COMMENT);
  const ui = toUiError(error);
  return (
    <form
      className="comment-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void update({ variables: { input: { commentId: comment.id, body } } }).then(onDone, () => undefined);
      }}
    >
      <TextField
        label={t('comments.editField')}
        multiline
        rows={3}
        value={body}
        onChange={setBody}
        autoFocus
        error={fieldError(ui, 'body')}
      />
      <FormError message={ui && !Object.keys(ui.fieldErrors).length ? ui.message : null} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary btn-small" disabled={loading}>
          {t('common:save')}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}

function CommentForm({
  post,
  parent,
  onAdded,
  onCancel,
}: {
  post: Post;
  parent?: CommentNode;
  onAdded(): Promise<void>;
  onCancel?(): void;
}) {
  const { t } = useTranslation('feed');
  const [body, setBody] = useState('');
  const [mentions, setMentions] = useState(() => new Map<string, string>());
  const [add, { loading, error, reset }] = useMutation(ADD_COMMENT);
  const submission = useSubmissionKey();
  const ui = toUiError(error);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const variables = { input: { postId: post.id, parentId: parent?.id, body, mentions: mentionIds(body, mentions) } };
    const ok = await add({ variables, context: submission.context(variables) }).then(
      () => true,
      () => false,
    );
    if (!ok) return;
    submission.succeeded();
    setBody('');
    setMentions(new Map());
    reset();
    await onAdded();
    onCancel?.();
  };
  const name = parent?.author?.displayName ?? t('common:badge.unknown');
  return (
    <form className={`comment-form${parent ? ' is-reply' : ''}`} noValidate onSubmit={(e) => void submit(e)}>
      <MentionTextarea
        label={parent ? t('comments.replyField', { name }) : t('comments.addField')}
        value={body}
        onChange={setBody}
        spaceId={post.spaceId}
        mentions={mentions}
        onMention={(id, n) => setMentions((m) => new Map(m).set(id, n))}
        error={fieldError(ui, 'body') ?? fieldError(ui, 'mentions')}
        rows={parent ? 3 : 4}
        autoFocus={Boolean(parent)}
        onSubmitShortcut={() => void submit()}
      />
      <FormError
        message={
          ui && !Object.keys(ui.fieldErrors).length
            ? ui.code === 'RATE_LIMITED'
              ? t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 })
              : ui.code === 'FORBIDDEN'
                ? t('common:errors.forbidden')
                : ui.message
            : null
        }
      />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={loading}>
          {parent ? t('comments.replySubmit') : t('comments.submit')}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('common:cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
