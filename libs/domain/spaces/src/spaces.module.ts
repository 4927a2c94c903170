import { Module } from '@nestjs/common';
import { IdentityModule } from '@ruche/identity';
import { ConsentLedger } from './consent-ledger';
import { CustomerAccountsService } from './customer-accounts.service';
import { InvitationPageController } from './invitation-page.controller';
import { InvitationsService } from './invitations.service';
import { NodeResolver } from './node.resolver';
import { SpaceAccess } from './space-access';
import { CustomerAccountsResolver, InvitationsResolver, SpaceMemberResolver, SpacesResolver } from './spaces.resolver';
import { SpacesService } from './spaces.service';

/** Spaces, customer accounts, invitations and the consent ledger; `node(id)` across domains. */
@Module({
  imports: [IdentityModule],
  controllers: [InvitationPageController],
  providers: [
    SpaceAccess,
    SpacesService,
    ConsentLedger,
    InvitationsService,
    CustomerAccountsService,
    SpacesResolver,
    SpaceMemberResolver,
    InvitationsResolver,
    CustomerAccountsResolver,
    NodeResolver,
  ],
  exports: [SpaceAccess],
})
export class SpacesModule {}
