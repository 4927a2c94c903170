import type { RateLimitBucket } from '@ruche/config';

/**
 * GraphQL operations counted against a rate-limit bucket (per person and per IP, per minute: RATE_LIMIT_*).
 * `POST /uploads` spends `uploads` (`@RateLimit` on its route) and a socket connection `sockets` (RealtimeGateway).
 */
export const RATE_LIMITED_OPERATIONS: Record<string, RateLimitBucket> = {
  createPost: 'posts',
  addComment: 'comments',
  react: 'reactions',
  unreact: 'reactions',
  voteIdea: 'votes',
  unvoteIdea: 'votes',
  inviteToSpace: 'invitations',
  search: 'search',
  mentionCandidates: 'search',
};
