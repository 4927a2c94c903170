import { isOrgAdmin, type Decision, type OrgRole } from './organization.policy';

/**
 * Who reads and feeds analytics. Organization managers, admins and owners analyse the whole organization,
 * set objectives and KPIs, enter business values and log effort; a space's owners and moderators (community
 * staff) read their own space's report and log the effort they put in it. Everyone else in the organization
 * is refused (FORBIDDEN: they know the organization); outsiders learn nothing (NOT_FOUND).
 */
export type AnalyticsAction =
  | 'analytics.report'
  | 'analytics.objectives.read'
  | 'analytics.objectives.write'
  | 'analytics.kpi.record'
  | 'analytics.effort.log'
  | 'analytics.settings.write';

export function isAnalyst(role: OrgRole | null): boolean {
  return role === 'OWNER' || role === 'ADMIN' || role === 'MANAGER';
}

/**
 * `managesSpace`: the viewer owns or moderates the one space the action is about (only for reports and
 * effort on a single space).
 */
export function decideAnalyticsAction(role: OrgRole | null, action: AnalyticsAction, managesSpace = false): Decision {
  if (role === null) return 'NOT_FOUND';
  switch (action) {
    case 'analytics.report':
    case 'analytics.effort.log':
      return isAnalyst(role) || (managesSpace && role !== 'CUSTOMER') ? 'ALLOW' : 'FORBIDDEN';
    case 'analytics.objectives.read':
    case 'analytics.objectives.write':
    case 'analytics.kpi.record':
      return isAnalyst(role) ? 'ALLOW' : 'FORBIDDEN';
    case 'analytics.settings.write':
      return isOrgAdmin(role) ? 'ALLOW' : 'FORBIDDEN';
  }
}

/** No figure is shown that was computed over fewer people than this (PRODUCT.md, invariant 5). */
export const MIN_GROUP_SIZE = 5;

export type Suppression = 'FEWER_THAN_FIVE_PEOPLE' | 'SMALL_COMPLEMENT';

/**
 * Whether a figure may be shown. `people`: distinct people behind it. `complements`: for each wider report
 * a viewer could ask for (the whole organization instead of one space, all people instead of a segment,
 * all customers instead of one company), the distinct people that wider figure adds. A wider figure minus
 * this one describes exactly those people, so each must be none or at least five.
 */
export function suppressionOf(people: number, complements: readonly number[] = []): Suppression | null {
  if (people < MIN_GROUP_SIZE) return 'FEWER_THAN_FIVE_PEOPLE';
  if (complements.some((n) => n > 0 && n < MIN_GROUP_SIZE)) return 'SMALL_COMPLEMENT';
  return null;
}
