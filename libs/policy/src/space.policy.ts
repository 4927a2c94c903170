import { isEmployee, isOrgAdmin, type Decision, type OrgRole } from './organization.policy';

export const SPACE_KINDS = ['INTERNAL', 'HYBRID'] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];
export const SPACE_VISIBILITIES = ['OPEN', 'PRIVATE'] as const;
export type SpaceVisibility = (typeof SPACE_VISIBILITIES)[number];
export const SPACE_ROLES = ['OWNER', 'MODERATOR', 'MEMBER', 'CUSTOMER'] as const;
export type SpaceRole = (typeof SPACE_ROLES)[number];

/** CURRENT: consent to the space's current policy version; OUTDATED: to an older one (or none left). */
export type ConsentState = 'CURRENT' | 'OUTDATED' | 'NONE';

export interface SpaceFacts {
  kind: SpaceKind;
  visibility: SpaceVisibility;
  membersCanInvite: boolean;
}

/** What the viewer is to one space: their role in its organization and in the space, their consent. */
export interface ViewerInSpace {
  orgRole: OrgRole | null;
  spaceRole: SpaceRole | null;
  consent: ConsentState;
  /** A pending invitation to this space is bound to the viewer's e-mail. */
  invited: boolean;
}

export type SpaceAction =
  | 'space.read'
  | 'space.update'
  | 'space.join'
  | 'space.leave'
  | 'space.members.list'
  | 'space.members.remove'
  | 'space.invite'
  | 'space.invitations.manage'
  | 'space.consent.withdraw'
  | 'space.consent.renew';

/** CONSENT_REQUIRED: the viewer was let in (or invited) but has not consented to the current policy. */
export type SpaceDecision = Decision | 'CONSENT_REQUIRED';

const isCustomer = (v: ViewerInSpace) => v.orgRole === 'CUSTOMER';

/**
 * Who can read a space at all. Org admins: every space of their organization. Employees: open spaces and
 * the spaces they belong to. Customers: only hybrid spaces they belong to with consent to the current
 * policy. Mirrored by `readableSpaceIdsSql` (lists) and by `ruche_readable_spaces()` (row-level security).
 */
export function canReadSpace(v: ViewerInSpace, s: SpaceFacts): boolean {
  if (isOrgAdmin(v.orgRole)) return true;
  if (isEmployee(v.orgRole)) return s.visibility === 'OPEN' || (v.spaceRole !== null && v.spaceRole !== 'CUSTOMER');
  if (isCustomer(v)) return s.kind === 'HYBRID' && v.spaceRole === 'CUSTOMER' && v.consent === 'CURRENT';
  return false;
}

export function decideSpaceAction(v: ViewerInSpace, s: SpaceFacts, action: SpaceAction): SpaceDecision {
  if (!canReadSpace(v, s)) return decideWithoutAccess(v, s, action);
  const manages = isOrgAdmin(v.orgRole) || v.spaceRole === 'OWNER' || v.spaceRole === 'MODERATOR';
  switch (action) {
    case 'space.read':
    case 'space.members.list':
      return 'ALLOW';
    case 'space.update':
      return isOrgAdmin(v.orgRole) || v.spaceRole === 'OWNER' ? 'ALLOW' : 'FORBIDDEN';
    case 'space.join':
      return isEmployee(v.orgRole) && (s.visibility === 'OPEN' || isOrgAdmin(v.orgRole)) ? 'ALLOW' : 'FORBIDDEN';
    case 'space.leave':
      return v.spaceRole !== null ? 'ALLOW' : 'FORBIDDEN';
    case 'space.members.remove':
    case 'space.invitations.manage':
      return manages ? 'ALLOW' : 'FORBIDDEN';
    case 'space.invite':
      if (s.kind !== 'HYBRID') return 'FORBIDDEN';
      return manages || (s.membersCanInvite && v.spaceRole === 'MEMBER') ? 'ALLOW' : 'FORBIDDEN';
    case 'space.consent.withdraw':
    case 'space.consent.renew':
      return v.spaceRole === 'CUSTOMER' ? 'ALLOW' : 'FORBIDDEN';
  }
}

/** Joining adds a membership: `decideSpaceAction`, then ALREADY_MEMBER for someone who already has one. */
export function checkJoinSpace(v: ViewerInSpace, s: SpaceFacts): SpaceDecision | 'ALREADY_MEMBER' {
  const decision = decideSpaceAction(v, s, 'space.join');
  if (decision !== 'ALLOW') return decision;
  return v.spaceRole !== null ? 'ALREADY_MEMBER' : 'ALLOW';
}

/**
 * Leaving: `decideSpaceAction`, then a space always keeps an owner (LAST_OWNER: the viewer owns it and
 * `otherOwners`, the owners besides them, is 0).
 */
