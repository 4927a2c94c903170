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

/**
 * Mutations that create something: they accept an `Idempotency-Key` header (IdempotencyMiddleware), so a double
 * submit or a retry after a lost answer creates one thing and gets the first answer again.
 */
export const IDEMPOTENT_MUTATIONS = [
  'createOrganization',
  'createSpace',
  'inviteToSpace',
  'createCustomerAccount',
  'createPost',
  'addComment',
  'react',
  'voteIdea',
  'createCampaign',
  'reportContent',
  'createObjective',
  'recordKpiValue',
  'logEffort',
] as const;
