import {
  CallHandler,
  DynamicModule,
  ExecutionContext,
  Global,
  Inject,
  Injectable,
  Module,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DEFAULT_IPV6_SUBNET_PREFIX, normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import type { Observable } from 'rxjs';
import { AppConfig, type RateLimitBucket } from '@ruche/config';
import { rateLimited } from '@ruche/kernel';

const WINDOW_MS = 60_000;
const RATE_LIMIT = 'ruche:rateLimit';
const OPERATIONS = Symbol('RATE_LIMITED_OPERATIONS');

/** Counts a REST route against a bucket (GraphQL operations are listed in `RateLimitModule.forRoot`). */
export const RateLimit = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT, bucket);

/**
 * Budgets per person and per client IP, per minute, for the actions where abuse hurts (RATE_LIMIT_*). Each hit
 * spends both budgets of its bucket, in the throttler's storage: Redis when REDIS_URL is set (every process
 * shares them), this process's memory otherwise.
 */
@Injectable()
export class RateLimits {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  /** Spends one hit of `bucket` for this person (when known) and this IP; RATE_LIMITED with retryAfter past either. */
  async spend(bucket: RateLimitBucket, who: { userId?: string | null; ip?: string | null }): Promise<void> {
    const limits = this.config.rateLimits[bucket];
    const spent = await Promise.all([
      who.userId ? this.storage.increment(`u:${who.userId}`, WINDOW_MS, limits.perPerson, 0, bucket) : null,
      // IPv6 by /64, as the sign-in throttler: one machine usually holds a whole /64.
      who.ip
        ? this.storage.increment(
            `ip:${normalizeIp(who.ip, DEFAULT_IPV6_SUBNET_PREFIX)}`,
            WINDOW_MS,
            limits.perIp,
            0,
            bucket,
          )
        : null,
    ]);
    const blocked = spent.filter((record) => record?.isBlocked);
    if (blocked.length) {
      throw rateLimited(
        Math.max(1, ...blocked.map((record) => record!.timeToBlockExpire || record!.timeToExpire)),
        'Too many requests, try again later',
      );
    }
  }
}

/**
 * Applies the buckets: to a GraphQL root operation named in `operations`, and to a REST handler marked
 * `@RateLimit(bucket)`. An interceptor, so it runs after the guards: the person is known when signed in.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limits: RateLimits,
    private readonly reflector: Reflector,
    @Inject(OPERATIONS) private readonly operations: Record<string, RateLimitBucket>,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    let bucket: RateLimitBucket | undefined;
    let req: Request | undefined;
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const info = gql.getInfo<GraphQLResolveInfo>();
      const root = info.parentType.name === 'Mutation' || info.parentType.name === 'Query';
      bucket = root && Object.hasOwn(this.operations, info.fieldName) ? this.operations[info.fieldName] : undefined;
      req = gql.getContext<{ req: Request }>().req;
    } else if (context.getType() === 'http') {
      bucket = this.reflector.get<RateLimitBucket | undefined>(RATE_LIMIT, context.getHandler());
      req = context.switchToHttp().getRequest<Request>();
    }
    if (bucket && req) {
      const userId = (req.user as { userId?: string } | undefined)?.userId;
      await this.limits.spend(bucket, { userId, ip: req.ip });
    }
    return next.handle();
  }
}

/**
 * `operations`: GraphQL root fields (mutations and queries) → bucket. Global: the realtime gateway spends the
 * `sockets` bucket through `RateLimits` too.
 */
@Global()
@Module({})
export class RateLimitModule {
  static forRoot(options: { operations: Record<string, RateLimitBucket> }): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        RateLimits,
        { provide: OPERATIONS, useValue: options.operations },
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
      ],
      exports: [RateLimits],
    };
  }
}
