import fc from 'fast-check';
import { DomainError } from './errors';
import { fromGlobalId, toGlobalId } from './global-id';

describe('global ids', () => {
  it('round-trips any uuid for its own type', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(fromGlobalId(toGlobalId('User', id), 'User')).toBe(id.toLowerCase());
      }),
    );
  });

  it('answers NOT_FOUND for another type or garbage, never something else', () => {
    const user = toGlobalId('User', '6f1c1e64-8a7c-4a5e-9a57-0d7f5f7a8d11');
    for (const bad of [user, 'garbage', '', 'Tm90OkFVVUlE', toGlobalId('Organization', 'not-a-uuid')]) {
      const attempt = () => fromGlobalId(bad, 'Organization');
      expect(attempt).toThrow(DomainError);
      try {
        attempt();
      } catch (e) {
        expect((e as DomainError).code).toBe('NOT_FOUND');
      }
    }
  });
});
