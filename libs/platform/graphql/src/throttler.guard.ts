import { ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { rateLimited } from '@ruche/kernel';

/** Per-IP throttling that also works for GraphQL resolvers and answers RATE_LIMITED with retryAfter. */
@Injectable()
export class GqlThrottlerGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext) {
    if (context.getType<string>() === 'graphql') {
      const { req } = GqlExecutionContext.create(context).getContext();
      return { req, res: req.res };
    }
    return super.getRequestResponse(context);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw rateLimited(Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire)));
  }
}
