import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import { Node, type GraphQLContext } from '@ruche/graphql';
import { Organization, OrganizationsService, UsersLoader, type User } from '@ruche/identity';
import { notFound, parseGlobalId } from '@ruche/kernel';
import { visibleUserSql } from '@ruche/policy';
import { CustomerAccountsService } from './customer-accounts.service';
import { SpacesService } from './spaces.service';

@Resolver()
export class NodeResolver {
  constructor(
    private readonly db: Db,
    private readonly spaces: SpacesService,
    private readonly organizations: OrganizationsService,
    private readonly customerAccounts: CustomerAccountsService,
    private readonly users: UsersLoader,
  ) {}

  @Query(() => Node, {
    description: 'Any object by its global id, through the same policy as its own query; NOT_FOUND otherwise.',
  })
  async node(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GraphQLContext,
  ): Promise<Node> {
    const parsed = parseGlobalId(id);
    switch (parsed?.type) {
      case 'Space':
        return this.spaces.get(viewer.userId, id);
      case 'Organization': {
        const { org, role } = await this.organizations.authorize(viewer, id, 'org.read');
        return Organization.from(org, role);
      }
      case 'CustomerAccount':
        return this.customerAccounts.get(viewer.userId, id);
      case 'User':
        return this.user(viewer.userId, parsed.id, ctx);
      default:
        throw notFound('Node');
    }
  }

  /** A person the viewer may see (themself, a colleague, a co-member of a space they can read). */
  private async user(viewerId: string, userId: string, ctx: GraphQLContext): Promise<User> {
    const visible: unknown[] = await this.db.transaction(() =>
      this.db.manager.query(`SELECT 1 FROM users u WHERE u.id = $2 AND ${visibleUserSql('$1', 'u.id')}`, [
        viewerId,
        userId,
      ]),
    );
    const user = visible.length ? await this.users.load(ctx.loaders, viewerId, userId) : null;
    if (!user) throw notFound('User');
    return user;
  }
}
