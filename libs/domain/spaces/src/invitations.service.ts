import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { AppConfig } from '@ruche/config';
import { Db } from '@ruche/database';
import { cursorTimestampSql, decodeCursor, toConnection, type Connection, type ConnectionArgs } from '@ruche/graphql';
import {
  badInput,
  Clock,
  conflict,
  consentRequired,
  emailDomain,
  forbidden,
  fromGlobalId,
  hashSecretToken,
  newSecretToken,
  normalizeEmail,
  notFound,
  rateLimited,
  toGlobalId,
} from '@ruche/kernel';
import { isEmployee, type OrgRole } from '@ruche/policy';
import { Mailer } from '@ruche/mail';
import { ConsentLedger } from './consent-ledger';
import { SpaceAccess } from './space-access';
import type { AcceptInvitationInput, InviteToSpaceInput } from './space.inputs';
import {
  CustomerAccount,
  Invitation,
  type InvitationStatus,
  InvitationPreview,
  type ConsentRecord,
  type Space,
} from './space.types';
import { SpacesService } from './spaces.service';

interface InvitationRow {
  id: string;
  space_id: string;
  organization_id: string;
  email: string;
  customer_account_id: string | null;
  invited_by: string;
  expires_at: Date;
  created_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

interface PreviewRow {
  invitation_id: string;
  organization_id: string;
  space_id: string;
  space_name: string;
  inviter_name: string;
  email: string;
  consent_version: number;
  consent_text: string;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

/** One answer for unknown, expired, used and revoked tokens: a token is either usable or "not found". */
const invitationNotFound = () => notFound('Invitation');

@Injectable()
export class InvitationsService {
  private readonly logger = new Logger('Invitations');

  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly access: SpaceAccess,
    private readonly spaces: SpacesService,
    private readonly consent: ConsentLedger,
    private readonly mailer: Mailer,
    private readonly audit: AuditTrail,
  ) {}

