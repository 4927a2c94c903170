import { useCallback, useEffect, useRef, useState } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { Button, DialogTrigger, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { IdeaBoardSpaceQuery, IdeaStatus } from '../../gql/graphql';
import { formatDate, formatNumber } from '../../lib/format';
import { useRealtimeEvents, useSpaceSubscription } from '../../lib/realtime';
import { useMediaQuery } from '../../lib/useDebounced';
import { SpaceClosed } from '../feed/SpaceClosed';
import { IdeaCard } from './IdeaCard';
import { NewCampaignDialog, NewIdeaDialog } from './IdeaDialogs';
import './ideas.css';

/** The funnel, in order: one column each. */
export const STATUSES: readonly IdeaStatus[] = ['NEW', 'UNDER_REVIEW', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED', 'DECLINED', 'MERGED'];
const COLUMN_PAGE = 20;

const BOARD_SPACE = graphql(`
  query IdeaBoardSpace($spaceId: ID!) {
    space(id: $spaceId) {
      id
      name
      kind
      holdsCustomers
      viewerCan {
        post
        createCampaign
      }
    }
    campaigns(spaceId: $spaceId, first: 50) {
      edges {
        node {
          id
          title
          question
          startsAt
          deadline
          open
        }
      }
    }
  }
`);

const COLUMN = graphql(`
  query IdeaBoardColumn($spaceId: ID!, $status: IdeaStatus!, $campaignId: ID, $first: Int!, $after: String) {
    ideas(spaceId: $spaceId, status: $status, campaignId: $campaignId, order: TOP, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...IdeaCardFields
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

type Campaign = IdeaBoardSpaceQuery['campaigns']['edges'][number]['node'];

/** `/s/:spaceId/ideas`: the idea board, one column per status, filtered by campaign, live. */
export default function IdeaBoardPage() {
  const { spaceId = '' } = useParams();
  const { t } = useTranslation('ideas');
  const client = useApolloClient();
  const [params, setParams] = useSearchParams();
  const campaignId = params.get('campaign');
  const wide = useMediaQuery('(min-width: 900px)');
  const [revoked, setRevoked] = useState<string | null>(null);
  const [posted, setPosted] = useState<{ id: string; title: string } | null>(null);
  const { data, loading, error, refetch } = useQuery(BOARD_SPACE, { variables: { spaceId }, skip: revoked !== null });

  // Live: votes, status changes and new ideas in this space refetch the columns shown (at most every 500 ms).
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshBoard = useCallback(() => {
    void client.refetchQueries({ include: ['IdeaBoardColumn'] });
  }, [client]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useSpaceSubscription(data && !revoked ? [data.space.id] : []);
  useRealtimeEvents(
    (event) => {
      if (event.type === 'membership:revoked') {
        const payload = event.payload as { spaceId?: string; reason?: string };
        if (payload.spaceId === spaceId) setRevoked(payload.reason ?? 'LEFT_OR_REMOVED');
        return;
      }
      if (event.spaceId !== spaceId) return;
      if (event.type === 'post:created' && (event.payload as { kind?: string }).kind !== 'IDEA') return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(refreshBoard, 500);
    },
    ['vote:changed', 'idea:statusChanged', 'post:created', 'membership:revoked'],
  );

  if (revoked) return <SpaceClosed reason={revoked} />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;

  const space = data.space;
  const campaigns = data.campaigns.edges.map((e) => e.node);
  const campaign = campaigns.find((c) => c.id === campaignId) ?? null;
  const campaignTitles = new Map(campaigns.map((c) => [c.id, c.title]));
  const setParam = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  return (
    <section className="page ideas-page">
      <p className="ideas-back">
        <Link to={`/s/${space.id}`}>← {space.name}</Link>
      </p>
      <div className="ideas-head">
        <h1>{t('board.title', { space: space.name })}</h1>
        <div className="btn-row">
          {space.viewerCan.post && (
            <DialogTrigger>
              <Button className="btn btn-primary">{t('new.open')}</Button>
              <NewIdeaDialog
                spaceId={space.id}
                campaigns={campaigns}
                campaignId={campaignId}
                onCreated={(id, title) => {
                  setPosted({ id, title });
                  refreshBoard();
                }}
              />
            </DialogTrigger>
          )}
          {space.viewerCan.createCampaign && (
            <DialogTrigger>
              <Button className="btn">{t('campaign.open')}</Button>
              <NewCampaignDialog
                spaceId={space.id}
                onCreated={(id) => {
                  void refetch();
                  setParam('campaign', id);
                }}
              />
            </DialogTrigger>
          )}
        </div>
      </div>
      {space.holdsCustomers && (
        <p className="ideas-note" role="note">
          {t('board.holdsCustomers')}
        </p>
      )}
      {posted && (
        <p className="ideas-posted" role="status">
          {t('new.posted')} <Link to={`/p/${posted.id}`}>{posted.title}</Link>
        </p>
      )}
      {campaigns.length > 0 && (
        <CampaignFilter campaigns={campaigns} value={campaign?.id ?? null} onChange={(id) => setParam('campaign', id)} />
      )}
      {wide ? (
        <div className="idea-board" role="region" aria-label={t('board.label')} tabIndex={0}>
          {STATUSES.map((status) => (
            <section key={status} className="idea-column" aria-labelledby={`col-${status}`}>
              <IdeaColumn spaceId={space.id} status={status} campaignId={campaign?.id ?? null} campaignTitles={campaignTitles} onChanged={refreshBoard} headingId={`col-${status}`} />
            </section>
          ))}
        </div>
      ) : (
        <Tabs
          className="tabs idea-tabs"
          selectedKey={(STATUSES as readonly string[]).includes(params.get('status') ?? '') ? params.get('status')! : 'NEW'}
          onSelectionChange={(key) => setParam('status', key === 'NEW' ? null : String(key))}
        >
          <TabList aria-label={t('board.statusPicker')}>
            {STATUSES.map((status) => (
              <Tab key={status} id={status}>
                {t(`status.${status}`)}
              </Tab>
            ))}
          </TabList>
          {STATUSES.map((status) => (
            <TabPanel key={status} id={status} className="idea-tab-panel">
              <IdeaColumn spaceId={space.id} status={status} campaignId={campaign?.id ?? null} campaignTitles={campaignTitles} onChanged={refreshBoard} headingId={`col-${status}`} />
            </TabPanel>
          ))}
        </Tabs>
      )}
    </section>
  );
}

function CampaignFilter({ campaigns, value, onChange }: { campaigns: Campaign[]; value: string | null; onChange(id: string | null): void }) {
  const { t } = useTranslation('ideas');
  const selected = campaigns.find((c) => c.id === value);
  return (
    <div className="campaign-filter">
      <ChoiceGroup
        label={t('campaign.filter')}
        layout="chips"
        value={value ?? 'all'}
        onChange={(id) => onChange(id === 'all' ? null : id)}
        options={[{ value: 'all', label: t('campaign.all') }, ...campaigns.map((c) => ({ value: c.id, label: c.title }))]}
      />
      {selected && (
        <div className="campaign-card" aria-live="polite">
          <p className="campaign-question">{selected.question}</p>
          <p className="muted campaign-dates">
            {selected.open
              ? t('campaign.openUntil', { date: formatDate(selected.deadline, 'long') })
              : Date.parse(selected.startsAt) > Date.now()
                ? t('campaign.startsOn', { date: formatDate(selected.startsAt, 'long') })
                : t('campaign.closedOn', { date: formatDate(selected.deadline, 'long') })}
          </p>
        </div>
      )}
    </div>
  );
}

function IdeaColumn({
  spaceId,
  status,
  campaignId,
  campaignTitles,
  onChanged,
  headingId,
}: {
  spaceId: string;
  status: IdeaStatus;
  campaignId: string | null;
  campaignTitles: Map<string, string>;
  onChanged(): void;
  headingId: string;
}) {
  const { t } = useTranslation('ideas');
  const { data, loading, error, refetch, fetchMore } = useQuery(COLUMN, {
    variables: { spaceId, status, campaignId, first: COLUMN_PAGE },
  });
  const ideas = data?.ideas.edges.map((e) => e.node) ?? [];
  const more = data?.ideas.pageInfo.hasNextPage ?? false;
  return (
    <>
      <h2 id={headingId} className={`idea-column-title idea-status-${status.toLowerCase()}`}>
        {t(`status.${status}`)}
        {data && (
          <span className="idea-column-count">
            <span className="visually-hidden">: </span>
            {t('board.count', { count: ideas.length, n: `${formatNumber(ideas.length)}${more ? '+' : ''}` })}
          </span>
        )}
      </h2>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : loading && !data ? (
        <Loading />
      ) : ideas.length === 0 ? (
        <Empty>{t('board.emptyColumn')}</Empty>
      ) : (
        <ul className="idea-list">
          {ideas.map((idea) => (
            <li key={idea.id}>
              <IdeaCard idea={idea} campaignTitle={idea.idea?.campaignId ? campaignTitles.get(idea.idea.campaignId) : undefined} onChanged={onChanged} />
            </li>
          ))}
        </ul>
      )}
      {more && data && (
        <div className="idea-more">
          <button
            type="button"
            className="btn"
            onClick={() =>
              void fetchMore({ variables: { spaceId, status, campaignId, first: COLUMN_PAGE, after: data.ideas.pageInfo.endCursor } }).catch(() => undefined)
            }
          >
            {t('common:loadMore')}
            <span className="visually-hidden"> · {t(`status.${status}`)}</span>
          </button>
        </div>
      )}
    </>
  );
}
