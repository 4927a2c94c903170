/**
 * Pure authorization rules: facts in, decision out. No I/O, no framework. Every resolver, list, lookup and
 * (later) search, export and socket room asks these functions; row-level security in PostgreSQL is the
 * second wall (migrations/…-CreateSpaces.ts).
 */
export const ORG_ROLES = ['OWNER', 'ADMIN', 'MANAGER', 'MEMBER', 'CUSTOMER'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const EMPLOYEE_ROLES: readonly OrgRole[] = ['OWNER', 'ADMIN', 'MANAGER', 'MEMBER'];

/**
 * ALLOW; NOT_FOUND when the viewer must not even learn the object exists; FORBIDDEN when they already
 * know it exists (they belong to it) but may not do this.
 */
export type Decision = 'ALLOW' | 'FORBIDDEN' | 'NOT_FOUND';

export type OrgAction =
  | 'org.read'
  | 'org.members.list'
  | 'org.members.add'
  | 'org.members.setRole'
  | 'org.audit.read'
  | 'org.customerAccounts.read'
  | 'org.customerAccounts.create';

export function isEmployee(role: OrgRole | null): boolean {
  return role !== null && EMPLOYEE_ROLES.includes(role);
}

export function isOrgAdmin(role: OrgRole | null): boolean {
  return role === 'OWNER' || role === 'ADMIN';
}

/** `viewerRole` is null when the viewer is not a member of the organization. */
export function decideOrgAction(viewerRole: OrgRole | null, action: OrgAction): Decision {
  if (viewerRole === null) return 'NOT_FOUND';
  switch (action) {
    case 'org.read':
      return 'ALLOW';
    case 'org.members.list':
    case 'org.customerAccounts.read':
      return isEmployee(viewerRole) ? 'ALLOW' : 'FORBIDDEN';
    case 'org.customerAccounts.create':
      return isOrgAdmin(viewerRole) || viewerRole === 'MANAGER' ? 'ALLOW' : 'FORBIDDEN';
    case 'org.members.add':
    case 'org.members.setRole':
    case 'org.audit.read':
      return isOrgAdmin(viewerRole) ? 'ALLOW' : 'FORBIDDEN';
  }
}

export interface RoleChange {
  viewerRole: OrgRole | null;
  isSelf: boolean;
  /** The target's current role, or null when they are being added. */
  currentRole: OrgRole | null;
  newRole: OrgRole;
  /** Owners left if this change goes through. */
  ownersAfter: number;
}

export type RoleChangeRefusal = 'SELF' | 'OUTRANKED' | 'CUSTOMER_BY_INVITATION_ONLY' | 'LAST_OWNER';

/**
 * Who may give which organization role. Nobody changes their own role (their badge); admins manage
 * employees below admin; only owners grant or take away OWNER and ADMIN; customers come in through
 * invitations only; an organization always keeps an owner.
 */
export function checkRoleChange(change: RoleChange): Decision | RoleChangeRefusal {
  const base = decideOrgAction(change.viewerRole, 'org.members.setRole');
  if (base !== 'ALLOW') return base;
  if (change.isSelf) return 'SELF';
  if (change.newRole === 'CUSTOMER') return 'CUSTOMER_BY_INVITATION_ONLY';
  const privileged = (r: OrgRole | null) => r === 'OWNER' || r === 'ADMIN';
  if (change.viewerRole !== 'OWNER' && (privileged(change.newRole) || privileged(change.currentRole))) {
    return 'OUTRANKED';
  }
  if (change.ownersAfter < 1) return 'LAST_OWNER';
  return 'ALLOW';
}