  async invite(viewerId: string, input: InviteToSpaceInput): Promise<Invitation> {
    const email = normalizeEmail(input.email);
    const token = newSecretToken();
    const { invitation, spaceName, inviterName } = await this.db.transaction(async () => {
      const { space } = await this.access.authorize(viewerId, input.spaceId, 'space.invite');
      const now = this.clock.now();
      const [inviter]: { email: string; display_name: string }[] = await this.db.manager.query(
        'SELECT email, display_name FROM users WHERE id = $1',
        [viewerId],
      );
      if (inviter!.email === email) throw badInput({ email: ['you cannot invite yourself'] });
      const already: unknown[] = await this.db.manager.query(
        `SELECT 1 FROM space_memberships sm JOIN users u ON u.id = sm.user_id WHERE sm.space_id = $1 AND u.email = $2`,
        [space.id, email],
      );
      if (already.length) throw conflict('This person is already a member of the space', 'ALREADY_MEMBER');
      await this.assertQuota(viewerId, now);
      const accountId = await this.customerAccountFor(space.organization_id, email, input.customerAccountId);
      // A newer invitation replaces any pending one for the same person and space: only the last link works.
      const [replaced]: { id: string }[][] = await this.db.manager.query(
        `UPDATE invitations SET revoked_at = $3, revoked_by = $4
         WHERE space_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id`,
        [space.id, email, now, viewerId],
      );
      for (const { id } of replaced!) {
        await this.audit.record({
          action: 'invitation.revoked',
          organizationId: space.organization_id,
          spaceId: space.id,
          targetType: 'Invitation',
          targetId: id,
          details: { reason: 'REPLACED' },
        });
      }
      const id = randomUUID();
      const expiresAt = new Date(now.getTime() + this.config.invitations.ttlDays * 86_400_000);
      await this.db.manager.query(
        `INSERT INTO invitations (id, space_id, organization_id, email, token_hash, customer_account_id, invited_by, message, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          space.id,
          space.organization_id,
          email,
          hashSecretToken(token),
          accountId,
          viewerId,
          input.message ?? null,
          expiresAt,
          now,
        ],
      );
      await this.audit.record({
        action: 'invitation.created',
        organizationId: space.organization_id,
        spaceId: space.id,
        targetType: 'Invitation',
        targetId: id,
        details: { emailDomain: emailDomain(email), customerAccountId: accountId },
      });
      const [row]: InvitationRow[] = await this.db.manager.query('SELECT * FROM invitations WHERE id = $1', [id]);
      return { invitation: await this.toInvitation(row!), spaceName: space.name, inviterName: inviter!.display_name };
    });
    await this.sendInvitation(email, token, spaceName, inviterName, input.message);
    return invitation;
  }

  async revoke(viewerId: string, invitationGlobalId: string): Promise<Invitation> {
    const id = fromGlobalId(invitationGlobalId, 'Invitation');
    return this.db.transaction(async () => {
      const [row]: InvitationRow[] = await this.db.manager.query('SELECT * FROM invitations WHERE id = $1 FOR UPDATE', [
        id,
      ]);
      if (!row) throw invitationNotFound();
      if (row.invited_by !== viewerId) {
        await this.access.authorizeById(viewerId, row.space_id, 'space.invitations.manage').catch((error: unknown) => {
          // Invitees see the invitations bound to their e-mail but do not manage them.
          throw error instanceof Error && 'code' in error && error.code === 'FORBIDDEN'
            ? forbidden()
            : invitationNotFound();
        });
      }
      if (row.accepted_at) throw conflict('This invitation was already accepted', 'ALREADY_ACCEPTED');
      if (!row.revoked_at) {
        const now = this.clock.now();
        await this.db.manager.query('UPDATE invitations SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [
          id,
          now,
          viewerId,
        ]);
        await this.audit.record({
          action: 'invitation.revoked',
          organizationId: row.organization_id,
          spaceId: row.space_id,
          targetType: 'Invitation',
          targetId: id,
        });
        row.revoked_at = now;
      }
      return this.toInvitation(row);
    });
  }

  /** What the link shows before anyone signs in: the space name, the inviter's name and the consent text. */
  async preview(token: string): Promise<InvitationPreview> {
    const row = await this.db.transaction(() => this.findUsable(token));
    return {
      spaceName: row.space_name,
      inviterName: row.inviter_name,
      consent: { version: row.consent_version, text: row.consent_text },
      expiresAt: row.expires_at,
    };
  }

  /**
   * The invitee, signed in with the invited e-mail, accepts: membership and consent record are created in one
   * transaction, or nothing is. Employees of the organization join as members and are not asked to consent.
   */
  async accept(
    viewerId: string,
    input: AcceptInvitationInput,
  ): Promise<{ space: Space; consentRecord: ConsentRecord | null }> {
    return this.db.transaction(async () => {
      const invitation = await this.findUsable(input.token);
      const [user]: { email: string }[] = await this.db.manager.query('SELECT email FROM users WHERE id = $1', [
        viewerId,
      ]);
      if (user!.email !== invitation.email) {
        throw forbidden('This invitation was sent to another e-mail address: sign in with that address', 'WRONG_EMAIL');
      }
      const orgId = invitation.organization_id;
      const [membership]: { role: OrgRole; customer_account_id: string | null }[] = await this.db.manager.query(
        'SELECT role, customer_account_id FROM organization_memberships WHERE organization_id = $1 AND user_id = $2',
        [orgId, viewerId],
      );
      const employee = isEmployee(membership?.role ?? null);
      if (!employee) {
        if (!input.consent?.accepted) throw consentRequired('Accepting this invitation requires your explicit consent');
        if (input.consent.policyVersion !== invitation.consent_version) {
          throw consentRequired(
            `The consent policy of this space is now version ${invitation.consent_version}: review it and accept again`,
            'POLICY_VERSION_CHANGED',
          );
        }
      }
      const now = this.clock.now();
      const [won]: { customer_account_id: string | null }[] = await this.db.manager.query(
        'SELECT * FROM ruche_accept_invitation($1, $2)',
        [hashSecretToken(input.token), now],
      );
      if (!won) throw invitationNotFound();
      // The link reached this mailbox: the address is verified.
      await this.db.manager.query(
        'UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1',
        [viewerId, now],
      );
      const accountId = won.customer_account_id ?? membership?.customer_account_id ?? null;
      if (!membership) {
        await this.db.manager.query(
          `INSERT INTO organization_memberships (organization_id, user_id, role, customer_account_id)
           VALUES ($1, $2, 'CUSTOMER', $3) ON CONFLICT DO NOTHING`,
          [orgId, viewerId, accountId],
        );
      }
      let consentRecord: ConsentRecord | null = null;
      if (!employee) {
        consentRecord = await this.consent.give(viewerId, {
          organizationId: orgId,
          spaceId: invitation.space_id,
          policyVersion: invitation.consent_version,
          text: invitation.consent_text,
          source: 'INVITATION',
        });
      }
      await this.db.manager.query(
        `INSERT INTO space_memberships (space_id, user_id, role, customer_account_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space_id, user_id) DO NOTHING`,
        [invitation.space_id, viewerId, employee ? 'MEMBER' : 'CUSTOMER', employee ? null : accountId],
      );
      await this.audit.record({
        action: 'invitation.accepted',
        organizationId: orgId,
        spaceId: invitation.space_id,
        targetType: 'Invitation',
        targetId: invitation.invitation_id,
      });
      return { space: await this.spaces.view(invitation.space_id, employee ? 'MEMBER' : 'CUSTOMER'), consentRecord };
    });
  }

  /** Invitations of a space, newest first, for those who manage it. */
  async forSpace(viewerId: string, spaceId: string, args: ConnectionArgs): Promise<Connection<Invitation>> {
    const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
    return this.db.transaction(async () => {
      await this.access.authorizeById(viewerId, spaceId, 'space.invitations.manage');
      const rows: (InvitationRow & { position: string })[] = await this.db.manager.query(
        `SELECT i.*, ${cursorTimestampSql('i.created_at')} AS position FROM invitations i
         WHERE i.space_id = $1 AND ($2::timestamptz IS NULL OR (i.created_at, i.id) < ($2::timestamptz, $3::uuid))
         ORDER BY i.created_at DESC, i.id DESC LIMIT $4`,
        [spaceId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      const nodes = await Promise.all(rows.map((r) => this.toInvitation(r)));
      return toConnection(
        rows.map((r, i) => ({ r, node: nodes[i]! })),
        args,
        ({ r }) => [r.position, r.id],
        ({ node }) => node,
      );
    });
  }

  private async findUsable(token: string): Promise<PreviewRow> {
    const rows: PreviewRow[] = await this.db.manager.query('SELECT * FROM ruche_invitation_preview($1)', [
      hashSecretToken(token),
    ]);
    const row = rows[0];
    if (!row || row.accepted_at || row.revoked_at || row.expires_at <= this.clock.now()) throw invitationNotFound();
    return row;
  }

  private async assertQuota(viewerId: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - 86_400_000);
    const [{ count }]: { count: number }[] = await this.db.manager.query(
      'SELECT count(*)::int AS count FROM invitations WHERE invited_by = $1 AND created_at > $2',
      [viewerId, since],
    );
    if (count >= this.config.invitations.perInviterPerDay) {
      const [oldest]: { created_at: Date }[] = await this.db.manager.query(
        'SELECT min(created_at) AS created_at FROM invitations WHERE invited_by = $1 AND created_at > $2',
        [viewerId, since],
      );
      const retryAfter = Math.ceil((oldest!.created_at.getTime() + 86_400_000 - now.getTime()) / 1000);
      throw rateLimited(
        Math.max(1, retryAfter),
        `You can send ${this.config.invitations.perInviterPerDay} invitations a day`,
      );
    }
  }

  /** The named customer account (must be the organization's), or the one whose domain matches the e-mail. */
  private async customerAccountFor(orgId: string, email: string, globalId: string | undefined): Promise<string | null> {
    if (globalId !== undefined) {
      const id = fromGlobalId(globalId, 'CustomerAccount');
      const rows: unknown[] = await this.db.manager.query(
        'SELECT 1 FROM customer_accounts WHERE id = $1 AND organization_id = $2',
        [id, orgId],
      );
      if (!rows.length) throw notFound('CustomerAccount');
      return id;
    }
    const [match]: { id: string }[] = await this.db.manager.query(
      'SELECT id FROM customer_accounts WHERE organization_id = $1 AND domain = $2',
      [orgId, emailDomain(email)],
    );
    return match?.id ?? null;
  }

  private async toInvitation(row: InvitationRow): Promise<Invitation> {
    const status: InvitationStatus = row.accepted_at
      ? 'ACCEPTED'
      : row.revoked_at
        ? 'REVOKED'
        : row.expires_at <= this.clock.now()
          ? 'EXPIRED'
          : 'PENDING';
    let customerAccount: CustomerAccount | null = null;
    if (row.customer_account_id) {
      const [account]: { id: string; name: string; domain: string | null; created_at: Date }[] =
        await this.db.manager.query('SELECT id, name, domain, created_at FROM customer_accounts WHERE id = $1', [
          row.customer_account_id,
        ]);
      customerAccount = account ? CustomerAccount.from(account) : null;
    }
    return Object.assign(new Invitation(), {
      id: toGlobalId('Invitation', row.id),
      email: row.email,
      status,
      customerAccount,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
    });
  }

  private async sendInvitation(email: string, token: string, spaceName: string, inviterName: string, message?: string) {
    // The token travels in the fragment: browsers never send it to a server, so it cannot reach access logs.
    const link = `${this.config.http.publicUrl}/invitation#token=${encodeURIComponent(token)}`;
    try {
      await this.mailer.send({
        to: email,
        subject: `${inviterName} invites you to "${spaceName}" on Ruche`,
        text: [
          `${inviterName} invites you to take part in "${spaceName}".`,
          ...(message ? ['', message] : []),
          '',
          'Open this link to read what you would agree to, then sign in or create your account with this e-mail address:',
          link,
          '',
          `Invitation token: ${token}`,
          '',
          `The invitation expires in ${this.config.invitations.ttlDays} days and can be used once.`,
        ].join('\n'),
      });
    } catch (error) {
      // The invitation exists; the inviter can send a new one (which replaces it).
      this.logger.error({ err: error }, 'invitation e-mail could not be sent');
    }
  }
}
