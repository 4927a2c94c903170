import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { Clock, DomainError } from '@ruche/kernel';
import { checkNewcomerLimits, type OrgRole, type SpaceRole } from '@ruche/policy';
import { countLinks } from './markdown';

/**
 * Enforces the newcomer limits of the policy (checkNewcomerLimits) on what a person is about to publish in a
 * space: a new customer's first days there come with small budgets, so a fake or hijacked account cannot
 * flood a community with links, mentions or posts. Runs inside the writing transaction.
 */
@Injectable()
export class NewcomerLimits {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async enforce(
    viewerId: string,
    spaceId: string,
    item: { newPost: boolean; body: string; mentions: number },
  ): Promise<void> {
    const now = this.clock.now();
    const [facts]: {
      org_role: OrgRole | null;
      space_role: SpaceRole | null;
      joined_at: Date | null;
      contributions: number;
      recent: Date[];
    }[] = await this.db.manager.query(
      `SELECT om.role AS org_role, sm.role AS space_role, sm.created_at AS joined_at,
         (SELECT count(*) FROM posts p WHERE p.space_id = s.id AND p.author_id = $2 AND p.hidden_at IS NULL)::int
           + (SELECT count(*) FROM comments c WHERE c.space_id = s.id AND c.author_id = $2 AND c.hidden_at IS NULL)::int
           AS contributions,
         ARRAY(SELECT p.created_at FROM posts p WHERE p.space_id = s.id AND p.author_id = $2 AND p.created_at > $3)
           AS recent
       FROM spaces s
       LEFT JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = $2
       LEFT JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = $2
       WHERE s.id = $1`,
      [spaceId, viewerId, new Date(now.getTime() - 86_400_000)],
    );
    if (!facts) return;
    const verdict = checkNewcomerLimits(
      {
        orgRole: facts.org_role,
        spaceRole: facts.space_role,
        joinedAt: facts.joined_at,
        contributions: facts.contributions,
        recentPostTimes: facts.recent.map((d) => new Date(d)),
      },
      { newPost: item.newPost, links: countLinks(item.body), mentions: item.mentions },
      now,
    );
    if (verdict.ok) return;
    if (verdict.code === 'RATE_LIMITED') {
      throw new DomainError('RATE_LIMITED', 'New members may publish only a few posts a day at first', {
        reason: 'NEWCOMER_LIMIT',
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    throw new DomainError('BAD_USER_INPUT', 'New members have smaller limits at first', {
      reason: 'NEWCOMER_LIMIT',
      fieldErrors: verdict.fieldErrors,
    });
  }
}
