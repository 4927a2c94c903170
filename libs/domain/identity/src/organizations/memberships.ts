import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { emailDomain } from '@ruche/kernel';
import type { OrgRole } from '@ruche/policy';
import type { UserEntity } from '../accounts/account.entities';

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
