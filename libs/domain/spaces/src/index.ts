export { SpacesModule } from './spaces.module';
export {
  SpaceAccess,
  spaceAccessRowFromJson,
  spaceStandingSql,
  standingOf,
  type AuthorizedSpace,
  type SpaceAccessRow,
} from './space-access';
export { SpacesService } from './spaces.service';
export { InvitationsService } from './invitations.service';
export { CustomerAccountsService } from './customer-accounts.service';
export { Badge, CustomerAccount, Space, SpaceAbilities } from './space.types';
