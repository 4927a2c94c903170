import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';

/** What every screen asks for to draw a badge: spread `...BadgeFields` in a `Badge` selection. */
export const BADGE_FIELDS = graphql(`
  fragment BadgeFields on Badge {
    kind
    label
    customerAccount {
      id
      name
    }
  }
`);

/** Every author shows who they are: Employee, or Customer · their company (PRODUCT.md invariant 3). */
export interface BadgeLike {
  kind: string;
  label?: string | null;
  customerAccount?: { name: string } | null;
}

export function Badge({ badge }: { badge: BadgeLike | null | undefined }) {
  const { t } = useTranslation();
  if (!badge) return null;
  const customer = badge.kind === 'CUSTOMER';
  const text = customer
    ? badge.customerAccount
      ? t('badge.customerOf', { company: badge.customerAccount.name })
      : t('badge.customer')
    : t('badge.employee');
  return <span className={`badge ${customer ? 'badge-customer' : 'badge-employee'}`}>{text}</span>;
}

export function Avatar({ name }: { name: string }) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  let hue = 0;
  for (const ch of name) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span className={`avatar avatar-h${Math.floor(hue / 30)}`} aria-hidden="true">
      {initials || '?'}
    </span>
  );
}

export function Author({ name, badge }: { name: string | null | undefined; badge: BadgeLike | null | undefined }) {
  const { t } = useTranslation();
  const shown = name ?? t('badge.unknown');
  return (
    <span className="author">
      <Avatar name={shown} />
      <span className="author-name">{shown}</span>
      <Badge badge={badge} />
    </span>
  );
}
