export { SpacesModule } from './spaces.module';
export { SpaceAccess, type AuthorizedSpace } from './space-access';
export { SpacesService } from './spaces.service';
export { InvitationsService } from './invitations.service';
export { CustomerAccountsService } from './customer-accounts.service';
export { Badge, CustomerAccount, Space, SpaceAbilities } from './space.types';
