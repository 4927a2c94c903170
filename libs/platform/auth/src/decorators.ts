import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { unauthenticated } from '@ruche/kernel';
import type { Viewer } from './viewer';

export const IS_PUBLIC = 'ruche:isPublic';

/** Opts an operation out of the global deny-by-default authentication guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export function requestOf(context: ExecutionContext): Request {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
  return context.switchToHttp().getRequest<Request>();
}

/** The signed-in viewer; throws UNAUTHENTICATED if absent (only reachable on @Public operations). */
export const CurrentViewer = createParamDecorator((_data: unknown, context: ExecutionContext): Viewer => {
  const viewer = requestOf(context).user as Viewer | undefined;
  if (!viewer) throw unauthenticated();
  return viewer;
});
