import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { Db } from '@ruche/database';
import { cursorTimestampSql, decodeCursor, toConnection, type Connection, type ConnectionArgs } from '@ruche/graphql';
import {
  badInput,
  conflict,
  DomainError,
  enforce,
  emailDomain,
  forbidden,
  fromGlobalId,
  normalizeDomain,
  normalizeEmail,
  notFound,
} from '@ruche/kernel';
import { checkRoleChange, decideOrgAction, type OrgAction, type OrgRole } from '@ruche/policy';
import type { Viewer } from '@ruche/auth';
import { UserEntity } from '../accounts/account.entities';
import { OrganizationEntity, OrganizationMembershipEntity } from './organization.entities';
import type {
  AddOrganizationMemberInput,
  CreateOrganizationInput,
  SetOrganizationRoleInput,
} from './organization.inputs';
import {
  Memberships,
  ORGANIZATIONS_OF_USER_JSON,
  organizationsWithRole,
  type OrganizationWithRole,
} from './memberships';

/** Consumer mailbox providers: nobody may claim them as a company domain. */
const PUBLIC_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.fr',
  'live.com',
  'live.fr',
  'msn.com',
  'yahoo.com',
  'yahoo.fr',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.fr',
  'web.de',
  'yandex.ru',
  'mail.ru',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
]);

