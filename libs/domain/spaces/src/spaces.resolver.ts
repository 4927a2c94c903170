import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Public, type Viewer } from '@ruche/auth';
import { ConnectionArgs, GqlThrottlerGuard, type Connection, type GraphQLContext } from '@ruche/graphql';
import { User, UsersLoader } from '@ruche/identity';
import { notFound } from '@ruche/kernel';
import { spaceAbilities } from '@ruche/policy';
import { ConsentLedger } from './consent-ledger';
import { CustomerAccountsService } from './customer-accounts.service';
import { InvitationsService } from './invitations.service';
import {
  AcceptInvitationInput,
  CreateCustomerAccountInput,
  CreateSpaceInput,
  CustomerAccountsArgs,
  InviteToSpaceInput,
  RemoveSpaceMemberInput,
  RenewConsentInput,
  RevokeInvitationInput,
  SetSpaceRoleInput,
  SpaceMembersArgs,
  SpacesArgs,
  UpdateSpaceInput,
} from './space.inputs';
import {
  AcceptInvitationPayload,
  ConsentPayload,
  CustomerAccountConnection,
  CustomerAccountPayload,
  InvitationConnection,
  InvitationPayload,
  InvitationPreview,
  LeaveSpacePayload,
  MyConsent,
  PendingConsent,
  Space,
  SpaceAbilities,
  SpaceConnection,
  SpaceMember,
  SpaceMemberConnection,
  SpacePayload,
  type CustomerAccount,
  type Invitation,
} from './space.types';
import { SpaceAccess } from './space-access';
import { SpacesService } from './spaces.service';

@Resolver(() => Space)
export class SpacesResolver {
  constructor(
    private readonly spaceService: SpacesService,
    private readonly invitationService: InvitationsService,
    private readonly access: SpaceAccess,
  ) {}

  @Mutation(() => SpacePayload, {
    description: 'Employees create internal spaces; org admins also create hybrid ones. The creator is OWNER.',
  })
  async createSpace(@CurrentViewer() viewer: Viewer, @Args('input') input: CreateSpaceInput): Promise<SpacePayload> {
    return { space: await this.spaceService.create(viewer.userId, input) };
  }

  @Mutation(() => SpacePayload, { description: 'Space owners and org admins.' })
  async updateSpace(@CurrentViewer() viewer: Viewer, @Args('input') input: UpdateSpaceInput): Promise<SpacePayload> {
    return { space: await this.spaceService.update(viewer.userId, input) };
  }

  @Query(() => SpaceConnection, { description: 'The spaces the viewer can read, oldest first.' })
  spaces(@CurrentViewer() viewer: Viewer, @Args() args: SpacesArgs): Promise<Connection<Space>> {
    return this.spaceService.list(viewer.userId, args);
  }

  @Query(() => Space, {
    description: 'NOT_FOUND for a space the viewer cannot read, exactly as for one that does not exist.',
  })
  space(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Space> {
    return this.spaceService.get(viewer.userId, id);
  }

  @Mutation(() => SpacePayload, {
    description: 'Employees join open spaces (org admins any space of their organization).',
  })
  async joinSpace(
    @CurrentViewer() viewer: Viewer,
    @Args('spaceId', { type: () => ID }) spaceId: string,
  ): Promise<SpacePayload> {
    return { space: await this.spaceService.join(viewer.userId, spaceId) };
  }

  @Mutation(() => LeaveSpacePayload, { description: 'For a customer, leaving withdraws their consent to the space.' })
  async leaveSpace(
    @CurrentViewer() viewer: Viewer,
    @Args('spaceId', { type: () => ID }) spaceId: string,
  ): Promise<LeaveSpacePayload> {
    await this.spaceService.leave(viewer.userId, spaceId);
    return { spaceId };
  }

  @Query(() => SpaceMemberConnection, { description: 'Members of a space the viewer can read, with their badges.' })
  spaceMembers(@CurrentViewer() viewer: Viewer, @Args() args: SpaceMembersArgs): Promise<Connection<SpaceMember>> {
    return this.spaceService.members(viewer.userId, args.spaceId, args);
  }

  @Mutation(() => SpacePayload, { description: 'Owners, moderators (members and customers only) and org admins.' })
  async removeSpaceMember(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: RemoveSpaceMemberInput,
  ): Promise<SpacePayload> {
    return { space: await this.spaceService.removeMember(viewer.userId, input.spaceId, input.userId) };
  }

  @Mutation(() => SpaceMember, { description: 'Owners and org admins appoint moderators and owners.' })
  setSpaceRole(@CurrentViewer() viewer: Viewer, @Args('input') input: SetSpaceRoleInput): Promise<SpaceMember> {
    return this.spaceService.setRole(viewer.userId, input);
  }

  @ResolveField(() => InvitationConnection, { description: 'Owners, moderators and org admins only.' })
  invitations(
    @CurrentViewer() viewer: Viewer,
    @Parent() space: Space,
    @Args() args: ConnectionArgs,
  ): Promise<Connection<Invitation>> {
    return this.invitationService.forSpace(viewer.userId, space.spaceId, args);
  }

  @ResolveField(() => SpaceAbilities, {
    description: 'What the viewer may do here: each flag is the decision the operation itself takes.',
  })
  async viewerCan(
    @CurrentViewer() viewer: Viewer,
    @Parent() space: Space,
    @Context() ctx: GraphQLContext,
  ): Promise<SpaceAbilities> {
    const standing = await this.access.viewerIn(ctx.loaders, viewer.userId, space.spaceId);
    return Object.assign(new SpaceAbilities(), spaceAbilities(standing), { spaceId: space.spaceId });
  }
}

@Resolver(() => SpaceMember)
export class SpaceMemberResolver {
  constructor(private readonly users: UsersLoader) {}

