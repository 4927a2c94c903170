import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, Node } from '@ruche/graphql';
import { toGlobalId } from '@ruche/kernel';
import {
  SPACE_KINDS,
  SPACE_ROLES,
  SPACE_VISIBILITIES,
  type BadgeKind,
  type SpaceAbilities as SpaceAbilityFlags,
  type SpaceKind,
  type SpaceRole,
  type SpaceVisibility,
} from '@ruche/policy';
import { User } from '@ruche/identity';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const SpaceKindEnum = enumOf(SPACE_KINDS);
registerEnumType(SpaceKindEnum, {
  name: 'SpaceKind',
  description: 'INTERNAL: employees only. HYBRID: employees and invited customers who consented.',
});
export const SpaceVisibilityEnum = enumOf(SPACE_VISIBILITIES);
registerEnumType(SpaceVisibilityEnum, {
  name: 'SpaceVisibility',
  description: 'OPEN: every employee of the organization can find and join it. PRIVATE: members only.',
});
export const SpaceRoleEnum = enumOf(SPACE_ROLES);
registerEnumType(SpaceRoleEnum, { name: 'SpaceRole' });
export const BadgeKindEnum = enumOf<BadgeKind>(['EMPLOYEE', 'CUSTOMER']);
registerEnumType(BadgeKindEnum, { name: 'BadgeKind' });
export const INVITATION_STATUSES = ['PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const InvitationStatusEnum = enumOf(INVITATION_STATUSES);
registerEnumType(InvitationStatusEnum, { name: 'InvitationStatus' });

export interface SpaceRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  kind: SpaceKind;
  visibility: SpaceVisibility;
  members_can_invite: boolean;
  consent_version: number;
  member_count: number;
  customer_count: number;
  created_at: Date;
  updated_at: Date;
}

@ObjectType({ description: 'The text a customer consents to before taking part in a hybrid space, with its version.' })
export class ConsentPolicy {
  @Field(() => Int) version!: number;
  @Field() text!: string;
}

@ObjectType({
  implements: () => [Node],
  description: 'A group where people post and discuss: internal, or hybrid with customers.',
})
export class Space {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'Global id of the organization the space belongs to.' }) organizationId!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => SpaceKindEnum) kind!: SpaceKind;
  @Field(() => SpaceVisibilityEnum) visibility!: SpaceVisibility;
  @Field({ description: 'Members (not only owners and moderators) may invite customers.' }) membersCanInvite!: boolean;
  @Field(() => Int) memberCount!: number;
  @Field(() => Int, { description: 'Customers among the members: who else can read what is posted here.' })
  customerCount!: number;
  @Field({ description: 'True when customers can read this space (show it as a banner).' }) holdsCustomers!: boolean;
  @Field(() => SpaceRoleEnum, { nullable: true, description: "The viewer's role in the space." })
  viewerRole!: SpaceRole | null;
  @Field(() => ConsentPolicy, { nullable: true, description: 'Hybrid spaces: the current consent policy.' })
  consentPolicy!: ConsentPolicy | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;

  spaceId!: string;
  orgId!: string;

  static from(row: SpaceRow, viewerRole: SpaceRole | null, consentText: string | null): Space {
    return Object.assign(new Space(), {
      id: toGlobalId('Space', row.id),
      spaceId: row.id,
      orgId: row.organization_id,
      organizationId: toGlobalId('Organization', row.organization_id),
      name: row.name,
      description: row.description,
      kind: row.kind,
      visibility: row.visibility,
      membersCanInvite: row.members_can_invite,
      memberCount: row.member_count,
      customerCount: row.customer_count,
      holdsCustomers: row.customer_count > 0,
      viewerRole,
      consentPolicy:
        row.kind === 'HYBRID' && consentText !== null ? { version: row.consent_version, text: consentText } : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}

@ObjectType({
  description:
    'What the viewer may do in the space, decided by the same policy as the operations themselves. ' +
    "Conditions on an operation's own input (whom to remove, which role) are checked when it runs.",
})
export class SpaceAbilities implements SpaceAbilityFlags {
  @Field({ description: 'updateSpace.' }) update!: boolean;
  @Field({ description: 'setSpaceRole.' }) setMemberRole!: boolean;
  @Field({ description: 'joinSpace.' }) join!: boolean;
  @Field({ description: 'leaveSpace (an owner only while another owner stays).' }) leave!: boolean;
  @Field({ description: 'spaceMembers.' }) listMembers!: boolean;
  @Field({ description: 'removeSpaceMember (moderators remove members and customers only).' }) removeMember!: boolean;
  @Field({ description: 'inviteToSpace.' }) invite!: boolean;
  @Field({ description: "Space.invitations, and revokeInvitation of someone else's invitation." })
  manageInvitations!: boolean;
  @Field({ description: 'withdrawConsent.' }) withdrawConsent!: boolean;
  @Field({ description: 'renewConsent.' }) renewConsent!: boolean;
  @Field({ description: 'engagementReport of this space.' }) readAnalytics!: boolean;
  @Field({ description: 'logEffort for this space.' }) logEffort!: boolean;

  /** Internal: the space's uuid, for the flags other domains add (content: post, moderate…). */
  spaceId!: string;
}

export const SpaceConnection = ConnectionType(Space);

@ObjectType({
  implements: () => [Node],
  description: 'A customer company: customers, their ideas and votes roll up to it.',
})
export class CustomerAccount {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) domain!: string | null;
  @Field() createdAt!: Date;

  static from(row: { id: string; name: string; domain: string | null; created_at: Date }): CustomerAccount {
    return Object.assign(new CustomerAccount(), {
      id: toGlobalId('CustomerAccount', row.id),
      name: row.name,
      domain: row.domain,
      createdAt: row.created_at,
    });
  }
}

export const CustomerAccountConnection = ConnectionType(CustomerAccount);

@ObjectType({ description: '"Employee" or "Customer · <company>". Derived from roles: nobody sets their own.' })
export class Badge {
  @Field(() => BadgeKindEnum) kind!: BadgeKind;
  @Field() label!: string;
  @Field(() => CustomerAccount, { nullable: true }) customerAccount!: CustomerAccount | null;
}

@ObjectType()
export class SpaceMember {
  @Field(() => User) user!: User;
  @Field(() => SpaceRoleEnum) role!: SpaceRole;
  @Field(() => Badge) badge!: Badge;
  @Field() joinedAt!: Date;

  userId!: string;
}

export const SpaceMemberConnection = ConnectionType(SpaceMember);

@ObjectType({ description: 'An invitation to a hybrid space, as its inviter and the space managers see it.' })
export class Invitation {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => InvitationStatusEnum) status!: InvitationStatus;
  @Field(() => CustomerAccount, { nullable: true }) customerAccount!: CustomerAccount | null;
  @Field() expiresAt!: Date;
  @Field() createdAt!: Date;
}

