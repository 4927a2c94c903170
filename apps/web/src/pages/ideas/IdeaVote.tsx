import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../../gql';
import type { IdeaCardFieldsFragment } from '../../gql/graphql';
import { toUiError } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { uiErrorText } from '../../lib/uiErrorText';

export const IDEA_CARD_FIELDS = graphql(`
  fragment IdeaCardFields on Post {
    id
    title
    createdAt
    commentCount
    spaceId
    hidden
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
      viewerVoted
      campaignId
      mergedIntoId
      viewerCan {
        vote
        unvote
        changeStatus
        changeStatusTo
        merge
      }
    }
  }
`);

const VOTE = graphql(`
  mutation IdeaBoardVote($ideaId: ID!) {
    voteIdea(ideaId: $ideaId) {
      post {
        ...IdeaCardFields
      }
    }
  }
`);

const UNVOTE = graphql(`
  mutation IdeaBoardUnvote($ideaId: ID!) {
    unvoteIdea(ideaId: $ideaId) {
      post {
        ...IdeaCardFields
      }
    }
  }
`);

export type IdeaCardIdea = IdeaCardFieldsFragment;

/** The vote count, and Vote / Voted as the idea's `viewerCan` allows. */
export function VoteButton({ idea }: { idea: IdeaCardIdea }) {
  const { t } = useTranslation('ideas');
  const [vote, voteState] = useMutation(VOTE);
  const [unvote, unvoteState] = useMutation(UNVOTE);
  const details = idea.idea;
  if (!details) return null;
  const busy = voteState.loading || unvoteState.loading;
  const ui = toUiError(voteState.error ?? unvoteState.error);
  const voted = details.viewerVoted;
  const canToggle = voted ? details.viewerCan.unvote : details.viewerCan.vote;
  return (
    <span className="idea-vote">
      <span className="idea-vote-count">
        <strong>{formatNumber(details.voteCount)}</strong> <span className="idea-vote-unit">{t('votesUnit', { count: details.voteCount })}</span>
      </span>
      {canToggle ? (
        <button
          type="button"
          className={`btn idea-vote-button${voted ? ' is-voted' : ''}`}
          aria-pressed={voted}
          aria-disabled={busy || undefined}
          onClick={() => {
            if (busy) return;
            const variables = { ideaId: idea.id };
            void (voted ? unvote({ variables }) : vote({ variables })).catch(() => undefined);
          }}
        >
          {voted ? t('voted') : t('vote')}
          <span className="visually-hidden"> {t('voteFor', { title: idea.title })}</span>
        </button>
      ) : (
        voted && <span className="muted idea-you-voted">{t('youVoted')}</span>
      )}
      {ui && (
        <span className="field-error" role="alert">
          {uiErrorText(t, ui)}
        </span>
      )}
    </span>
  );
}
