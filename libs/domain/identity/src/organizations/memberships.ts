import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { emailDomain } from '@ruche/kernel';
import type { OrgRole } from '@ruche/policy';
import type { UserEntity } from '../accounts/account.entities';
import { OrganizationEntity } from './organization.entities';

/** An organization someone belongs to, with their role there. */
export interface OrganizationWithRole {
  org: OrganizationEntity;
  role: OrgRole;
}

/**
 * SQL for the organizations of the user `$1`, with their role in each, by name, as one JSON array (never
 * null): read alone, or beside the user themself by `me` in the same statement.
 */
export const ORGANIZATIONS_OF_USER_JSON = `coalesce((
  SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'created_at', o.created_at, 'role', m.role)
                  ORDER BY o.name, o.id)
  FROM organization_memberships m JOIN organizations o ON o.id = m.organization_id
  WHERE m.user_id = $1), '[]')`;

/** The rows of ORGANIZATIONS_OF_USER_JSON as domain rows. */
export function organizationsWithRole(
  rows: { id: string; name: string; created_at: string; role: OrgRole }[],
): OrganizationWithRole[] {
  return rows.map((o) => ({
    org: Object.assign(new OrganizationEntity(), { id: o.id, name: o.name, createdAt: new Date(o.created_at) }),
    role: o.role,
  }));
}

/** Who belongs to which organization, with which role. */
@Injectable()
export class Memberships {
  constructor(private readonly db: Db) {}

  async roleOf(userId: string, organizationId: string): Promise<OrgRole | null> {
    return this.db.transaction(async () => {
      const rows: { role: OrgRole }[] = await this.db.manager.query(
        'SELECT role FROM organization_memberships WHERE organization_id = $1 AND user_id = $2',
        [organizationId, userId],
      );
      return rows[0]?.role ?? null;
    });
  }

  /**
   * A verified address in an organization's e-mail domain makes its owner an employee (MEMBER) there.
   * Existing memberships (any role) are left untouched.
   */
  async joinByVerifiedDomain(user: UserEntity): Promise<void> {
    if (!user.emailVerifiedAt) return;
    await this.db.manager.query(
      `INSERT INTO organization_memberships (organization_id, user_id, role)
       SELECT d.organization_id, $1, 'MEMBER' FROM organization_domains d WHERE d.domain = $2
       ON CONFLICT DO NOTHING`,
      [user.id, emailDomain(user.email)],
    );
  }
}
