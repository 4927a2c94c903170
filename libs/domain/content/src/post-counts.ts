import type { ReactionKind } from '@ruche/policy';
import type { PostRow } from './post.types';

/**
 * A post's counters after one change, computed as the counter triggers compute them (CheaperCounters), so a
 * reaction or a vote answers from what it read and wrote instead of reading the post again.
 */
function rescored(row: PostRow): PostRow {
  const score = row.reaction_count + 2 * row.comment_count + 2 * row.vote_count;
  const hotRank = Math.log10(Math.max(score, 1)) + row.created_at.getTime() / 1000 / 45_000;
  return { ...row, score, hot_rank: hotRank };
}

/** The viewer's reaction went from `from` to `to` (null: none). */
export function withReaction(row: PostRow, from: ReactionKind | null, to: ReactionKind | null): PostRow {
  if (from === to) return { ...row, viewer_reaction: to };
  const counts = { ...row.reaction_counts };
  if (from) counts[from] = (counts[from] ?? 0) - 1;
  if (to) counts[to] = (counts[to] ?? 0) + 1;
  const delta = (to ? 1 : 0) - (from ? 1 : 0);
  return rescored({ ...row, reaction_count: row.reaction_count + delta, reaction_counts: counts, viewer_reaction: to });
}

/** The viewer's vote was added (+1), removed (-1) or already as asked (0). */
export function withVote(row: PostRow, delta: number, voted: boolean): PostRow {
  return rescored({
    ...row,
    vote_count: row.vote_count + delta,
    viewer_voted: voted,
    // Voting follows the idea (PostsService.follow); removing the vote keeps following it.
    viewer_following: row.viewer_following || voted,
  });
}