  @ResolveField(() => User)
  async user(
    @Parent() member: SpaceMember,
    @CurrentViewer() viewer: Viewer,
    @Context() ctx: GraphQLContext,
  ): Promise<User> {
    const user = await this.users.load(ctx.loaders, viewer.userId, member.userId);
    if (!user) throw notFound('User');
    return user;
  }
}

@Resolver()
export class InvitationsResolver {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly consent: ConsentLedger,
    private readonly spaces: SpacesService,
  ) {}

  @Mutation(() => InvitationPayload, {
    description:
      'Invites someone to a hybrid space by e-mail: a single-use link, valid INVITATION_TTL_DAYS (7 by default).',
  })
  async inviteToSpace(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: InviteToSpaceInput,
  ): Promise<InvitationPayload> {
    return { invitation: await this.invitations.invite(viewer.userId, input) };
  }

  @Mutation(() => InvitationPayload, { description: 'The inviter, space owners, moderators and org admins.' })
  async revokeInvitation(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: RevokeInvitationInput,
  ): Promise<InvitationPayload> {
    return { invitation: await this.invitations.revoke(viewer.userId, input.invitationId) };
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Query(() => InvitationPreview, {
    description:
      'Preview by token: space name, inviter, consent text. NOT_FOUND for unknown, expired and used tokens alike.',
  })
  invitation(@Args('token') token: string): Promise<InvitationPreview> {
    return this.invitations.preview(token.slice(0, 200));
  }

  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AcceptInvitationPayload, {
    description:
      'The invitee, signed in with the invited e-mail, joins with `consent: { accepted: true, policyVersion }`. Without it: CONSENT_REQUIRED, nothing created.',
  })
  async acceptInvitation(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: AcceptInvitationInput,
  ): Promise<AcceptInvitationPayload> {
    return this.invitations.accept(viewer.userId, input);
  }

  @Mutation(() => ConsentPayload, { description: 'A customer withdraws their consent: they leave the space at once.' })
  async withdrawConsent(
    @CurrentViewer() viewer: Viewer,
    @Args('spaceId', { type: () => ID }) spaceId: string,
  ): Promise<ConsentPayload> {
    return { space: null, consentRecord: await this.consent.withdraw(viewer.userId, spaceId) };
  }

  @Mutation(() => ConsentPayload, {
    description: 'A customer accepts the new consent policy of a space they belong to.',
  })
  async renewConsent(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: RenewConsentInput,
  ): Promise<ConsentPayload> {
    const consentRecord = await this.consent.renew(viewer.userId, input.spaceId, input.consent);
    return { space: await this.spaces.get(viewer.userId, input.spaceId), consentRecord };
  }

  @Query(() => [PendingConsent], {
    description: 'Spaces whose new consent policy the viewer must accept (renewConsent).',
  })
  pendingConsents(@CurrentViewer() viewer: Viewer): Promise<PendingConsent[]> {
    return this.consent.pending(viewer.userId);
  }

  @Query(() => [MyConsent], {
    description:
      "The viewer's own consents, newest first: per space they take part in, the latest unwithdrawn record and the text accepted.",
  })
  myConsents(@CurrentViewer() viewer: Viewer): Promise<MyConsent[]> {
    return this.consent.mine(viewer.userId);
  }
}

@Resolver(() => MyConsent)
export class MyConsentResolver {
  constructor(private readonly access: SpaceAccess) {}

  @ResolveField(() => SpaceAbilities, {
    description: 'What the viewer may do in that space (withdrawConsent, renewConsent…), as on Space.viewerCan.',
  })
  async viewerCan(
    @CurrentViewer() viewer: Viewer,
    @Parent() consent: MyConsent,
    @Context() ctx: GraphQLContext,
  ): Promise<SpaceAbilities> {
    const standing = await this.access.viewerIn(ctx.loaders, viewer.userId, consent.spaceUuid);
    if (!standing) throw notFound('Space');
    return Object.assign(new SpaceAbilities(), spaceAbilities(standing), { spaceId: consent.spaceUuid });
  }
}

@Resolver()
export class CustomerAccountsResolver {
  constructor(private readonly accounts: CustomerAccountsService) {}

  @Mutation(() => CustomerAccountPayload, { description: 'Org owners, admins and managers.' })
  async createCustomerAccount(
    @CurrentViewer() viewer: Viewer,
    @Args('input') input: CreateCustomerAccountInput,
  ): Promise<CustomerAccountPayload> {
    return { customerAccount: await this.accounts.create(viewer.userId, input) };
  }

  @Query(() => CustomerAccountConnection, { description: "An organization's customer companies (employees only)." })
  customerAccounts(
    @CurrentViewer() viewer: Viewer,
    @Args() args: CustomerAccountsArgs,
  ): Promise<Connection<CustomerAccount>> {
    return this.accounts.list(viewer.userId, args.organizationId, args);
  }
}
