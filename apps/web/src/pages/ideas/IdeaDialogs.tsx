import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from 'react-aria-components';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { FormError, TextField } from '../../components/forms';
import { ModalDialog } from '../../components/ModalDialog';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { IdeaStatus } from '../../gql/graphql';
import { fieldError, toUiError } from '../../lib/errors';
import { formatDate, formatNumber } from '../../lib/format';
import { uiErrorText } from '../../lib/uiErrorText';
import { useDebounced } from '../../lib/useDebounced';
import { useSubmissionKey } from '../../lib/idempotency';
import { HighlightTerms, queryTerms } from '../search/Highlight';
import { VoteButton, type IdeaCardIdea } from './IdeaVote';

const CHANGE_STATUS = graphql(`
  mutation IdeaBoardChangeStatus($input: ChangeIdeaStatusInput!) {
    changeIdeaStatus(input: $input) {
      idea {
        ...IdeaCardFields
      }
      change {
        at
        from
        to
        note
      }
    }
  }
`);

const MERGE = graphql(`
  mutation IdeaBoardMerge($input: MergeIdeasInput!) {
    mergeIdeas(input: $input) {
      post {
        ...IdeaCardFields
      }
    }
  }
`);

/** Ideas of a space whose words match: the merge picker and "Similar ideas" while a title is typed. */
const SIMILAR = graphql(`
  query IdeaBoardSimilar($query: String!, $spaceId: ID!, $first: Int!) {
    search(query: $query, spaceId: $spaceId, kinds: [IDEA], first: $first) {
      edges {
        node {
          rank
          post {
            ...IdeaCardFields
          }
        }
      }
    }
  }
`);

const CREATE_CAMPAIGN = graphql(`
  mutation IdeaBoardCreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      campaign {
        id
        title
        question
        deadline
        startsAt
        open
        spaceId
      }
    }
  }
`);

const CREATE_IDEA = graphql(`
  mutation IdeaBoardCreateIdea($input: CreatePostInput!) {
    createPost(input: $input) {
      post {
        ...IdeaCardFields
      }
    }
  }
`);

/** A title as a search for similar ideas: any of its words (`or`), so near duplicates rank first. */
export function similarQuery(text: string): string {
  const words = [...new Set(text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3))].slice(0, 12);
  return words.join(' or ').slice(0, 200);
}

function useSimilarIdeas(text: string, spaceId: string, first: number) {
  const settled = useDebounced(text.trim(), 300);
  const query = settled.length >= 3 ? similarQuery(settled) : '';
  const result = useQuery(SIMILAR, { variables: { query, spaceId, first }, skip: !query, fetchPolicy: 'network-only' });
  return { ...result, query, settled, pending: text.trim() !== settled };
}