export const InvitationConnection = ConnectionType(Invitation);

@ObjectType({ description: 'What an invitation link shows before sign-in: nothing but these fields.' })
export class InvitationPreview {
  @Field() spaceName!: string;
  @Field() inviterName!: string;
  @Field(() => ConsentPolicy) consent!: ConsentPolicy;
  @Field() expiresAt!: Date;
}

@ObjectType({ description: 'Proof of a consent: what was accepted (text hash, version), when, and its withdrawal.' })
export class ConsentRecord {
  @Field(() => ID) id!: string;
  @Field(() => ID) spaceId!: string;
  @Field() purpose!: string;
  @Field(() => Int) policyVersion!: number;
  @Field({ description: 'SHA-256 of the exact text accepted.' }) textHash!: string;
  @Field() grantedAt!: Date;
  @Field(() => Date, { nullable: true }) withdrawnAt!: Date | null;

  static from(row: {
    id: string;
    space_id: string;
    purpose: string;
    policy_version: number;
    text_hash: string;
    granted_at: Date;
    withdrawn_at: Date | null;
  }): ConsentRecord {
    return Object.assign(new ConsentRecord(), {
      id: toGlobalId('ConsentRecord', row.id),
      spaceId: toGlobalId('Space', row.space_id),
      purpose: row.purpose,
      policyVersion: row.policy_version,
      textHash: row.text_hash,
      grantedAt: row.granted_at,
      withdrawnAt: row.withdrawn_at,
    });
  }
}

@ObjectType({ description: 'A space the viewer belongs to whose consent policy changed: accept it with renewConsent.' })
export class PendingConsent {
  @Field(() => ID) spaceId!: string;
  @Field() spaceName!: string;
  @Field(() => ConsentPolicy) policy!: ConsentPolicy;
}

@ObjectType({
  description:
    "One of the viewer's own consents: the latest unwithdrawn record for a space they take part in, with the text accepted.",
})
export class MyConsent {
  @Field(() => ID) spaceId!: string;
  @Field() spaceName!: string;
  @Field(() => ConsentRecord) record!: ConsentRecord;
  @Field({ description: 'The exact text of the policy version accepted.' }) text!: string;
  @Field({ description: 'False once the space published a newer version (see pendingConsents and renewConsent).' })
  current!: boolean;

  /** Internal: the space's uuid, for viewerCan. */
  spaceUuid!: string;
}

@ObjectType()
export class SpacePayload {
  @Field(() => Space) space!: Space;
}

@ObjectType()
export class LeaveSpacePayload {
  @Field(() => ID) spaceId!: string;
}

@ObjectType()
export class InvitationPayload {
  @Field(() => Invitation) invitation!: Invitation;
}

@ObjectType()
export class ConsentPayload {
  @Field(() => Space, { nullable: true, description: 'The space, while the viewer can still read it.' })
  space!: Space | null;
  @Field(() => ConsentRecord) consentRecord!: ConsentRecord;
}

@ObjectType()
export class AcceptInvitationPayload {
  @Field(() => Space) space!: Space;
  @Field(() => ConsentRecord, { nullable: true, description: 'Null for employees, who join without a consent record.' })
  consentRecord!: ConsentRecord | null;
}

@ObjectType()
export class CustomerAccountPayload {
  @Field(() => CustomerAccount) customerAccount!: CustomerAccount;
}