export function checkLeaveSpace(v: ViewerInSpace, s: SpaceFacts, otherOwners: number): SpaceDecision | 'LAST_OWNER' {
  const decision = decideSpaceAction(v, s, 'space.leave');
  if (decision !== 'ALLOW') return decision;
  return v.spaceRole === 'OWNER' && otherOwners < 1 ? 'LAST_OWNER' : 'ALLOW';
}

/**
 * A space the viewer cannot read. Customers who belong to it (consent outdated) or hold an invitation to
 * it already know it exists: they are told to consent, and may still withdraw or leave. Everyone else
 * cannot tell it from a space that does not exist.
 */
function decideWithoutAccess(v: ViewerInSpace, s: SpaceFacts, action: SpaceAction): SpaceDecision {
  const knowsIt = s.kind === 'HYBRID' && !isEmployee(v.orgRole) && (v.spaceRole === 'CUSTOMER' || v.invited);
  if (!knowsIt) return 'NOT_FOUND';
  if (v.spaceRole === 'CUSTOMER') {
    if (action === 'space.consent.renew' || action === 'space.consent.withdraw' || action === 'space.leave') {
      return 'ALLOW';
    }
  }
  return 'CONSENT_REQUIRED';
}

/**
 * SQL for the ids of the spaces the user `$viewer` can read (same rule as `canReadSpace`), to filter lists
 * in the query itself, before pagination. `viewer` is a placeholder such as `$1`.
 */
export function readableSpaceIdsSql(viewer: string): string {
  return `(
    SELECT s.id FROM spaces s
    JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ${viewer}
    WHERE om.role IN ('OWNER', 'ADMIN') OR (om.role IN ('MANAGER', 'MEMBER') AND s.visibility = 'OPEN')
    UNION
    SELECT s.id FROM space_memberships sm
    JOIN spaces s ON s.id = sm.space_id
    JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
    WHERE sm.user_id = ${viewer}
      AND ((om.role <> 'CUSTOMER' AND sm.role <> 'CUSTOMER')
        OR (om.role = 'CUSTOMER' AND sm.role = 'CUSTOMER' AND s.kind = 'HYBRID' AND EXISTS (
              SELECT 1 FROM consent_records c
              WHERE c.subject_id = sm.user_id AND c.space_id = s.id
                AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version)))
  )`;
}

/**
 * Whom the viewer may see as a person: themself; colleagues (both employees of one organization); anyone
 * who belongs to a space the viewer can read. A customer therefore sees only co-members of their spaces,
 * and only their name, avatar and badge (the User type shows nothing more to others).
 */
export function visibleUserSql(viewer: string, userColumn: string): string {
  return `(
    ${userColumn} = ${viewer}
    OR EXISTS (
      SELECT 1 FROM organization_memberships mine
      JOIN organization_memberships theirs ON theirs.organization_id = mine.organization_id
      WHERE mine.user_id = ${viewer} AND mine.role <> 'CUSTOMER'
        AND theirs.user_id = ${userColumn} AND theirs.role <> 'CUSTOMER')
    OR EXISTS (
      SELECT 1 FROM space_memberships co
      WHERE co.user_id = ${userColumn} AND co.space_id IN ${readableSpaceIdsSql(viewer)})
  )`;
}

export type BadgeKind = 'EMPLOYEE' | 'CUSTOMER';

/** "Employee", or "Customer · <company>": derived from roles only, so nobody can set their own. */
export function badgeOf(
  role: OrgRole | SpaceRole,
  customerAccountName: string | null,
): { kind: BadgeKind; label: string } {
  if (role === 'CUSTOMER') {
    return { kind: 'CUSTOMER', label: customerAccountName ? `Customer · ${customerAccountName}` : 'Customer' };
  }
  return { kind: 'EMPLOYEE', label: 'Employee' };
}

/** Space roles a moderator may remove; owners and org admins may remove anyone but the last owner. */
export function canRemoveSpaceMember(
  viewer: { orgRole: OrgRole | null; spaceRole: SpaceRole | null },
  targetRole: SpaceRole,
): boolean {
  if (isOrgAdmin(viewer.orgRole) || viewer.spaceRole === 'OWNER') return true;
  if (viewer.spaceRole === 'MODERATOR') return targetRole === 'MEMBER' || targetRole === 'CUSTOMER';
  return false;
}

/** Hybrid spaces hold customers: only org admins open one (Teams/Mattermost: guests need an admin's say). */
export function canCreateSpace(orgRole: OrgRole | null, kind: SpaceKind): Decision {
  if (orgRole === null) return 'NOT_FOUND';
  if (!isEmployee(orgRole)) return 'FORBIDDEN';
  if (kind === 'HYBRID' && !isOrgAdmin(orgRole)) return 'FORBIDDEN';
  return 'ALLOW';
}
