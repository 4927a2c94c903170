import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '@ruche/graphql';
import { CustomerAccountsService } from './customer-accounts.service';
import { SpacesService } from './spaces.service';

/** `node(id)` for the spaces domain's types: spaces (as `space`) and customer accounts. */
@Injectable()
export class SpacesNodes implements OnModuleInit {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly spaces: SpacesService,
    private readonly customerAccounts: CustomerAccountsService,
  ) {}

  onModuleInit(): void {
    this.registry.register('Space', (viewer, id) => this.spaces.get(viewer.userId, id));
    this.registry.register('CustomerAccount', (viewer, id) => this.customerAccounts.get(viewer.userId, id));
  }
}
