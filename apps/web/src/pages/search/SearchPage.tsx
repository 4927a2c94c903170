import { useState, type FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import { Author } from '../../components/Author';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { SearchKind, SearchResultsQuery } from '../../gql/graphql';
import { formatDate } from '../../lib/format';
import { Headline, HighlightTerms, queryTerms } from './Highlight';
import './search.css';

const PAGE_SIZE = 20;
type KindFilter = 'ALL' | SearchKind;
const FILTERS: readonly KindFilter[] = ['ALL', 'POST', 'IDEA', 'COMMENT'];

const SEARCH = graphql(`
  query SearchResults($query: String!, $kinds: [SearchKind!], $first: Int!, $after: String) {
    search(query: $query, kinds: $kinds, first: $first, after: $after) {
      edges {
        cursor
        node {
          headline
          rank
          comment {
            id
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
            kind
            createdAt
            author {
              id
              displayName
            }
            authorBadge {
              ...BadgeFields
            }
            idea {
              status
              voteCount
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

type Hit = SearchResultsQuery['search']['edges'][number]['node'];

/** `/search?q=&kind=`: full-text search over what the viewer can read, with highlighted excerpts. */
export default function SearchPage() {
  const { t } = useTranslation('search');
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim().slice(0, 200);
  const kindParam = params.get('kind');
  const kind: KindFilter = FILTERS.includes(kindParam as KindFilter) ? (kindParam as KindFilter) : 'ALL';

  const { data, loading, error, refetch, fetchMore } = useQuery(SEARCH, {
    variables: { query: q, kinds: kind === 'ALL' ? null : [kind], first: PAGE_SIZE },
    skip: !q,
  });
  const hits = data?.search.edges.map((e) => e.node) ?? [];
  const terms = queryTerms(q);

  const update = (next: { q?: string; kind?: KindFilter }) => {
    const p = new URLSearchParams();
    const query = next.q ?? q;
    const k = next.kind ?? kind;
    if (query) p.set('q', query);
    if (k !== 'ALL') p.set('kind', k);
    setParams(p);
  };

  return (
    <section className="page search-page">
      <h1>{t('title')}</h1>
      <SearchForm key={q} initial={q} onSearch={(query) => update({ q: query })} />
      <p id="search-hint" className="muted search-hint">
        {t('hint')}
      </p>
      <ChoiceGroup
        label={t('kind.label')}
        layout="chips"
        value={kind}
        onChange={(k) => update({ kind: k })}
        options={FILTERS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
      />
      {!q ? (
        <Empty>{t('start')}</Empty>
      ) : error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : loading && !data ? (
        <Loading />
      ) : hits.length === 0 ? (
        <Empty>{t('empty', { query: q })}</Empty>
      ) : (
        <>
          <p className="visually-hidden" role="status">
            {t('resultsFor', { query: q })}
          </p>
          <ol className="search-results">
            {hits.map((hit) => (
              <li key={hit.comment?.id ?? hit.post.id}>
                <SearchResult hit={hit} terms={terms} />
              </li>
            ))}
          </ol>
          {data?.search.pageInfo.hasNextPage && (
            <div className="search-more">
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void fetchMore({
                    variables: { query: q, kinds: kind === 'ALL' ? null : [kind], first: PAGE_SIZE, after: data.search.pageInfo.endCursor },
                  }).catch(() => undefined)
                }
              >
                {t('more')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** The box: its text starts from the URL's query (remounted when that changes), searching on submit. */
function SearchForm({ initial, onSearch }: { initial: string; onSearch(query: string): void }) {
  const { t } = useTranslation('search');
  const [draft, setDraft] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(draft.trim().slice(0, 200));
  };
  return (
    <form role="search" onSubmit={submit} className="search-form">
      <SearchField value={draft} onChange={setDraft} onClear={() => onSearch('')} className="search-field" aria-describedby="search-hint">
        <Label className="visually-hidden">{t('label')}</Label>
        <Input maxLength={200} placeholder={t('placeholder')} autoFocus={!initial} />
      </SearchField>
      <Button type="submit" className="btn btn-primary">
        {t('submit')}
      </Button>
    </form>
  );
}

function SearchResult({ hit, terms }: { hit: Hit; terms: string[] }) {
  const { t } = useTranslation('search');
  const post = hit.post;
  const comment = hit.comment;
  const who = comment ?? post;
  return (
    <article className="search-hit card">
      <p className="search-hit-kind">
        <span className={`search-chip search-chip-${comment ? 'comment' : post.kind.toLowerCase()}`}>
          {comment ? t('hit.comment') : t(`hit.${post.kind}`)}
        </span>
        {post.idea && <span className="search-chip">{t(`ideas:status.${post.idea.status}`)}</span>}
      </p>
      <h2 className="search-hit-title">
        <Link to={`/p/${post.id}`}>
          {comment && <span className="muted">{t('hit.on')} </span>}
          <HighlightTerms text={post.title} terms={terms} />
        </Link>
      </h2>
      <p className="search-headline">
        <Headline text={hit.headline} />
      </p>
      <p className="search-hit-meta">
        <Author name={who.author?.displayName} badge={who.authorBadge} />
        <span className="muted">
          <time dateTime={who.createdAt}>{formatDate(who.createdAt)}</time>
        </span>
      </p>
    </article>
  );
}