/** changeIdeaStatus: a status among those `viewerCan.changeStatusTo` offers, and a note (required). */
export function ChangeStatusDialog({ idea, onDone }: { idea: IdeaCardIdea; onDone(): void }) {
  const { t } = useTranslation('ideas');
  const targets = idea.idea?.viewerCan.changeStatusTo ?? [];
  const [status, setStatus] = useState<IdeaStatus | null>(targets[0] ?? null);
  const [note, setNote] = useState('');
  const [value, setValue] = useState('');
  const [noteMissing, setNoteMissing] = useState(false);
  const [change, state] = useMutation(CHANGE_STATUS);
  const ui = toUiError(state.error);
  const parsedValue = value.trim() ? Number(value.replace(',', '.')) : undefined;
  const valueInvalid = parsedValue !== undefined && !Number.isFinite(parsedValue);

  return (
    <ModalDialog title={t('status.title', { title: idea.title })}>
      {(close) => {
        const submit = async (e: FormEvent) => {
          e.preventDefault();
          if (state.loading) return;
          if (!note.trim()) {
            setNoteMissing(true);
            return;
          }
          if (!status || valueInvalid) return;
          const result = await change({
            variables: { input: { ideaId: idea.id, status, note: note.trim(), estimatedValue: parsedValue } },
          }).catch(() => null);
          if (result?.data) {
            close();
            onDone();
          }
        };
        return (
          <form onSubmit={submit} noValidate>
            <p className="muted">{t('status.current', { status: t(`status.${idea.idea?.status ?? 'NEW'}`) })}</p>
            <ChoiceGroup
              label={t('status.new')}
              value={status}
              onChange={setStatus}
              error={fieldError(ui, 'status')}
              options={targets.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            />
            <TextField
              label={t('status.note')}
              description={t('status.noteHint')}
              value={note}
              onChange={(v) => {
                setNote(v);
                if (v.trim()) setNoteMissing(false);
              }}
              multiline
              rows={4}
              isRequired
              autoFocus
              error={noteMissing ? t('status.noteRequired') : fieldError(ui, 'note')}
            />
            <TextField
              label={t('status.value')}
              description={t('status.valueHint')}
              value={value}
              onChange={setValue}
              inputMode="decimal"
              error={valueInvalid ? t('status.valueInvalid') : fieldError(ui, 'estimatedValue')}
            />
            <FormError message={uiErrorText(t, ui, ['status', 'note', 'estimatedValue'])} />
            <div className="btn-row">
              <Button type="submit" className="btn btn-primary" isDisabled={!status}>
                {t('status.submit')}
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

/** mergeIdeas: this idea (the duplicate) into a target picked from the space's matching ideas. */
export function MergeDialog({ idea, onDone }: { idea: IdeaCardIdea; onDone(): void }) {
  const { t } = useTranslation('ideas');
  const [search, setSearch] = useState(idea.title);
  const [targetId, setTargetId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [merge, state] = useMutation(MERGE);
  const ui = toUiError(state.error);
  const similar = useSimilarIdeas(search, idea.spaceId, 10);
  const candidates = (similar.data?.search.edges ?? []).map((e) => e.node.post).filter((p) => p.id !== idea.id);
  const terms = queryTerms(similar.settled);

  return (
    <ModalDialog title={t('merge.title', { title: idea.title })}>
      {(close) => {
        const submit = async (e: FormEvent) => {
          e.preventDefault();
          if (state.loading) return;
          if (!targetId) return;
          const result = await merge({
            variables: { input: { sourceId: idea.id, targetId, note: note.trim() || undefined } },
          }).catch(() => null);
          if (result?.data) {
            close();
            onDone();
          }
        };
        return (
          <form onSubmit={submit} noValidate>
            <p>{t('merge.explain')}</p>
            <TextField
              label={t('merge.search')}
              description={t('merge.searchHint')}
              value={search}
              onChange={setSearch}
              autoFocus
            />
            {similar.error ? (
              <ErrorState error={similar.error} onRetry={() => void similar.refetch()} />
            ) : similar.loading || similar.pending ? (
              <Loading />
            ) : candidates.length === 0 ? (
              <Empty>{similar.query ? t('merge.none') : t('merge.typeMore')}</Empty>
            ) : (
              <ChoiceGroup
                label={t('merge.target')}
                value={targetId}
                onChange={setTargetId}
                error={fieldError(ui, 'targetId')}
                options={candidates.map((p) => ({
                  value: p.id,
                  label: <HighlightTerms text={p.title} terms={terms} />,
                  description: `${t(`status.${p.idea?.status ?? 'NEW'}`)} · ${t('votes', { count: p.idea?.voteCount ?? 0, n: formatNumber(p.idea?.voteCount ?? 0) })}`,
                }))}
              />
            )}
            <TextField
              label={t('merge.note')}
              value={note}
              onChange={setNote}
              multiline
              rows={3}
              error={fieldError(ui, 'note')}
            />
            <FormError message={uiErrorText(t, ui, ['targetId', 'note'])} />
            <div className="btn-row">
              <Button type="submit" className="btn btn-primary" isDisabled={!targetId}>
                {t('merge.submit')}
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

/** createCampaign: a challenge with a title, a question and a deadline. */
export function NewCampaignDialog({ spaceId, onCreated }: { spaceId: string; onCreated(campaignId: string): void }) {
  const { t } = useTranslation('ideas');
  const [title, setTitle] = useState('');
  const [question, setQuestion] = useState('');
  const [deadline, setDeadline] = useState('');
  const [create, state] = useMutation(CREATE_CAMPAIGN);
  const ui = toUiError(state.error);
  const [missing, setMissing] = useState(false);

  return (
    <ModalDialog title={t('campaign.newTitle')}>
      {(close) => {
        const submit = async (e: FormEvent) => {
          e.preventDefault();
          if (state.loading) return;
          if (!deadline) {
            setMissing(true);
            return;
          }
          // The deadline is the end of the chosen day, in the viewer's time zone.
          const end = new Date(`${deadline}T23:59:59`);
          const result = await create({
            variables: {
              input: { spaceId, title: title.trim(), question: question.trim(), deadline: end.toISOString() },
            },
          }).catch(() => null);
          const id = result?.data?.createCampaign.campaign.id;
          if (id) {
            close();
            onCreated(id);
          }
        };
        return (
          <form onSubmit={submit} noValidate>
            <TextField
              label={t('campaign.title')}
              value={title}
              onChange={setTitle}
              isRequired
              autoFocus
              error={fieldError(ui, 'title')}
            />
            <TextField
              label={t('campaign.question')}
              description={t('campaign.questionHint')}
              value={question}
              onChange={setQuestion}
              multiline
              rows={3}
              isRequired
              error={fieldError(ui, 'question')}
            />
            <TextField
              label={t('campaign.deadline')}
              type="date"
              value={deadline}
              onChange={(v) => {
                setDeadline(v);
                setMissing(false);
              }}
              isRequired
              error={missing ? t('campaign.deadlineRequired') : fieldError(ui, 'deadline')}
            />
            <FormError message={uiErrorText(t, ui, ['title', 'question', 'deadline'])} />
            <div className="btn-row">
              <Button type="submit" className="btn btn-primary">
                {t('campaign.submit')}
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

export interface CampaignOption {
  id: string;
  title: string;
  open: boolean;
  deadline: string;
}

/**
 * A new idea (createPost of kind IDEA): title, Markdown body, campaign. While the title is typed, the space's
 * similar ideas are offered with their vote buttons, so people vote instead of posting a duplicate.
 */
export function NewIdeaDialog({
  spaceId,
  campaigns,
  campaignId: initialCampaign,
  onCreated,
}: {
  spaceId: string;
  campaigns: CampaignOption[];
  campaignId: string | null;
  onCreated(postId: string, title: string): void;
}) {
  const { t } = useTranslation('ideas');
  const open = campaigns.filter((c) => c.open);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [campaignId, setCampaignId] = useState<string>(
    open.some((c) => c.id === initialCampaign) ? initialCampaign! : '',
  );
  const [create, state] = useMutation(CREATE_IDEA);
  const submission = useSubmissionKey();
  const ui = toUiError(state.error);

  return (
    <ModalDialog title={t('new.title')} isDismissable={false}>
      {(close) => {
        const submit = async (e: FormEvent) => {
          e.preventDefault();
          if (state.loading) return;
          const variables = {
            input: {
              spaceId,
              kind: 'IDEA' as const,
              title: title.trim(),
              body: body.trim(),
              campaignId: campaignId || undefined,
            },
          };
          const result = await create({ variables, context: submission.context(variables) }).catch(() => null);
          const post = result?.data?.createPost.post;
          if (post) {
            submission.succeeded();
            close();
            onCreated(post.id, post.title);
          }
        };
        return (
          <form onSubmit={submit} noValidate className="new-idea-form">
            <TextField
              label={t('new.titleLabel')}
              value={title}
              onChange={setTitle}
              isRequired
              autoFocus
              maxLength={200}
              error={fieldError(ui, 'title')}
            />
            <SimilarIdeas title={title} spaceId={spaceId} />
            <TextField
              label={t('new.body')}
              description={t('new.bodyHint')}
              value={body}
              onChange={setBody}
              multiline
              rows={6}
              isRequired
              error={fieldError(ui, 'body')}
            />
            {open.length > 0 && (
              <ChoiceGroup
                label={t('new.campaign')}
                value={campaignId}
                onChange={setCampaignId}
                error={fieldError(ui, 'campaignId')}
                options={[
                  { value: '', label: t('new.noCampaign') },
                  ...open.map((c) => ({
                    value: c.id,
                    label: c.title,
                    description: t('campaign.until', { date: formatDate(c.deadline) }),
                  })),
                ]}
              />
            )}
            <FormError message={uiErrorText(t, ui, ['title', 'body', 'campaignId'])} />
            <div className="btn-row">
              <Button type="submit" className="btn btn-primary">
                {t('new.submit')}
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

function SimilarIdeas({ title, spaceId }: { title: string; spaceId: string }) {
  const { t } = useTranslation('ideas');
  const headingId = useId();
  const similar = useSimilarIdeas(title, spaceId, 5);
  const ideas = (similar.data?.search.edges ?? []).map((e) => e.node.post);
  const terms = queryTerms(similar.settled);
  const shown = Boolean(similar.query) && ideas.length > 0;
  return (
    <div className="similar-ideas" aria-live="polite">
      {shown && (
        <section aria-labelledby={headingId}>
          <h3 id={headingId} className="similar-title">
            {t('similar.title')}
          </h3>
          <p className="muted similar-hint">{t('similar.hint')}</p>
          <ul className="similar-list">
            {ideas.map((idea) => (
              <li key={idea.id} className="similar-item">
                <Link to={`/p/${idea.id}`} className="similar-link">
                  <span>
                    <HighlightTerms text={idea.title} terms={terms} />
                  </span>
                </Link>
                <span className="idea-chip">{t(`status.${idea.idea?.status ?? 'NEW'}`)}</span>
                <VoteButton idea={idea} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
