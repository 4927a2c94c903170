import { decideAnalyticsAction, suppressionOf } from './analytics.policy';

describe('analytics policy', () => {
  it('lets managers, admins and owners analyse; staff only their space; others are refused', () => {
    for (const role of ['OWNER', 'ADMIN', 'MANAGER'] as const) {
      expect(decideAnalyticsAction(role, 'analytics.report')).toBe('ALLOW');
      expect(decideAnalyticsAction(role, 'analytics.objectives.write')).toBe('ALLOW');
    }
    expect(decideAnalyticsAction('MEMBER', 'analytics.report')).toBe('FORBIDDEN');
    expect(decideAnalyticsAction('MEMBER', 'analytics.report', true)).toBe('ALLOW');
    expect(decideAnalyticsAction('MEMBER', 'analytics.effort.log', true)).toBe('ALLOW');
    expect(decideAnalyticsAction('MEMBER', 'analytics.objectives.read', true)).toBe('FORBIDDEN');
    expect(decideAnalyticsAction('CUSTOMER', 'analytics.report', true)).toBe('FORBIDDEN');
    expect(decideAnalyticsAction(null, 'analytics.report')).toBe('NOT_FOUND');
    expect(decideAnalyticsAction('MANAGER', 'analytics.settings.write')).toBe('FORBIDDEN');
  });

  it('suppresses figures over fewer than five people, and those a wider report would expose by difference', () => {
    expect(suppressionOf(4)).toBe('FEWER_THAN_FIVE_PEOPLE');
    expect(suppressionOf(5)).toBeNull();
    expect(suppressionOf(9, [3])).toBe('SMALL_COMPLEMENT');
    expect(suppressionOf(9, [0, 5])).toBeNull();
  });
});
