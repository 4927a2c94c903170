import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ConnectionType, Node } from '@ruche/graphql';
import { toGlobalId } from '@ruche/kernel';
import type { OrganizationAbilities as OrganizationAbilityFlags, OrgRole } from '@ruche/policy';
import { User } from '../accounts/account.types';
import type { OrganizationEntity } from './organization.entities';
import { OrgRoleEnum } from './organization.inputs';

@ObjectType({
  description: 'What the viewer may do with the organization, decided by the same policy as the operations themselves.',
})
export class OrganizationAbilities implements OrganizationAbilityFlags {
  @Field({ description: 'addOrganizationMember.' }) addMember!: boolean;
  @Field({ description: 'setOrganizationRole (which role to whom is still checked per change).' })
  setMemberRole!: boolean;
  @Field({ description: 'Organization.members.' }) listMembers!: boolean;
  @Field({ description: 'createSpace of kind INTERNAL.' }) createSpace!: boolean;
  @Field({ description: 'createSpace of kind HYBRID.' }) createHybridSpace!: boolean;
  @Field({ description: 'createCustomerAccount.' }) createCustomerAccount!: boolean;
  @Field({ description: 'customerAccounts.' }) listCustomerAccounts!: boolean;
  @Field({ description: 'auditLog.' }) readAuditLog!: boolean;
  @Field({ description: 'engagementReport of the whole organization, effortLogs, GET /exports/engagement.csv.' })
  readAnalytics!: boolean;
  @Field({ description: 'objectives, createObjective, updateObjective, recordKpiValue.' }) manageObjectives!: boolean;
}

@ObjectType({ implements: () => [Node], description: 'A company using Ruche (the tenant).' })
export class Organization {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
  @Field(() => OrgRoleEnum, { nullable: true, description: "The viewer's role in this organization." })
  viewerRole!: OrgRole | null;

  organizationId!: string;

  static from(row: OrganizationEntity, viewerRole: OrgRole | null): Organization {
    return Object.assign(new Organization(), {
      id: toGlobalId('Organization', row.id),
      organizationId: row.id,
      name: row.name,
      createdAt: row.createdAt,
      viewerRole,
    });
  }
}

@ObjectType()
export class OrganizationMember {
  @Field(() => User) user!: User;
  @Field(() => OrgRoleEnum) role!: OrgRole;
  @Field() joinedAt!: Date;
}

export const OrganizationMemberConnection = ConnectionType(OrganizationMember);

@ObjectType()
export class CreateOrganizationPayload {
  @Field(() => Organization) organization!: Organization;
}

@ObjectType()
export class OrganizationMemberPayload {
  @Field(() => Organization) organization!: Organization;
  @Field(() => OrganizationMember) member!: OrganizationMember;
}
