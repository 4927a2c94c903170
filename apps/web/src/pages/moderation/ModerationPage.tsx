import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button, DialogTrigger } from 'react-aria-components';
import { Author } from '../../components/Author';
import { FormError, TextField } from '../../components/forms';
import { ModalDialog } from '../../components/ModalDialog';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { ModerationAction, ModerationQueueQuery } from '../../gql/graphql';
import { fieldError, toUiError } from '../../lib/errors';
import { formatDate, formatNumber } from '../../lib/format';
import { uiErrorText } from '../../lib/uiErrorText';
import './moderation.css';

const PAGE_SIZE = 50;
const EXCERPT = 400;

const QUEUE = graphql(`
  query ModerationQueue($first: Int!, $after: String) {
    moderationQueue(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          createdAt
          reason
          details
          status
          spaceId
          reporter {
            id
            displayName
          }
          comment {
            id
            body
            hidden
            deleted
            createdAt
            author {
              id
              displayName
            }
            authorBadge {
              ...BadgeFields
            }
          }
          post {
            id
            title
            body
            kind
            hidden
            deleted
            createdAt
            author {
              id
              displayName
            }
            authorBadge {
              ...BadgeFields
            }
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const RESOLVE = graphql(`
  mutation ModerationResolve($input: ResolveReportInput!) {
    resolveReport(input: $input) {
      suspendedUntil
      report {
        id
        status
        resolution
        resolvedAt
      }
    }
  }
`);

type Report = ModerationQueueQuery['moderationQueue']['edges'][number]['node'];

/** Reports of one item (a post, or a comment): the moderators decide them together. */
interface Item {
  key: string;
  reports: Report[];
}

function groupReports(reports: Report[]): Item[] {
  const items = new Map<string, Item>();
  for (const r of reports) {
    const key = r.comment ? `c:${r.comment.id}` : `p:${r.post.id}`;
    const item = items.get(key);
    if (item) item.reports.push(r);
    else items.set(key, { key, reports: [r] });
  }
  return [...items.values()];
}

function excerpt(text: string): string {
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT).trimEnd()}…` : text;
}

