import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { ConnectionArgs, type Connection, type GraphQLContext } from '@ruche/graphql';
import { enforce, notFound, parseGlobalId } from '@ruche/kernel';
import { decideOrgAction, isEmployee, organizationAbilities } from '@ruche/policy';
import { User } from '../accounts/account.types';
import { UsersLoader } from '../accounts/users.loader';
import { AddOrganizationMemberInput, CreateOrganizationInput, SetOrganizationRoleInput } from './organization.inputs';
import {
  CreateOrganizationPayload,
  Organization,
  OrganizationAbilities,
  OrganizationMember,
  OrganizationMemberConnection,
  OrganizationMemberPayload,
} from './organization.types';
import { OrganizationsService, type MemberRow } from './organizations.service';

type MemberNode = OrganizationMember & { userId: string };

const toMember = (row: MemberRow): MemberNode => Object.assign(new OrganizationMember(), row) as MemberNode;

@Resolver(() => Organization)
export class OrganizationsResolver {
  constructor(private readonly organizations: OrganizationsService) {}

  @Mutation(() => CreateOrganizationPayload, { description: 'Creates an organization; its creator becomes OWNER.' })
  async createOrganization(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: CreateOrganizationInput,
  ): Promise<CreateOrganizationPayload> {
    const { org, role } = await this.organizations.create(viewer, input);
    return { organization: Organization.from(org, role) };
  }

  @Query(() => Organization, { description: 'An organization the viewer belongs to (NOT_FOUND otherwise).' })
  async organization(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Organization> {
    const { org, role } = await this.organizations.authorize(viewer, id, 'org.read');
    return Organization.from(org, role);
  }

  @Mutation(() => OrganizationMemberPayload, { description: 'Admins add an existing account as an employee.' })
  async addOrganizationMember(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: AddOrganizationMemberInput,
  ): Promise<OrganizationMemberPayload> {
    const { org, viewerRole, member } = await this.organizations.addMember(viewer, input);
    return { organization: Organization.from(org, viewerRole), member: toMember(member) };
  }

  @Mutation(() => OrganizationMemberPayload)
  async setOrganizationRole(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: SetOrganizationRoleInput,
  ): Promise<OrganizationMemberPayload> {
    const { org, viewerRole, member } = await this.organizations.setRole(viewer, input);
    return { organization: Organization.from(org, viewerRole), member: toMember(member) };
  }

  @ResolveField(() => [String], { description: 'E-mail domains whose verified addresses join as employees.' })
  async emailDomains(@Parent() org: Organization): Promise<string[]> {
    return isEmployee(org.viewerRole) ? this.organizations.emailDomains(org.organizationId) : [];
  }

  @ResolveField(() => OrganizationMemberConnection, { description: 'Employees only.' })
  async members(@Parent() org: Organization, @Args() args: ConnectionArgs): Promise<Connection<MemberNode>> {
    enforce(decideOrgAction(org.viewerRole, 'org.members.list'), 'Organization');
    const page = await this.organizations.members(org.organizationId, args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toMember(e.node) })) };
  }

  @ResolveField(() => OrganizationAbilities, {
    description: 'What the viewer may do here: each flag is the decision the operation itself takes.',
  })
  viewerCan(@Parent() org: Organization): OrganizationAbilities {
    return organizationAbilities(org.viewerRole);
  }
}

@Resolver(() => User)
export class UserOrganizationsResolver {
  constructor(private readonly service: OrganizationsService) {}

  @ResolveField(() => [Organization], {
    description: 'The organizations this person belongs to, with their role; only on `me` (empty for anyone else).',
  })
  async organizations(@Parent() user: User, @CurrentViewer() viewer: Viewer): Promise<Organization[]> {
    if (parseGlobalId(user.id)?.id !== viewer.userId) return [];
    const memberships = user.organizationsOfViewer ?? (await this.service.ofViewer(viewer));
    return memberships.map(({ org, role }) => Organization.from(org, role));
  }
}

@Resolver(() => OrganizationMember)
export class OrganizationMemberResolver {
  constructor(private readonly users: UsersLoader) {}

  @ResolveField(() => User)
  async user(
    @Parent() member: MemberNode,
    @CurrentViewer() viewer: Viewer,
    @Context() ctx: GraphQLContext,
  ): Promise<User> {
    const user = await this.users.load(ctx.loaders, viewer.userId, member.userId);
    if (!user) throw notFound('User');
    return user;
  }
}
