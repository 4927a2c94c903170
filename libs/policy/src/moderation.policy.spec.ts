import { decideContentAction } from './content.policy';
import {
  canBeSuspended,
  canResolve,
  checkNewcomerLimits,
  suspensionBlocks,
  type NewcomerFacts,
} from './moderation.policy';
import type { SpaceFacts, ViewerInSpace } from './space.policy';

const hybrid: SpaceFacts = { kind: 'HYBRID', visibility: 'OPEN', membersCanInvite: false };
const customer: ViewerInSpace = { orgRole: 'CUSTOMER', spaceRole: 'CUSTOMER', consent: 'CURRENT', invited: false };
const moderator: ViewerInSpace = { orgRole: 'MEMBER', spaceRole: 'MODERATOR', consent: 'NONE', invited: false };
const now = new Date('2030-01-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe('moderation rules', () => {
  it('lets readers report and only moderators moderate', () => {
    expect(decideContentAction(customer, hybrid, 'report')).toBe('ALLOW');
    expect(decideContentAction(customer, hybrid, 'moderate')).toBe('FORBIDDEN');
    expect(decideContentAction(moderator, hybrid, 'moderate')).toBe('ALLOW');
    expect(decideContentAction({ ...customer, consent: 'OUTDATED' }, hybrid, 'report')).toBe('CONSENT_REQUIRED');
  });

  it('decides open reports once; RESTORE may undo a decision', () => {
    expect(canResolve('OPEN', 'HIDE')).toBe(true);
    expect(canResolve('RESOLVED', 'DISMISS')).toBe(false);
    expect(canResolve('RESOLVED', 'RESTORE')).toBe(true);
  });

  it('suspends participants, not moderators, and only while the suspension runs', () => {
    expect(canBeSuspended(customer)).toBe(true);
    expect(canBeSuspended(moderator)).toBe(false);
    expect(canBeSuspended({ orgRole: 'ADMIN', spaceRole: null })).toBe(false);
    const until = hoursAgo(-1);
    expect(suspensionBlocks(customer, 'post.create', until, now)).toBe(true);
    expect(suspensionBlocks(customer, 'report', until, now)).toBe(false);
    expect(suspensionBlocks(customer, 'post.delete', until, now)).toBe(false);
    expect(suspensionBlocks(customer, 'react', hoursAgo(1), now)).toBe(false);
    expect(suspensionBlocks(moderator, 'comment.create', until, now)).toBe(false);
  });
});

describe('newcomer limits', () => {
  const newcomer: NewcomerFacts = {
    orgRole: 'CUSTOMER',
    spaceRole: 'CUSTOMER',
    joinedAt: hoursAgo(24),
    contributions: 1,
    recentPostTimes: [],
  };
  const post = { newPost: true, links: 0, mentions: 0 };

  it('caps links and mentions per item with field errors', () => {
    expect(checkNewcomerLimits(newcomer, { ...post, links: 2, mentions: 2 }, now)).toEqual({ ok: true });
    expect(checkNewcomerLimits(newcomer, { ...post, links: 3, mentions: 3 }, now)).toEqual({
      ok: false,
      code: 'BAD_USER_INPUT',
      fieldErrors: { body: [expect.stringContaining('2 links')], mentions: [expect.stringContaining('2 people')] },
    });
  });

  it('allows 3 posts per 24 hours and tells when the next one is possible', () => {
    const recentPostTimes = [hoursAgo(20), hoursAgo(2), hoursAgo(1)];
    expect(checkNewcomerLimits({ ...newcomer, recentPostTimes }, post, now)).toEqual({
      ok: false,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 4 * 3600,
    });
    // Comments and edits do not count against the post budget.
    expect(checkNewcomerLimits({ ...newcomer, recentPostTimes }, { ...post, newPost: false }, now)).toEqual({
      ok: true,
    });
  });

  it('lifts after 3 days or 5 contributions, and never applies to employees', () => {
    const busy = { ...post, links: 9, mentions: 9 };
    expect(checkNewcomerLimits({ ...newcomer, joinedAt: hoursAgo(72) }, busy, now)).toEqual({ ok: true });
    expect(checkNewcomerLimits({ ...newcomer, contributions: 5 }, busy, now)).toEqual({ ok: true });
    expect(checkNewcomerLimits({ ...newcomer, orgRole: 'MEMBER', spaceRole: 'MEMBER' }, busy, now)).toEqual({
      ok: true,
    });
  });
});
