import { Module } from '@nestjs/common';
import { SessionValidator } from '@ruche/auth';
import { NodeModule } from '@ruche/graphql';
import { AccountsResolver } from './accounts/accounts.resolver';
import { AccountsService } from './accounts/accounts.service';
import { PasswordHasher } from './accounts/password-hasher';
import { Sessions } from './accounts/sessions';
import { SignInProtection } from './accounts/sign-in-protection';
import { UsersLoader } from './accounts/users.loader';
import { IdentityNodes } from './identity.nodes';
import { AuditLogResolver } from './organizations/audit-log.resolver';
import { Memberships } from './organizations/memberships';
import {
  OrganizationMemberResolver,
  OrganizationsResolver,
  UserOrganizationsResolver,
} from './organizations/organizations.resolver';
import { OrganizationsService } from './organizations/organizations.service';

/** Accounts, sessions and organizations. Exports the SessionValidator the auth guard needs. */
@Module({
  imports: [NodeModule],
  providers: [
    AccountsService,
    AccountsResolver,
    PasswordHasher,
    Sessions,
    { provide: SessionValidator, useExisting: Sessions },
    SignInProtection,
    UsersLoader,
    Memberships,
    OrganizationsService,
    OrganizationsResolver,
    UserOrganizationsResolver,
    OrganizationMemberResolver,
    AuditLogResolver,
    IdentityNodes,
  ],
  exports: [SessionValidator, Memberships, UsersLoader, OrganizationsService],
})
export class IdentityModule {}
