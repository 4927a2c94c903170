import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FormError } from '../../components/forms';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { SpacesListItemFragment } from '../../gql/graphql';
import { toUiError } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import './spaces.css';

const PAGE_SIZE = 50;

graphql(`
  fragment SpacesListItem on Space {
    id
    name
    description
    kind
    visibility
    memberCount
    customerCount
    organizationId
    viewerRole
    viewerCan {
      join
      leave
      update
      listMembers
      manageInvitations
      withdrawConsent
    }
  }
`);

const SPACES_LIST = graphql(`
  query SpacesList($first: Int!, $after: String) {
    spaces(first: $first, after: $after) {
      edges {
        cursor
        node {
          ...SpacesListItem
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

/** The organizations of the viewer, with whether they may create spaces there. */
export const SPACES_ORGANIZATIONS = graphql(`
  query SpacesOrganizations {
    me {
      id
      organizations {
        id
        name
        viewerCan {
          createSpace
          createHybridSpace
        }
      }
    }
  }
`);

const JOIN = graphql(`
  mutation SpacesJoin($spaceId: ID!) {
    joinSpace(spaceId: $spaceId) {
      space {
        ...SpacesListItem
      }
    }
  }
`);

type SpaceItem = SpacesListItemFragment;

/** `/spaces`: every space the viewer can read, internal ones then hybrid ones (the server decides which). */
export default function SpacesPage() {
  const { t } = useTranslation('spaces');
  const { data, loading, error, refetch, fetchMore } = useQuery(SPACES_LIST, { variables: { first: PAGE_SIZE } });
  const orgs = useQuery(SPACES_ORGANIZATIONS);
  const creatable = (orgs.data?.me.organizations ?? []).filter((o) => o.viewerCan.createSpace || o.viewerCan.createHybridSpace);
  const spaces = data?.spaces.edges.map((e) => e.node) ?? [];
  const internal = spaces.filter((s) => s.kind === 'INTERNAL');
  const hybrid = spaces.filter((s) => s.kind === 'HYBRID');

  return (
    <section className="page spaces-page">
      <div className="spaces-head">
        <h1>{t('list.title')}</h1>
        {creatable.length > 0 && (
          <div className="btn-row">
            {creatable.map((o) => (
              <Link key={o.id} to={`/spaces/new?org=${encodeURIComponent(o.id)}`} className="btn btn-primary">
                {creatable.length > 1 ? t('list.newIn', { org: o.name }) : t('list.new')}
              </Link>
            ))}
          </div>
        )}
      </div>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : loading && !data ? (
        <Loading />
      ) : spaces.length === 0 ? (
        <Empty>{t('list.empty')}</Empty>
      ) : (
        <>
          {internal.length > 0 && (
            <SpaceGroup title={t('list.internal')} hint={t('list.internalHint')} spaces={internal} id="spaces-internal" />
          )}
          {hybrid.length > 0 && (
            <SpaceGroup title={t('list.hybrid')} hint={t('list.hybridHint')} spaces={hybrid} id="spaces-hybrid" />
          )}
          {data?.spaces.pageInfo.hasNextPage && (
            <div className="spaces-more">
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void fetchMore({ variables: { first: PAGE_SIZE, after: data.spaces.pageInfo.endCursor } }).catch(() => undefined)
                }
              >
                {t('common:loadMore')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function SpaceGroup({ title, hint, spaces, id }: { title: string; hint: string; spaces: SpaceItem[]; id: string }) {
  return (
    <section aria-labelledby={id} className="spaces-group">
      <h2 id={id}>{title}</h2>
      <p className="muted spaces-hint">{hint}</p>
      <ul className="spaces-list">
        {spaces.map((s) => (
          <li key={s.id}>
            <SpaceCard space={s} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function SpaceCard({ space }: { space: SpaceItem }) {
  const { t } = useTranslation('spaces');
  const [join, { loading, error }] = useMutation(JOIN);
  const failure = toUiError(error);
  const member = space.viewerRole !== null && space.viewerRole !== undefined;
  return (
    <article className="card space-card" aria-labelledby={`space-${space.id}`}>
      <h3 id={`space-${space.id}`} className="space-card-title">
        <Link to={`/s/${space.id}`}>{space.name}</Link>
      </h3>
      <p className="space-badges">
        <KindBadge kind={space.kind} />
        <VisibilityBadge visibility={space.visibility} />
        {member && <span className="sp-badge sp-role">{t(`role.${space.viewerRole}`)}</span>}
      </p>
      {space.description && <p className="space-card-description">{space.description}</p>}
      <p className="muted space-counts">
        {t('memberCount', { count: space.memberCount, n: formatNumber(space.memberCount) })}
        {space.kind === 'HYBRID' && <> · {t('customerCount', { count: space.customerCount, n: formatNumber(space.customerCount) })}</>}
      </p>
      <div className="btn-row">
        {space.viewerCan.join && (
          <button
            type="button"
            className="btn btn-primary"
            aria-disabled={loading || undefined}
            onClick={() => !loading && void join({ variables: { spaceId: space.id } }).catch(() => undefined)}
          >
            {t('join')}
            <span className="visually-hidden"> {space.name}</span>
          </button>
        )}
        <Link to={`/s/${space.id}/ideas`} className="btn">
          {t('ideasLink')}
          <span className="visually-hidden"> · {space.name}</span>
        </Link>
        {(space.viewerCan.update ||
          space.viewerCan.listMembers ||
          space.viewerCan.manageInvitations ||
          space.viewerCan.leave ||
          space.viewerCan.withdrawConsent) && (
          <Link to={`/s/${space.id}/settings`} className="btn btn-quiet">
            {t('settingsLink')}
            <span className="visually-hidden"> · {space.name}</span>
          </Link>
        )}
      </div>
      <FormError message={failure?.message} />
    </article>
  );
}

export function KindBadge({ kind }: { kind: string }) {
  const { t } = useTranslation('spaces');
  return <span className={`sp-badge sp-kind-${kind.toLowerCase()}`}>{t(`kind.${kind}`)}</span>;
}

export function VisibilityBadge({ visibility }: { visibility: string }) {
  const { t } = useTranslation('spaces');
  return <span className="sp-badge sp-visibility">{t(`visibility.${visibility}`)}</span>;
}
