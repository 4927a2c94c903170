import { randomUUID } from 'node:crypto';
import { DomainError, toGlobalId } from '@ruche/kernel';
import { LoaderRegistry } from './loaders';
import { NodeRegistry } from './node-registry';
import type { GraphQLContext } from './graphql-context';

describe('NodeRegistry', () => {
  const viewer = { userId: randomUUID(), sessionId: randomUUID() };
  const ctx = { loaders: new LoaderRegistry() } as GraphQLContext;

  it('hands an id to the fetcher registered for its type', async () => {
    const registry = new NodeRegistry();
    registry.register('Space', async (v, id) => ({ fetchedBy: v.userId, id }));
    const id = toGlobalId('Space', randomUUID());
    await expect(registry.fetch(viewer, id, ctx)).resolves.toEqual({ fetchedBy: viewer.userId, id });
    expect(registry.types()).toEqual(['Space']);
  });

  it('answers NOT_FOUND for a type nobody registered and for a malformed id', async () => {
    const registry = new NodeRegistry();
    registry.register('Space', async () => ({}));
    for (const id of [toGlobalId('Invitation', randomUUID()), 'not-an-id', '']) {
      await expect(registry.fetch(viewer, id, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(registry.fetch(viewer, id, ctx)).rejects.toBeInstanceOf(DomainError);
    }
  });

  it('refuses a second fetcher for the same type', () => {
    const registry = new NodeRegistry();
    registry.register('Post', async () => ({}));
    expect(() => registry.register('Post', async () => ({}))).toThrow('Post is already registered');
  });
});
