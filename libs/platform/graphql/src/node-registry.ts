import { Injectable, Module } from '@nestjs/common';
import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { notFound, parseGlobalId } from '@ruche/kernel';
import type { GraphQLContext } from './graphql-context';
import { Node } from './node';

/**
 * Fetches one object of a type for `node(id)`, through the same access checks as the type's own query, and
 * throws NOT_FOUND for what the viewer may not see. `id` is the global id, already known to be of that type.
 */
export type NodeFetcher = (viewer: Viewer, id: string, ctx: GraphQLContext) => Promise<object>;

/**
 * Which domain fetches which type for `node(id)`. Each domain module registers its own types when it starts
 * (`registry.register('Space', …)`), so this platform code knows none of them.
 */
@Injectable()
export class NodeRegistry {
  private readonly fetchers = new Map<string, NodeFetcher>();

  register(type: string, fetch: NodeFetcher): void {
    if (this.fetchers.has(type)) throw new Error(`node(id): ${type} is already registered`);
    this.fetchers.set(type, fetch);
  }

  /** The types `node(id)` resolves, for documentation and tests. */
  types(): string[] {
    return [...this.fetchers.keys()].sort();
  }

  /** A malformed id, or one of a type nobody registered, answers like a missing object. */
  async fetch(viewer: Viewer, id: string, ctx: GraphQLContext): Promise<object> {
    const type = parseGlobalId(id)?.type;
    const fetch = type === undefined ? undefined : this.fetchers.get(type);
    if (!fetch) throw notFound('Node');
    return fetch(viewer, id, ctx);
  }
}

@Resolver()
export class NodeResolver {
  constructor(private readonly registry: NodeRegistry) {}

  @Query(() => Node, {
    description: 'Any object by its global id, through the same policy as its own query; NOT_FOUND otherwise.',
  })
  node(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GraphQLContext,
  ): Promise<object> {
    return this.registry.fetch(viewer, id, ctx);
  }
}

/** `node(id)` and its registry: imported by every domain module that registers a type (one instance). */
@Module({ providers: [NodeRegistry, NodeResolver], exports: [NodeRegistry] })
export class NodeModule {}
