import { Module } from '@nestjs/common';
import { NodeModule } from '@ruche/graphql';
import { IdentityModule } from '@ruche/identity';
import { ConsentLedger } from './consent-ledger';
import { CustomerAccountsService } from './customer-accounts.service';
import { InvitationsService } from './invitations.service';
import { SpaceAccess } from './space-access';
import {
  CustomerAccountsResolver,
  InvitationsResolver,
  MyConsentResolver,
  SpaceMemberResolver,
  SpacesResolver,
} from './spaces.resolver';
import { SpacesNodes } from './spaces.nodes';
import { SpacesService } from './spaces.service';

/** Spaces, customer accounts, invitations and the consent ledger; registers Space and CustomerAccount for `node(id)`. */
@Module({
  imports: [IdentityModule, NodeModule],
  providers: [
    SpaceAccess,
    SpacesService,
    ConsentLedger,
    InvitationsService,
    CustomerAccountsService,
    SpacesResolver,
    SpaceMemberResolver,
    InvitationsResolver,
    MyConsentResolver,
    CustomerAccountsResolver,
    SpacesNodes,
  ],
  exports: [SpaceAccess],
})
export class SpacesModule {}
