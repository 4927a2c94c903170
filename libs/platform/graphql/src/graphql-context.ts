import type { Request, Response } from 'express';
import { LoaderRegistry } from './loaders';

export interface GraphQLContext {
  req: Request;
  /** For the few resolvers that set HTTP-level state (the browser session cookie). */
  res: Response;
  loaders: LoaderRegistry;
}

export function createGraphQLContext({ req, res }: { req: Request; res: Response }): GraphQLContext {
  return { req, res, loaders: new LoaderRegistry() };
}
