import { User } from '@ruche/identity';
import { badgeOf } from '@ruche/policy';
import { CustomerAccount, type Badge } from '@ruche/spaces';

/** The customer-account columns every content query selects beside its author (from their space membership). */
export interface AccountColumns {
  account_id: string | null;
  account_name: string | null;
  account_domain: string | null;
  account_created_at: Date | null;
}

/** The badge an author shows: customers carry their company, everyone else is an employee. */
export function authorBadge(isCustomer: boolean, a: AccountColumns): Badge {
  const account =
    isCustomer && a.account_id && a.account_name && a.account_created_at
      ? CustomerAccount.from({
          id: a.account_id,
          name: a.account_name,
          domain: a.account_domain,
          created_at: a.account_created_at,
        })
      : null;
  return { ...badgeOf(isCustomer ? 'CUSTOMER' : 'MEMBER', account?.name ?? null), customerAccount: account };
}

/** A person as others see them next to content: a name and a badge, never an e-mail. */
export function author(id: string | null, displayName: string | null, createdAt: Date | null): User | null {
  if (!id || !displayName || !createdAt) return null;
  return User.from(
    { id, displayName, email: '', emailVerifiedAt: null, createdAt } as Parameters<typeof User.from>[0],
    null,
  );
}
