import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Db } from '@ruche/database';
import { NodeRegistry, type GraphQLContext } from '@ruche/graphql';
import { fromGlobalId, notFound } from '@ruche/kernel';
import { visibleUserSql } from '@ruche/policy';
import type { User } from './accounts/account.types';
import { UsersLoader } from './accounts/users.loader';
import { Organization } from './organizations/organization.types';
import { OrganizationsService } from './organizations/organizations.service';

/** `node(id)` for identity's types: organizations (as `organization`) and people. */
@Injectable()
export class IdentityNodes implements OnModuleInit {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly db: Db,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersLoader,
  ) {}

  onModuleInit(): void {
    this.registry.register('Organization', async (viewer, id) => {
      const { org, role } = await this.organizations.authorize(viewer, id, 'org.read');
      return Organization.from(org, role);
    });
    this.registry.register('User', (viewer, id, ctx) => this.user(viewer.userId, fromGlobalId(id, 'User'), ctx));
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
