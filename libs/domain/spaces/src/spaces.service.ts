import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { Db } from '@ruche/database';
import { cursorTimestampSql, decodeCursor, toConnection, type Connection, type ConnectionArgs } from '@ruche/graphql';
import { Memberships } from '@ruche/identity';
import { badInput, conflict, enforce, forbidden, fromGlobalId, notFound, sha256Hex } from '@ruche/kernel';
import {
  badgeOf,
  canCreateSpace,
  canRemoveSpaceMember,
  checkJoinSpace,
  checkLeaveSpace,
  readableSpaceIdsSql,
  type SpaceRole,
} from '@ruche/policy';
import { ConsentLedger } from './consent-ledger';
import { SpaceAccess } from './space-access';
import type { CreateSpaceInput, SetSpaceRoleInput, SpacesArgs, UpdateSpaceInput } from './space.inputs';
import { CustomerAccount, Space, SpaceMember, type SpaceRow } from './space.types';

/** The default consent text of a hybrid space, until its owners write their own. */
export function defaultConsentText(spaceName: string, organizationName: string): string {
  return [
    `By joining "${spaceName}", you agree that ${organizationName} processes your name, your company and what you`,
    'post, comment, react and vote in this space, to co-create its products and services with you. Employees',
    `of ${organizationName} and the other invited customers of the space can read what you share here.`,
    'You can withdraw this consent at any time from the space: you then leave it at once; what you already',
    'shared stays, attributed to you.',
  ].join(' ');
}

const lastOwner = () => conflict('A space must keep at least one owner: make someone else owner first', 'LAST_OWNER');

@Injectable()
export class SpacesService {
  constructor(
    private readonly db: Db,
    private readonly access: SpaceAccess,
    private readonly memberships: Memberships,
    private readonly consent: ConsentLedger,
    private readonly audit: AuditTrail,
  ) {}