/** `/moderation`: open reports of the spaces the viewer moderates, one card per reported item. */
export default function ModerationPage() {
  const { t } = useTranslation('moderation');
  const { data, loading, error, refetch, fetchMore } = useQuery(QUEUE, { variables: { first: PAGE_SIZE } });
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  // The decided item leaves the list: keyboard focus goes to the confirmation instead of the page's top.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  const items = groupReports(data?.moderationQueue.edges.map((e) => e.node).filter((r) => r.status === 'OPEN') ?? []);

  return (
    <section className="page moderation-page">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {done && (
        <p className="status-line mod-done" role="status" tabIndex={-1} ref={doneRef}>
          {done}
        </p>
      )}
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : loading && !data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{t('empty')}</Empty>
      ) : (
        <ul className="mod-list">
          {items.map((item) => (
            <li key={item.key}>
              <ReportedItem
                item={item}
                onResolved={(message) => {
                  setDone(message);
                  void refetch().catch(() => undefined);
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {data?.moderationQueue.pageInfo.hasNextPage && (
        <div className="mod-more">
          <button
            type="button"
            className="btn"
            onClick={() => void fetchMore({ variables: { first: PAGE_SIZE, after: data.moderationQueue.pageInfo.endCursor } }).catch(() => undefined)}
          >
            {t('common:loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}

function ReportedItem({ item, onResolved }: { item: Item; onResolved(message: string): void }) {
  const { t } = useTranslation('moderation');
  const first = item.reports[0]!;
  const post = first.post;
  const comment = first.comment;
  const content = comment ?? post;
  const hidden = content.hidden;
  const [note, setNote] = useState('');
  const [resolve, state] = useMutation(RESOLVE);
  const ui = toUiError(state.error);
  const reporters = new Set(item.reports.map((r) => r.reporter?.id ?? r.id)).size;
  const reasons = new Map<string, number>();
  for (const r of item.reports) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  const headingId = `report-${item.key}`;

  const decide = async (action: ModerationAction, suspendDays?: number): Promise<boolean> => {
    if (state.loading) return false;
    const result = await resolve({
      variables: { input: { reportId: first.id, action, note: note.trim() || undefined, suspendDays } },
    }).catch(() => null);
    if (!result?.data) return false;
    onResolved(t(`done.${action}`, { title: post.title }));
    return true;
  };

  return (
    <article className="card mod-item" aria-labelledby={headingId}>
      <p className="mod-kind">
        <span className="mod-chip">{comment ? t('item.comment') : t('item.post')}</span>
        {hidden && <span className="mod-chip mod-chip-hidden">{t('item.hidden')}</span>}
        <span className="mod-chip mod-chip-count">{t('reporters', { count: reporters, n: formatNumber(reporters) })}</span>
      </p>
      <h2 id={headingId} className="mod-title">
        {comment ? t('item.commentOn', { title: post.title }) : post.title}
      </h2>
      <div className="mod-content">
        <Author name={content.author?.displayName} badge={content.authorBadge} />
        <span className="muted mod-date">
          <time dateTime={content.createdAt}>{formatDate(content.createdAt)}</time>
        </span>
        {content.deleted ? <p className="muted">{t('item.deleted')}</p> : <p className="mod-body">{excerpt(content.body)}</p>}
        <Link to={`/p/${post.id}`} className="mod-open">
          {t('item.open')}
          <span className="visually-hidden"> · {post.title}</span>
        </Link>
      </div>
      <h3 className="mod-subtitle">{t('reasons')}</h3>
      <ul className="mod-reasons">
        {[...reasons].map(([reason, n]) => (
          <li key={reason}>
            <strong>{t(`reason.${reason}`)}</strong>
            {n > 1 && <span className="muted"> × {formatNumber(n)}</span>}
          </li>
        ))}
      </ul>
      {item.reports.some((r) => r.details) && (
        <ul className="mod-details">
          {item.reports
            .filter((r) => r.details)
            .map((r) => (
              <li key={r.id}>
                <q>{r.details}</q> <span className="muted">— {r.reporter?.displayName ?? t('someone')}, {formatDate(r.createdAt)}</span>
              </li>
            ))}
        </ul>
      )}
      <TextField label={t('note')} description={t('noteHint')} value={note} onChange={setNote} multiline rows={2} maxLength={2000} error={fieldError(ui, 'note')} />
      <FormError message={uiErrorText(t, ui, ['note'])} />
      <div className="btn-row mod-actions">
        {hidden ? (
          <Button className="btn" onPress={() => void decide('RESTORE')}>
            {t('action.RESTORE')}
          </Button>
        ) : (
          <Button className="btn btn-danger" onPress={() => void decide('HIDE')}>
            {t('action.HIDE')}
          </Button>
        )}
        <Button className="btn" onPress={() => void decide('DISMISS')}>
          {t('action.DISMISS')}
        </Button>
        <DialogTrigger>
          <Button className="btn btn-danger">
            {t('action.SUSPEND')}
          </Button>
          <SuspendDialog name={content.author?.displayName ?? t('someone')} onSuspend={(days) => decide('SUSPEND', days)} error={fieldError(ui, 'suspendDays')} />
        </DialogTrigger>
      </div>
    </article>
  );
}

function SuspendDialog({ name, onSuspend, error }: { name: string; onSuspend(days: number): Promise<boolean>; error?: string }) {
  const { t } = useTranslation('moderation');
  const [days, setDays] = useState('7');
  const [busy, setBusy] = useState(false);
  const n = Number(days);
  const invalid = !Number.isInteger(n) || n < 1 || n > 365;
  return (
    <ModalDialog title={t('suspend.title', { name })} alert>
      {(close) => {
        const submit = async (e: FormEvent) => {
          e.preventDefault();
          if (invalid || busy) return;
          setBusy(true);
          const ok = await onSuspend(n);
          setBusy(false);
          if (ok) close();
        };
        return (
          <form onSubmit={submit} noValidate>
            <p>{t('suspend.text', { name })}</p>
            <TextField
              label={t('suspend.days')}
              value={days}
              onChange={setDays}
              inputMode="numeric"
              isRequired
              autoFocus
              error={invalid ? t('suspend.daysInvalid') : error}
            />
            <div className="btn-row">
              <Button type="submit" className="btn btn-danger" isDisabled={invalid}>
                {t('suspend.submit')}
              </Button>
              <Button className="btn" onPress={close}>
                {t('common:cancel')}
              </Button>
            </div>
          </form>
        );
      }}
    </ModalDialog>
  );
}
