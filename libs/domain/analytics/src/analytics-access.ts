import { Injectable } from '@nestjs/common';
import { Memberships } from '@ruche/identity';
import { enforce, fromGlobalId } from '@ruche/kernel';
import { decideAnalyticsAction, type AnalyticsAction, type OrgRole } from '@ruche/policy';
import { SpaceAccess } from '@ruche/spaces';

export interface AnalyticsGrant {
  organizationId: string;
  spaceId: string | null;
  role: OrgRole;
}

/**
 * The enforcement point for analytics: the viewer's organization role, and for one space what they are to it
 * (through SpaceAccess, so a space the viewer may not read answers NOT_FOUND like a missing one), then the
 * pure decision. Runs inside the caller's transaction.
 */
@Injectable()
export class AnalyticsAccess {
  constructor(
    private readonly memberships: Memberships,
    private readonly spaces: SpaceAccess,
  ) {}

  async organization(viewerId: string, orgGlobalId: string, action: AnalyticsAction): Promise<AnalyticsGrant> {
    const organizationId = fromGlobalId(orgGlobalId, 'Organization');
    return this.authorize(viewerId, organizationId, null, action);
  }

  async authorize(
    viewerId: string,
    organizationId: string,
    spaceId: string | null,
    action: AnalyticsAction,
  ): Promise<AnalyticsGrant> {
    const role = await this.memberships.roleOf(viewerId, organizationId);
    if (spaceId === null || role === null) {
      enforce(decideAnalyticsAction(role, action), 'Organization');
      return { organizationId, spaceId, role: role! };
    }
    const found = await this.spaces.authorizeById(viewerId, spaceId, 'space.read');
    if (found.space.organization_id !== organizationId) enforce('NOT_FOUND', 'Space');
    const manages = found.viewer.spaceRole === 'OWNER' || found.viewer.spaceRole === 'MODERATOR';
    enforce(decideAnalyticsAction(role, action, manages), 'Space');
    return { organizationId, spaceId, role };
  }

  /** For an operation naming only a space: its organization comes from the space. */
  async space(viewerId: string, spaceGlobalId: string, action: AnalyticsAction): Promise<AnalyticsGrant> {
    const spaceId = fromGlobalId(spaceGlobalId, 'Space');
    const found = await this.spaces.authorizeById(viewerId, spaceId, 'space.read');
    return this.authorize(viewerId, found.space.organization_id, spaceId, action);
  }
}
