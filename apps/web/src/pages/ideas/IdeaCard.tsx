import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button, DialogTrigger } from 'react-aria-components';
import { Author } from '../../components/Author';
import { formatNumber } from '../../lib/format';
import { ChangeStatusDialog, MergeDialog } from './IdeaDialogs';
import { VoteButton, type IdeaCardIdea } from './IdeaVote';

/** One idea on the board: title (to the post page), author and badge, votes, and the moderators' actions. */
export function IdeaCard({
  idea,
  campaignTitle,
  onChanged,
}: {
  idea: IdeaCardIdea;
  campaignTitle?: string;
  onChanged(): void;
}) {
  const { t } = useTranslation('ideas');
  const details = idea.idea;
  const can = details?.viewerCan;
  return (
    <article className="idea-card" aria-labelledby={`idea-${idea.id}`}>
      <h3 id={`idea-${idea.id}`} className="idea-card-title">
        <Link to={`/p/${idea.id}`}>{idea.title}</Link>
      </h3>
      <Author name={idea.author?.displayName} badge={idea.authorBadge} />
      <p className="idea-card-meta">
        {campaignTitle && <span className="idea-chip idea-chip-campaign">{campaignTitle}</span>}
        {idea.hidden && <span className="idea-chip idea-chip-hidden">{t('hidden')}</span>}
        <span className="muted">{t('comments', { count: idea.commentCount, n: formatNumber(idea.commentCount) })}</span>
      </p>
      {details?.mergedIntoId && (
        <p className="idea-merged">
          <Link to={`/p/${details.mergedIntoId}`}>{t('mergedInto')}</Link>
        </p>
      )}
      <div className="idea-card-actions">
        <VoteButton idea={idea} />
        {(can?.changeStatus && can.changeStatusTo.length > 0) || can?.merge ? (
          <span className="idea-mod-actions">
            {can?.changeStatus && can.changeStatusTo.length > 0 && (
              <DialogTrigger>
                <Button className="btn btn-small-idea">
                  {t('status.change')}
                  <span className="visually-hidden"> · {idea.title}</span>
                </Button>
                <ChangeStatusDialog idea={idea} onDone={onChanged} />
              </DialogTrigger>
            )}
            {can?.merge && (
              <DialogTrigger>
                <Button className="btn btn-small-idea">
                  {t('merge.open')}
                  <span className="visually-hidden"> · {idea.title}</span>
                </Button>
                <MergeDialog idea={idea} onDone={onChanged} />
              </DialogTrigger>
            )}
          </span>
        ) : null}
      </div>
    </article>
  );
}