export interface MemberRow {
  userId: string;
  role: OrgRole;
  joinedAt: Date;
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: Db,
    private readonly memberships: Memberships,
    private readonly audit: AuditTrail,
  ) {}

  async create(viewer: Viewer, input: CreateOrganizationInput): Promise<{ org: OrganizationEntity; role: OrgRole }> {
    const creator = await this.db.manager.getRepository(UserEntity).findOneByOrFail({ id: viewer.userId });
    const domains = [...new Set((input.emailDomains ?? []).map(normalizeDomain))];
    const refused = domains.filter(
      (d) => PUBLIC_MAIL_DOMAINS.has(d) || !creator.emailVerifiedAt || d !== emailDomain(creator.email),
    );
    if (refused.length) {
      throw badInput(
        {
          emailDomains: [`only the domain of your own verified e-mail can be claimed (refused: ${refused.join(', ')})`],
        },
        'Some e-mail domains cannot be claimed',
      );
    }
    return this.db.transaction(async () => {
      // Inserted without RETURNING: row-level security shows the organization only once its owner is in.
      const id = randomUUID();
      await this.db.manager.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [id, input.name.trim()]);
      await this.db.manager.query(
        `INSERT INTO organization_memberships (organization_id, user_id, role) VALUES ($1, $2, 'OWNER')`,
        [id, viewer.userId],
      );
      const org = await this.db.manager.getRepository(OrganizationEntity).findOneByOrFail({ id });
      for (const domain of domains) {
        const claimed = await this.db.manager.query(
          'INSERT INTO organization_domains (domain, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING domain',
          [domain, org.id],
        );
        if (claimed.length === 0) {
          throw new DomainError('CONFLICT', `The domain ${domain} already belongs to another organization`, {
            reason: 'DOMAIN_TAKEN',
            fieldErrors: { emailDomains: [`${domain} is already claimed`] },
          });
        }
        // Colleagues who already verified an address in this domain join now rather than at their next sign-in.
        await this.db.manager.query(
          `INSERT INTO organization_memberships (organization_id, user_id, role)
           SELECT $1, u.id, 'MEMBER' FROM users u
           WHERE u.email_verified_at IS NOT NULL AND split_part(u.email, '@', 2) = $2
           ON CONFLICT DO NOTHING`,
          [org.id, domain],
        );
      }
      return { org, role: 'OWNER' as const };
    });
  }

  /** The organization if the viewer may do `action` on it; NOT_FOUND for outsiders, FORBIDDEN for members. */
  async authorize(
    viewer: Viewer,
    globalId: string,
    action: OrgAction,
  ): Promise<{ org: OrganizationEntity; role: OrgRole }> {
    const id = fromGlobalId(globalId, 'Organization');
    return this.db.transaction(async () => {
      const role = await this.memberships.roleOf(viewer.userId, id);
      enforce(decideOrgAction(role, action), 'Organization');
      const org = await this.db.manager.getRepository(OrganizationEntity).findOneByOrFail({ id });
      return { org, role: role! };
    });
  }

  /** The organizations the viewer is a member of, with their role in each, by name. */
  async ofViewer(viewer: Viewer): Promise<OrganizationWithRole[]> {
    const [row] = await this.db.transaction(() =>
      this.db.prepared<{ organizations: Parameters<typeof organizationsWithRole>[0] }>(
        `SELECT ${ORGANIZATIONS_OF_USER_JSON} AS organizations`,
        [viewer.userId],
      ),
    );
    return organizationsWithRole(row.organizations);
  }

  async emailDomains(organizationId: string): Promise<string[]> {
    const rows: { domain: string }[] = await this.db.transaction(() =>
      this.db.manager.query('SELECT domain FROM organization_domains WHERE organization_id = $1 ORDER BY domain', [
        organizationId,
      ]),
    );
    return rows.map((r) => r.domain);
  }

  /** Members oldest first, keyset-paginated on (joined at, user id). */
  async members(organizationId: string, args: ConnectionArgs): Promise<Connection<MemberRow>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    const rows: {
      user_id: string;
      role: OrgRole;
      created_at: Date;
      position: string;
    }[] = await this.db.transaction(() =>
      this.db.manager.query(
        `SELECT user_id, role, created_at, ${cursorTimestampSql('created_at')} AS position FROM organization_memberships
       WHERE organization_id = $1 AND ($2::timestamptz IS NULL OR (created_at, user_id) > ($2::timestamptz, $3::uuid))
       ORDER BY created_at, user_id LIMIT $4`,
        [organizationId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      ),
    );
    return toConnection(
      rows,
      args,
      (r) => [r.position, r.user_id],
      (r) => ({ userId: r.user_id, role: r.role, joinedAt: r.created_at }),
    );
  }

  async addMember(viewer: Viewer, input: AddOrganizationMemberInput) {
    const { org, role: viewerRole } = await this.authorize(viewer, input.organizationId, 'org.members.add');
    if (input.email !== undefined && input.userId !== undefined) {
      throw badInput({ userId: ['give either email or userId, not both'] });
    }
    const users = this.db.manager.getRepository(UserEntity);
    const user =
      input.userId !== undefined
        ? await users.findOneBy({ id: fromGlobalId(input.userId, 'User') })
        : await users.findOneBy({ email: normalizeEmail(input.email!) });
    if (!user) throw notFound('Account');
    const newRole = input.role ?? 'MEMBER';
    return this.db.transaction(async () => {
      const current = await this.memberships.roleOf(user.id, org.id);
      if (current) throw conflict('This person is already a member of the organization', 'ALREADY_MEMBER');
      this.assertRoleChange({
        viewerRole,
        isSelf: user.id === viewer.userId,
        currentRole: null,
        newRole,
        ownersAfter: 1,
      });
      const row = await this.db.manager
        .getRepository(OrganizationMembershipEntity)
        .save({ organizationId: org.id, userId: user.id, role: newRole });
      await this.audit.record({
        action: 'org.member_added',
        organizationId: org.id,
        targetType: 'User',
        targetId: user.id,
        details: { role: newRole },
      });
      return {
        org,
        viewerRole,
        member: { userId: user.id, role: row.role, joinedAt: row.createdAt },
      };
    });
  }

  async setRole(viewer: Viewer, input: SetOrganizationRoleInput) {
    const { org, role: viewerRole } = await this.authorize(viewer, input.organizationId, 'org.members.setRole');
    const userId = fromGlobalId(input.userId, 'User');
    return this.db.transaction(async () => {
      // Lock the organization's owner rows so two demotions cannot both leave it without an owner.
      const owners: { user_id: string }[] = await this.db.manager.query(
        `SELECT user_id FROM organization_memberships WHERE organization_id = $1 AND role = 'OWNER' FOR UPDATE`,
        [org.id],
      );
      const current = await this.memberships.roleOf(userId, org.id);
      if (!current) throw notFound('Member');
      const ownersAfter = owners.length - (current === 'OWNER' ? 1 : 0) + (input.role === 'OWNER' ? 1 : 0);
      this.assertRoleChange({
        viewerRole,
        isSelf: userId === viewer.userId,
        currentRole: current,
        newRole: input.role,
        ownersAfter,
      });
      await this.db.manager.query(
        'UPDATE organization_memberships SET role = $3, updated_at = now() WHERE organization_id = $1 AND user_id = $2',
        [org.id, userId, input.role],
      );
      await this.audit.record({
        action: 'org.role_changed',
        organizationId: org.id,
        targetType: 'User',
        targetId: userId,
        details: { from: current, to: input.role },
      });
      const row = await this.db.manager
        .getRepository(OrganizationMembershipEntity)
        .findOneByOrFail({ organizationId: org.id, userId });
      return {
        org,
        viewerRole,
        member: { userId, role: row.role, joinedAt: row.createdAt },
      };
    });
  }

  private assertRoleChange(change: Parameters<typeof checkRoleChange>[0]): void {
    const verdict = checkRoleChange(change);
    switch (verdict) {
      case 'ALLOW':
        return;
      case 'NOT_FOUND':
        throw notFound('Organization');
      case 'FORBIDDEN':
        throw forbidden();
      case 'SELF':
        throw forbidden('Nobody can change their own role', 'SELF_ROLE_CHANGE');
      case 'OUTRANKED':
        throw forbidden('Only an owner can grant or remove the OWNER and ADMIN roles', 'OUTRANKED');
      case 'CUSTOMER_BY_INVITATION_ONLY':
        throw badInput({
          role: ['customers join through an invitation to a hybrid space'],
        });
      case 'LAST_OWNER':
        throw conflict('An organization must keep at least one owner', 'LAST_OWNER');
    }
  }
}
