import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ClsModule, ClsServiceManager } from 'nestjs-cls';
import type { Request } from 'express';
import { AuditModule, REQUEST_IP, REQUEST_USER_AGENT } from '@ruche/audit';
import { AuthModule } from '@ruche/auth';
import { AppConfig, ConfigModule } from '@ruche/config';
import {
  DatabaseModule,
  dataSourceOptions,
  DbModule,
  REQUEST_DEADLINE,
  transactionsPlugin,
  type RequestDeadline,
} from '@ruche/database';
import {
  createErrorFormatter,
  createGraphQLContext,
  DomainErrorFilter,
  IdempotencyModule,
  queryLimits,
  RateLimitModule,
  RedisThrottlerStorage,
} from '@ruche/graphql';
import { identityEntities, IdentityModule } from '@ruche/identity';
import { JobsModule } from '@ruche/jobs';
import { MailModule } from '@ruche/mail';
import { SpacesModule } from '@ruche/spaces';
import { ContentModule } from '@ruche/content';
import { RealtimeModule } from '@ruche/realtime';
import { AnalyticsModule } from '@ruche/analytics';
import { EventsModule } from '@ruche/events';
import { MediaModule } from '@ruche/media';
import { migrations } from '@ruche/migrations';
import { HealthModule, requestIdFor } from '@ruche/observability';
import { IDEMPOTENT_MUTATIONS, RATE_LIMITED_OPERATIONS } from './write-protection';

export const entities = [...identityEntities];

/** What one process serves, beside the domains every process composes. */
export interface AppParts {
  /** The GraphQL endpoint: false in a realtime gateway process and in a jobs worker. */
  api: boolean;
  /** The socket.io gateway and the outbox relay: false in a jobs worker. Default true. */
  realtime?: boolean;
}

/** Composition root: wires platform and domain modules; holds no logic of its own. */
@Module({})
export class AppModule {
  /**
   * `config.database.url` is the owner role's URL, resolved (the embedded PostgreSQL's when DATABASE_URL is
   * unset): the job runner connects with it. `config.jobs.mode` says whether this process runs the jobs.
   */
  static register(
    config: AppConfig & { database: { url: string; appUrl: string } },
    parts: AppParts = { api: true },
  ): DynamicModule {
    const database = DatabaseModule.forRoot(
      dataSourceOptions(
        {
          url: config.database.appUrl,
          poolSize: config.database.poolSize,
          statementTimeoutMs: config.database.statementTimeoutMs,
          connectTimeoutMs: config.database.connectTimeoutMs,
        },
        { entities, migrations },
      ),
    );
    return {
      module: AppModule,
      providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
      imports: [
        ConfigModule.forRoot(config),
        database,
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: true,
            generateId: true,
            idGenerator: (req: Request) => (typeof req.id === 'string' ? req.id : requestIdFor(req)),
            setup: (cls, req: Request) => {
              cls.set<RequestDeadline>(REQUEST_DEADLINE, {
                at: Date.now() + config.database.requestTimeoutMs,
                statementTimeoutMs: config.database.statementTimeoutMs,
              });
              cls.set(REQUEST_IP, req.ip);
              cls.set(REQUEST_USER_AGENT, req.headers['user-agent']);
            },
          },
          plugins: [transactionsPlugin(database)],
        }),
        DbModule,
        AuditModule,
        EventsModule,
        MailModule,
        JobsModule.forRoot({ url: config.database.url, mode: config.jobs.mode }),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'auth', ttl: 60_000, limit: config.signInProtection.throttlePerMinute }],
          // One budget for every process when they share Redis; this process's memory otherwise.
          ...(config.redisUrl && { storage: new RedisThrottlerStorage(config.redisUrl) }),
        }),
        RateLimitModule.forRoot({ operations: RATE_LIMITED_OPERATIONS }),
        ...(parts.api ? [graphqlModule(config)] : []),
        IdempotencyModule.forRoot({ mutations: IDEMPOTENT_MUTATIONS }),
        AuthModule.register({ imports: [IdentityModule] }),
        IdentityModule,
        SpacesModule,
        ContentModule,
        AnalyticsModule,
        ...(parts.realtime === false ? [] : [RealtimeModule]),
        MediaModule,
        HealthModule,
      ],
    };
  }
}

function graphqlModule(config: AppConfig): DynamicModule {
  const graphqlLogger = new Logger('GraphQL');
  const limits = queryLimits({ production: config.production });
  return GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: config.graphql.introspection,
    // GraphiQL is served from the web build (apps/api/src/web-app.ts), not from a CDN.
    graphiql: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    autoTransformHttpErrors: false,
    // Apollo's cache-control plugin (HTTP caching hints, unused here: answers are per viewer) wraps every field
    // resolver to read hints: per field, on every request.
    plugins: [
      ApolloServerPluginCacheControlDisabled() as unknown as (typeof limits.plugins)[number],
      ...limits.plugins,
    ],
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    context: createGraphQLContext,
    formatError: createErrorFormatter({
      requestId: () => ClsServiceManager.getClsService()?.getId(),
      logUnexpected: (error, requestId) => graphqlLogger.error({ err: error, requestId }, 'unexpected error'),
    }),
  });
}
