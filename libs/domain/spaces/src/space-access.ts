import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { alignByKey, type LoaderRegistry } from '@ruche/graphql';
import { Clock, consentRequired, enforce, fromGlobalId, notFound } from '@ruche/kernel';
import {
  decideSpaceAction,
  type ConsentState,
  type OrgRole,
  type SpaceAction,
  type SpaceFacts,
  type SpaceRole,
  type SpaceStanding,
  type ViewerInSpace,
} from '@ruche/policy';
import type { SpaceRow } from './space.types';

export interface SpaceAccessRow extends SpaceRow {
  org_role: OrgRole | null;
  space_role: SpaceRole | null;
  consent: ConsentState;
  invited: boolean;
  other_owners: number;
}

/** The space and what the viewer is to it: the facts every space and content rule decides on. */
export interface AuthorizedSpace extends SpaceStanding {
  space: SpaceRow;
  viewer: ViewerInSpace;
  facts: SpaceFacts;
}

/**
 * The policy enforcement point for spaces: loads what the viewer is to a space in one query, asks the pure
 * policy, and answers NOT_FOUND (same message as a missing space), FORBIDDEN or CONSENT_REQUIRED.
 * Must run inside a transaction (row-level security needs the viewer).
 */
@Injectable()
export class SpaceAccess {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async authorize(viewerId: string, spaceGlobalId: string, action: SpaceAction): Promise<AuthorizedSpace> {
    return this.authorizeById(viewerId, fromGlobalId(spaceGlobalId, 'Space'), action);
  }

  async authorizeById(viewerId: string, spaceId: string, action: SpaceAction): Promise<AuthorizedSpace> {
    const found = await this.find(viewerId, spaceId);
    if (found === 'INVITED') throw consentRequired('Accept the invitation to this space first', 'INVITATION_PENDING');
    if (!found) throw notFound('Space');
    enforce(decideSpaceAction(found.viewer, found.facts, action), 'Space');
    return found;
  }

  /**
   * What the viewer is to a space, for other policies to decide on (content…): null when the space is
   * hidden from them (or missing); 'INVITED' when row-level security hides it but they hold an invitation
   * to it, so they already know it exists and are asked to accept it.
   */
  async find(viewerId: string, spaceId: string): Promise<AuthorizedSpace | 'INVITED' | null> {
    const [row] = await this.load(viewerId, [spaceId]);
    if (!row) return (await this.hasPendingInvitation(viewerId, spaceId)) ? 'INVITED' : null;
    return standingOf(row);
  }

  /**
   * What the viewer is to a space they can see, for `viewerCan`: batched per request (a page of spaces, posts
   * or comments costs one query), loaded once per space. Null when the space is hidden from them.
   */
  viewerIn(loaders: LoaderRegistry, viewerId: string, spaceId: string): Promise<AuthorizedSpace | null> {
    return loaders
      .get<string, AuthorizedSpace | null>('spaceStanding', async (ids) => {
        const rows = await this.db.transaction(() => this.load(viewerId, [...ids]));
        return alignByKey(ids, rows.map(standingOf), (found) => found.space.id);
      })
      .load(spaceId);
  }

  /** Locks the space row for the rest of the transaction (membership changes that check counts). */
  async lock(spaceId: string): Promise<void> {
    await this.db.manager.query('SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE', [spaceId]);
  }

  private load(viewerId: string, spaceIds: string[]): Promise<SpaceAccessRow[]> {
    return this.db.manager.query(spaceStandingSql('$1::uuid[]', '$2', '$3'), [spaceIds, viewerId, this.clock.now()]);
  }

  private async hasPendingInvitation(viewerId: string, spaceId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.manager.query(
      `SELECT 1 FROM invitations i JOIN users u ON u.id = $2
       WHERE i.space_id = $1 AND i.email = u.email AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $3`,
      [spaceId, viewerId, this.clock.now()],
    );
    return rows.length > 0;
  }
}

/**
 * What the viewer `viewer` is to the spaces whose ids `spaceIds` (an array expression) holds, as of `now`:
 * one `SpaceAccessRow` per space they can see (placeholders or column references).
 */
export function spaceStandingSql(spaceIds: string, viewer: string, now: string): string {
  return `SELECT s.*, om.role AS org_role, sm.role AS space_role,
         CASE
           WHEN EXISTS (SELECT 1 FROM consent_records c
                        WHERE c.subject_id = ${viewer} AND c.space_id = s.id AND c.withdrawn_at IS NULL
                          AND c.policy_version = s.consent_version) THEN 'CURRENT'
           WHEN sm.role = 'CUSTOMER' THEN 'OUTDATED'
           ELSE 'NONE'
         END AS consent,
         EXISTS (SELECT 1 FROM invitations i JOIN users u ON u.id = ${viewer}
                 WHERE i.space_id = s.id AND i.email = u.email AND i.accepted_at IS NULL
                   AND i.revoked_at IS NULL AND i.expires_at > ${now}) AS invited,
         CASE WHEN sm.role = 'OWNER' THEN (SELECT count(*) FROM space_memberships o
                                            WHERE o.space_id = s.id AND o.role = 'OWNER' AND o.user_id <> ${viewer})::int
              ELSE 0 END AS other_owners
       FROM spaces s
       LEFT JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ${viewer}
       LEFT JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = ${viewer}
       WHERE s.id = ANY (${spaceIds})`;
}

/** A `SpaceAccessRow` that came back as JSON (`to_jsonb` of `spaceStandingSql`'s row), with its dates. */
export function spaceAccessRowFromJson(json: SpaceAccessRow): SpaceAccessRow {
  return { ...json, created_at: new Date(json.created_at), updated_at: new Date(json.updated_at) };
}

export function standingOf(row: SpaceAccessRow): AuthorizedSpace {
  const viewer: ViewerInSpace = {
    orgRole: row.org_role,
    spaceRole: row.space_role,
    consent: row.consent,
    invited: row.invited,
  };
  const facts: SpaceFacts = { kind: row.kind, visibility: row.visibility, membersCanInvite: row.members_can_invite };
  return { space: row, viewer, facts, otherOwners: row.other_owners };
}
