import {
  EmailVerificationEntity,
  RefreshTokenEntity,
  SessionFamilyEntity,
  SignInAttemptEntity,
  UserEntity,
} from './accounts/account.entities';
import {
  OrganizationDomainEntity,
  OrganizationEntity,
  OrganizationMembershipEntity,
} from './organizations/organization.entities';

export { IdentityModule } from './identity.module';
export { AccountsService } from './accounts/accounts.service';
export { User } from './accounts/account.types';
export { Organization } from './organizations/organization.types';
export { Memberships } from './organizations/memberships';
export { OrganizationsService } from './organizations/organizations.service';
export { UsersLoader } from './accounts/users.loader';

export const identityEntities = [
  UserEntity,
  EmailVerificationEntity,
  SessionFamilyEntity,
  RefreshTokenEntity,
  SignInAttemptEntity,
  OrganizationEntity,
  OrganizationDomainEntity,
  OrganizationMembershipEntity,
];
