import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { AuditTrail, REQUEST_IP, REQUEST_USER_AGENT } from '@ruche/audit';
import { Db } from '@ruche/database';
import { Clock, consentRequired, notFound, sha256Hex, toGlobalId } from '@ruche/kernel';
import { SpaceAccess } from './space-access';
import type { ConsentInput } from './space.inputs';
import { ConsentRecord, MyConsent, PendingConsent } from './space.types';

/** What a customer consents to when joining a hybrid space (GDPR: one purpose per record). */
export const SPACE_PARTICIPATION = 'SPACE_PARTICIPATION';

type ConsentRow = Parameters<typeof ConsentRecord.from>[0];

/**
 * The append-only consent ledger. A customer reaches a hybrid space only while they hold an unwithdrawn
 * consent to its current policy version; withdrawing ends the membership in the same transaction.
 */
@Injectable()
export class ConsentLedger {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cls: ClsService,
    private readonly access: SpaceAccess,
    private readonly audit: AuditTrail,
  ) {}

  /** Records a consent; the caller's transaction also creates or keeps the membership it allows. */
  async give(
    subjectId: string,
    consent: {
      organizationId: string;
      spaceId: string;
      policyVersion: number;
      text: string;
      source: 'INVITATION' | 'RENEWAL';
    },
  ): Promise<ConsentRecord> {
    const ip = this.cls.isActive() ? this.cls.get<string | undefined>(REQUEST_IP) : undefined;
    const userAgent = this.cls.isActive() ? this.cls.get<string | undefined>(REQUEST_USER_AGENT) : undefined;
    const [row]: ConsentRow[] = await this.db.manager.query(
      `INSERT INTO consent_records (subject_id, organization_id, space_id, purpose, policy_version, text_hash, source, granted_at, ip_hash, user_agent_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING id, space_id, purpose, policy_version, text_hash, granted_at, withdrawn_at`,
      [
        subjectId,
        consent.organizationId,
        consent.spaceId,
        SPACE_PARTICIPATION,
        consent.policyVersion,
        sha256Hex(consent.text),
        consent.source,
        this.clock.now(),
        ip ? sha256Hex(ip) : null,
        userAgent ? sha256Hex(userAgent) : null,
      ],
    );
    await this.audit.record({
      action: 'consent.given',
      organizationId: consent.organizationId,
      spaceId: consent.spaceId,
      targetType: 'ConsentRecord',
      targetId: row!.id,
      details: { policyVersion: consent.policyVersion, source: consent.source },
    });
    return ConsentRecord.from(row!);
  }

  /** One call: the consent is stamped withdrawn and the customer leaves the space, effective on the next request. */
  async withdraw(viewerId: string, spaceGlobalId: string): Promise<ConsentRecord> {
    return this.db.transaction(async () => {
      const { space } = await this.access.authorize(viewerId, spaceGlobalId, 'space.consent.withdraw');
      const now = this.clock.now();
      const [withdrawn]: ConsentRow[][] = await this.db.manager.query(
        `UPDATE consent_records SET withdrawn_at = $3
         WHERE subject_id = $1 AND space_id = $2 AND withdrawn_at IS NULL
         RETURNING id, space_id, purpose, policy_version, text_hash, granted_at, withdrawn_at`,
        [viewerId, space.id, now],
      );
      await this.db.manager.query('DELETE FROM space_memberships WHERE space_id = $1 AND user_id = $2', [
        space.id,
        viewerId,
      ]);
      const latest = withdrawn!.sort((a, b) => b.policy_version - a.policy_version)[0];
      await this.audit.record({
        action: 'consent.withdrawn',
        organizationId: space.organization_id,
        spaceId: space.id,
        targetType: 'ConsentRecord',
        targetId: latest?.id,
      });
      if (latest) return ConsentRecord.from(latest);
      // Membership without a live consent (e.g. the policy changed): the most recent record is the proof.
      const [last]: ConsentRow[] = await this.db.manager.query(
        `SELECT id, space_id, purpose, policy_version, text_hash, granted_at, withdrawn_at FROM consent_records
         WHERE subject_id = $1 AND space_id = $2 ORDER BY granted_at DESC LIMIT 1`,
        [viewerId, space.id],
      );
      if (!last) throw notFound('Space');
      return ConsentRecord.from(last);
    });
  }

  /**
   * A customer removed from a space no longer takes part in it: their live consent ends with the removal,
   * so the ledger never shows a consent for someone who is not a member (and re-joining needs a new one).
   */
  async endOnRemoval(subjectId: string, space: { id: string; organization_id: string }): Promise<void> {
    const [ended]: { id: string }[][] = await this.db.manager.query(
      `UPDATE consent_records SET withdrawn_at = $3
       WHERE subject_id = $1 AND space_id = $2 AND withdrawn_at IS NULL RETURNING id`,
      [subjectId, space.id, this.clock.now()],
    );
    for (const { id } of ended!) {
      await this.audit.record({
        action: 'consent.withdrawn',
        organizationId: space.organization_id,
        spaceId: space.id,
        targetType: 'ConsentRecord',
        targetId: id,
        details: { reason: 'MEMBER_REMOVED', subjectId },
      });
    }
  }

  /** Accepting a new policy version of a space the customer already belongs to. */
  async renew(viewerId: string, spaceGlobalId: string, input: ConsentInput): Promise<ConsentRecord> {
    return this.db.transaction(async () => {
      const { space } = await this.access.authorize(viewerId, spaceGlobalId, 'space.consent.renew');
      if (!input.accepted) throw consentRequired('Taking part in this space requires your explicit consent');
      if (input.policyVersion !== space.consent_version) {
        throw consentRequired(
          `The consent policy of this space is now version ${space.consent_version}: review it and accept again`,
          'POLICY_VERSION_CHANGED',
        );
      }
      const [current]: ConsentRow[] = await this.db.manager.query(
        `SELECT id, space_id, purpose, policy_version, text_hash, granted_at, withdrawn_at FROM consent_records
         WHERE subject_id = $1 AND space_id = $2 AND policy_version = $3 AND withdrawn_at IS NULL`,
        [viewerId, space.id, space.consent_version],
      );
      if (current) return ConsentRecord.from(current);
      const [policy]: { text: string }[] = await this.db.manager.query(
        'SELECT text FROM space_consent_policies WHERE space_id = $1 AND version = $2',
        [space.id, space.consent_version],
      );
      return this.give(viewerId, {
        organizationId: space.organization_id,
        spaceId: space.id,
        policyVersion: space.consent_version,
        text: policy!.text,
        source: 'RENEWAL',
      });
    });
  }

  /**
   * The viewer's own consents, newest first: per space they still take part in, the latest unwithdrawn
   * record and the exact text it accepted. Only the subject's records (row-level security agrees); a
   * withdrawn consent ends the membership, so the space leaves this list with it.
   */
  async mine(viewerId: string): Promise<MyConsent[]> {
    return this.db.transaction(async () => {
      const rows: (ConsentRow & { space_name: string; consent_version: number; text: string })[] =
        await this.db.manager.query(
          `SELECT * FROM (
             SELECT DISTINCT ON (c.space_id) c.id, c.space_id, c.purpose, c.policy_version, c.text_hash, c.granted_at,
               c.withdrawn_at, s.name AS space_name, s.consent_version, p.text
             FROM consent_records c
             JOIN space_memberships sm ON sm.space_id = c.space_id AND sm.user_id = c.subject_id
             JOIN spaces s ON s.id = c.space_id
             JOIN space_consent_policies p ON p.space_id = c.space_id AND p.version = c.policy_version
             WHERE c.subject_id = $1 AND c.withdrawn_at IS NULL AND c.purpose = $2
             ORDER BY c.space_id, c.policy_version DESC, c.granted_at DESC
           ) latest ORDER BY granted_at DESC, space_id`,
          [viewerId, SPACE_PARTICIPATION],
        );
      return rows.map((r) =>
        Object.assign(new MyConsent(), {
          spaceId: toGlobalId('Space', r.space_id),
          spaceUuid: r.space_id,
          spaceName: r.space_name,
          record: ConsentRecord.from(r),
          text: r.text,
          current: r.policy_version === r.consent_version,
        }),
      );
    });
  }

  /** Spaces the viewer belongs to as a customer whose current policy they have not accepted yet. */
  async pending(viewerId: string): Promise<PendingConsent[]> {
    return this.db.transaction(async () => {
      const rows: { id: string; name: string; consent_version: number; text: string }[] = await this.db.manager.query(
        `SELECT s.id, s.name, s.consent_version, p.text
         FROM space_memberships sm
         JOIN spaces s ON s.id = sm.space_id
         JOIN space_consent_policies p ON p.space_id = s.id AND p.version = s.consent_version
         WHERE sm.user_id = $1 AND sm.role = 'CUSTOMER' AND NOT EXISTS (
           SELECT 1 FROM consent_records c WHERE c.subject_id = $1 AND c.space_id = s.id
             AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version)
         ORDER BY s.name, s.id`,
        [viewerId],
      );
      return rows.map((r) =>
        Object.assign(new PendingConsent(), {
          spaceId: toGlobalId('Space', r.id),
          spaceName: r.name,
          policy: { version: r.consent_version, text: r.text },
        }),
      );
    });
  }
}