  async create(viewerId: string, input: CreateSpaceInput): Promise<Space> {
    const orgId = fromGlobalId(input.organizationId, 'Organization');
    return this.db.transaction(async () => {
      const orgRole = await this.memberships.roleOf(viewerId, orgId);
      enforce(canCreateSpace(orgRole, input.kind), 'Organization');
      if (input.kind === 'INTERNAL' && input.consentText !== undefined) {
        throw badInput({ consentText: ['only hybrid spaces (with customers) have a consent policy'] });
      }
      const id = randomUUID();
      // No RETURNING: a private space becomes readable to its creator only once they are its owner.
      await this.db.manager.query(
        `INSERT INTO spaces (id, organization_id, name, description, kind, visibility, members_can_invite, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          orgId,
          input.name.trim(),
          input.description?.trim() ?? '',
          input.kind,
          input.visibility,
          input.membersCanInvite ?? false,
          viewerId,
        ],
      );
      await this.db.manager.query(`INSERT INTO space_memberships (space_id, user_id, role) VALUES ($1, $2, 'OWNER')`, [
        id,
        viewerId,
      ]);
      if (input.kind === 'HYBRID') {
        const [org]: { name: string }[] = await this.db.manager.query('SELECT name FROM organizations WHERE id = $1', [
          orgId,
        ]);
        await this.publishConsentPolicy(id, 1, input.consentText ?? defaultConsentText(input.name.trim(), org!.name));
      }
      await this.audit.record({
        action: 'space.created',
        organizationId: orgId,
        spaceId: id,
        targetType: 'Space',
        targetId: id,
        details: { kind: input.kind, visibility: input.visibility },
      });
      return this.view(id, 'OWNER');
    });
  }

  async update(viewerId: string, input: UpdateSpaceInput): Promise<Space> {
    return this.db.transaction(async () => {
      const { space, viewer } = await this.access.authorize(viewerId, input.spaceId, 'space.update');
      if (space.kind === 'INTERNAL' && input.consentText !== undefined) {
        throw badInput({ consentText: ['only hybrid spaces (with customers) have a consent policy'] });
      }
      const changed: string[] = [];
      const set = (column: string, value: unknown, field: string) => {
        if (value === undefined) return;
        changed.push(field);
        return this.db.manager.query(`UPDATE spaces SET ${column} = $2, updated_at = now() WHERE id = $1`, [
          space.id,
          value,
        ]);
      };
      await set('name', input.name?.trim(), 'name');
      await set('description', input.description?.trim(), 'description');
      await set('visibility', input.visibility, 'visibility');
      await set('members_can_invite', input.membersCanInvite, 'membersCanInvite');
      if (input.consentText !== undefined) {
        const current = await this.consentText(space.id, space.consent_version);
        if (current !== input.consentText) {
          const version = space.consent_version + 1;
          await this.publishConsentPolicy(space.id, version, input.consentText);
          await set('consent_version', version, 'consentPolicy');
        }
      }
      if (changed.length) {
        await this.audit.record({
          action: 'space.updated',
          organizationId: space.organization_id,
          spaceId: space.id,
          targetType: 'Space',
          targetId: space.id,
          details: { changed },
        });
      }
      return this.view(space.id, viewer.spaceRole);
    });
  }

  async get(viewerId: string, globalId: string): Promise<Space> {
    return this.db.transaction(async () => {
      const { space, viewer } = await this.access.authorize(viewerId, globalId, 'space.read');
      return Space.from(space, viewer.spaceRole, await this.consentText(space.id, space.consent_version));
    });
  }

  /** Spaces the viewer can read, oldest first; the policy filters in SQL, before pagination. */
  async list(viewerId: string, args: SpacesArgs): Promise<Connection<Space>> {
    const orgId = args.organizationId ? fromGlobalId(args.organizationId, 'Organization') : null;
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    return this.db.transaction(async () => {
      const rows: (SpaceRow & { position: string; viewer_role: SpaceRole | null; consent_text: string | null })[] =
        await this.db.manager.query(
          `SELECT s.*, ${cursorTimestampSql('s.created_at')} AS position, sm.role AS viewer_role, p.text AS consent_text
           FROM spaces s
           LEFT JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = $1
           LEFT JOIN space_consent_policies p ON p.space_id = s.id AND p.version = s.consent_version
           WHERE s.id IN ${readableSpaceIdsSql('$1')}
             AND ($2::uuid IS NULL OR s.organization_id = $2)
             AND ($3::text IS NULL OR s.kind = $3)
             AND ($4::timestamptz IS NULL OR (s.created_at, s.id) > ($4::timestamptz, $5::uuid))
           ORDER BY s.created_at, s.id
           LIMIT $6`,
          [viewerId, orgId, args.kind ?? null, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
        );
      return toConnection(
        rows,
        args,
        (r) => [r.position, r.id],
        (r) => Space.from(r, r.viewer_role, r.consent_text),
      );
    });
  }

  async join(viewerId: string, spaceGlobalId: string): Promise<Space> {
    return this.db.transaction(async () => {
      const { space, viewer, facts } = await this.access.authorize(viewerId, spaceGlobalId, 'space.join');
      if (checkJoinSpace(viewer, facts) === 'ALREADY_MEMBER') {
        throw conflict('You are already a member of this space', 'ALREADY_MEMBER');
      }
      await this.db.manager.query(`INSERT INTO space_memberships (space_id, user_id, role) VALUES ($1, $2, 'MEMBER')`, [
        space.id,
        viewerId,
      ]);
      return this.view(space.id, 'MEMBER');
    });
  }

  /** Leaving a space; for a customer it is the withdrawal of their consent. */
  async leave(viewerId: string, spaceGlobalId: string): Promise<void> {
    await this.db.transaction(async () => {
      const { space, viewer, facts } = await this.access.authorize(viewerId, spaceGlobalId, 'space.leave');
      if (viewer.spaceRole === 'CUSTOMER') {
        await this.consent.withdraw(viewerId, spaceGlobalId);
        return;
      }
      const otherOwners = viewer.spaceRole === 'OWNER' ? await this.otherOwners(space.id, viewerId) : 0;
      if (checkLeaveSpace(viewer, facts, otherOwners) === 'LAST_OWNER') throw lastOwner();
      await this.db.manager.query('DELETE FROM space_memberships WHERE space_id = $1 AND user_id = $2', [
        space.id,
        viewerId,
      ]);
    });
  }

  async removeMember(viewerId: string, spaceGlobalId: string, userGlobalId: string): Promise<Space> {
    const userId = fromGlobalId(userGlobalId, 'User');
    return this.db.transaction(async () => {
      const { space, viewer } = await this.access.authorize(viewerId, spaceGlobalId, 'space.members.remove');
      if (userId === viewerId) throw badInput({ userId: ['to leave a space yourself, use leaveSpace'] });
      await this.access.lock(space.id);
      const [target]: { role: SpaceRole }[] = await this.db.manager.query(
        'SELECT role FROM space_memberships WHERE space_id = $1 AND user_id = $2',
        [space.id, userId],
      );
      if (!target) throw notFound('Member');
      if (!canRemoveSpaceMember(viewer, target.role)) {
        throw forbidden('Moderators can remove members and customers, not owners or moderators', 'OUTRANKED');
      }
      if (target.role === 'OWNER') await this.assertAnotherOwner(space.id, userId);
      await this.db.manager.query('DELETE FROM space_memberships WHERE space_id = $1 AND user_id = $2', [
        space.id,
        userId,
      ]);
      if (target.role === 'CUSTOMER') await this.consent.endOnRemoval(userId, space);
      await this.audit.record({
        action: 'space.member_removed',
        organizationId: space.organization_id,
        spaceId: space.id,
        targetType: 'User',
        targetId: userId,
        details: { role: target.role },
      });
      return this.view(space.id, viewer.spaceRole);
    });
  }

  /** Owners and org admins appoint moderators and co-owners. Customers stay customers. */
  async setRole(viewerId: string, input: SetSpaceRoleInput): Promise<SpaceMember> {
    const userId = fromGlobalId(input.userId, 'User');
    return this.db.transaction(async () => {
      const { space } = await this.access.authorize(viewerId, input.spaceId, 'space.update');
      if (userId === viewerId) throw forbidden('Nobody can change their own role', 'SELF_ROLE_CHANGE');
      await this.access.lock(space.id);
      const [target]: { role: SpaceRole }[] = await this.db.manager.query(
        'SELECT role FROM space_memberships WHERE space_id = $1 AND user_id = $2',
        [space.id, userId],
      );
      if (!target) throw notFound('Member');
      if (target.role === 'CUSTOMER') throw badInput({ userId: ['customers keep the CUSTOMER role in a space'] });
      if (target.role === 'OWNER' && input.role !== 'OWNER') await this.assertAnotherOwner(space.id, userId);
      await this.db.manager.query(
        'UPDATE space_memberships SET role = $3, updated_at = now() WHERE space_id = $1 AND user_id = $2',
        [space.id, userId, input.role],
      );
      await this.audit.record({
        action: 'space.role_changed',
        organizationId: space.organization_id,
        spaceId: space.id,
        targetType: 'User',
        targetId: userId,
        details: { from: target.role, to: input.role },
      });
      const page = await this.memberPage(space.id, { first: 1 }, userId);
      return page.edges[0]!.node;
    });
  }

  async members(viewerId: string, spaceGlobalId: string, args: ConnectionArgs): Promise<Connection<SpaceMember>> {
    return this.db.transaction(async () => {
      const { space } = await this.access.authorize(viewerId, spaceGlobalId, 'space.members.list');
      return this.memberPage(space.id, args);
    });
  }

  /** A page of a space's members with their badges; `only` narrows it to one person. */
  private async memberPage(spaceId: string, args: ConnectionArgs, only?: string): Promise<Connection<SpaceMember>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    const rows: {
      user_id: string;
      role: SpaceRole;
      created_at: Date;
      position: string;
      account_id: string | null;
      account_name: string | null;
      account_domain: string | null;
      account_created_at: Date | null;
    }[] = await this.db.manager.query(
      `SELECT sm.user_id, sm.role, sm.created_at, ${cursorTimestampSql('sm.created_at')} AS position,
              ca.id AS account_id, ca.name AS account_name, ca.domain AS account_domain, ca.created_at AS account_created_at
       FROM space_memberships sm
       LEFT JOIN customer_accounts ca ON ca.id = sm.customer_account_id
       WHERE sm.space_id = $1 AND ($2::timestamptz IS NULL OR (sm.created_at, sm.user_id) > ($2::timestamptz, $3::uuid))
         AND ($5::uuid IS NULL OR sm.user_id = $5)
       ORDER BY sm.created_at, sm.user_id
       LIMIT $4`,
      [spaceId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1, only ?? null],
    );
    return toConnection(
      rows,
      args,
      (r) => [r.position, r.user_id],
      (r) => {
        const account =
          r.account_id && r.account_name && r.account_created_at
            ? CustomerAccount.from({
                id: r.account_id,
                name: r.account_name,
                domain: r.account_domain,
                created_at: r.account_created_at,
              })
            : null;
        const badge = badgeOf(r.role, account?.name ?? null);
        return Object.assign(new SpaceMember(), {
          userId: r.user_id,
          role: r.role,
          joinedAt: r.created_at,
          badge: { ...badge, customerAccount: r.role === 'CUSTOMER' ? account : null },
        });
      },
    );
  }

  /** The space as the viewer now sees it (after a change in this transaction). */
  async view(spaceId: string, viewerRole: SpaceRole | null): Promise<Space> {
    const [row]: SpaceRow[] = await this.db.manager.query('SELECT * FROM spaces WHERE id = $1', [spaceId]);
    if (!row) throw notFound('Space');
    return Space.from(row, viewerRole, await this.consentText(row.id, row.consent_version));
  }

  async consentText(spaceId: string, version: number): Promise<string | null> {
    const [row]: { text: string }[] = await this.db.manager.query(
      'SELECT text FROM space_consent_policies WHERE space_id = $1 AND version = $2',
      [spaceId, version],
    );
    return row?.text ?? null;
  }

  private async publishConsentPolicy(spaceId: string, version: number, text: string): Promise<void> {
    await this.db.manager.query(
      'INSERT INTO space_consent_policies (space_id, version, text, text_hash) VALUES ($1, $2, $3, $4)',
      [spaceId, version, text, sha256Hex(text)],
    );
  }

  /** The owners of the space besides `userId`, their rows locked until the end of the transaction. */
  private async otherOwners(spaceId: string, userId: string): Promise<number> {
    const owners: { user_id: string }[] = await this.db.manager.query(
      `SELECT user_id FROM space_memberships WHERE space_id = $1 AND role = 'OWNER' FOR UPDATE`,
      [spaceId],
    );
    return owners.filter((o) => o.user_id !== userId).length;
  }

  private async assertAnotherOwner(spaceId: string, leavingUserId: string): Promise<void> {
    if ((await this.otherOwners(spaceId, leavingUserId)) < 1) throw lastOwner();
  }
}
