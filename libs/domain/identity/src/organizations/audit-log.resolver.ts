import { Args, Context, Field, ID, ObjectType, Query, Resolver, ResolveField, Parent, ArgsType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { AuditTrail, type AuditEventRow } from '@ruche/audit';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { ConnectionArgs, ConnectionType, type Connection, type GraphQLContext } from '@ruche/graphql';
import { toGlobalId } from '@ruche/kernel';
import { User } from '../accounts/account.types';
import { UsersLoader } from '../accounts/users.loader';
import { OrganizationsService } from './organizations.service';

@ObjectType({ description: 'One append-only audit record.' })
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field() at!: Date;
  @Field({ description: 'What happened, e.g. invitation.accepted, consent.withdrawn, auth.sign_in_failed.' })
  action!: string;
  @Field(() => String, { nullable: true }) targetType!: string | null;
  @Field(() => ID, { nullable: true, description: 'Global id of the target when it has one.' }) targetId!:
    | string
    | null;
  @Field(() => ID, { nullable: true }) spaceId!: string | null;
  @Field({ description: 'Action details as a JSON object.' }) details!: string;

  actorId!: string | null;
}

const AuditEventConnection = ConnectionType(AuditEvent);

@ArgsType()
class AuditLogArgs extends ConnectionArgs {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
}

const toEvent = (row: AuditEventRow): AuditEvent =>
  Object.assign(new AuditEvent(), {
    id: toGlobalId('AuditEvent', row.id),
    at: row.at,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_type && row.target_id ? toGlobalId(row.target_type, row.target_id) : null,
    spaceId: row.space_id ? toGlobalId('Space', row.space_id) : null,
    details: JSON.stringify(row.details ?? {}),
    actorId: row.actor_id,
  });

@Resolver(() => AuditEvent)
export class AuditLogResolver {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditTrail,
    private readonly users: UsersLoader,
  ) {}

  @Query(() => AuditEventConnection, { description: 'Org owners and admins: the audit trail, newest first.' })
  async auditLog(@CurrentViewer() viewer: Viewer, @Args() args: AuditLogArgs): Promise<Connection<AuditEvent>> {
    const { org } = await this.organizations.authorize(viewer, args.organizationId, 'org.audit.read');
    const page = await this.audit.page(org.id, args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toEvent(e.node) })) };
  }

  @ResolveField(() => User, { nullable: true, description: 'Who acted; null for anonymous attempts.' })
  async actor(@Parent() event: AuditEvent, @CurrentViewer() viewer: Viewer, @Context() ctx: GraphQLContext) {
    return event.actorId ? this.users.load(ctx.loaders, viewer.userId, event.actorId) : null;
  }
}
