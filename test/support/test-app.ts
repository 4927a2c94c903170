import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Pool } from 'pg';
import request from 'supertest';
import { loadConfig, RATE_LIMIT_BUCKETS, type AppConfig } from '@ruche/config';
import { JobsTiming } from '@ruche/jobs';
import { Clock } from '@ruche/kernel';
import { createLogger } from '@ruche/observability';
import { cloneTestDatabase, Mailbox, TestClock } from '@ruche/testing';
import { configureApp } from '../../apps/api/src/app.factory';
import { AppModule } from '../../apps/api/src/app.module';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors?: { message: string; extensions: Record<string, any>; path?: string[] }[];
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** This file's database: its owner URL and the app role's. */
  database: { url: string; appUrl: string };
  clock: TestClock;
  mailbox: Mailbox;
  /** Direct SQL on this file's database, for assertions only. */
  sql: Pool;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GqlResult<T>>;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Modules added beside AppModule, e.g. one that defines jobs for the test in its onModuleInit. */
  imports?: ModuleMetadata['imports'];
  /** Serve this other test app's database (a second process of one deployment); it is not dropped on close. */
  alongside?: TestApp;
}

/** pg-boss's shortest intervals, so tests that run jobs wait for them in about a second, not half a minute. */
const FAST_JOBS: JobsTiming = {
  pollingIntervalSeconds: 0.5,
  cronMonitorIntervalSeconds: 1,
  cronWorkerIntervalSeconds: 1,
};

/**
 * Boots the real AppModule against a fresh clone of the migrated template database, exactly as `main.ts`
 * serves it, with a movable clock and the file mail transport in a temp folder. Jobs are off (only sent, and
 * pg-boss starts only if something is sent) unless the test asks for them with `JOBS: 'in-process'`.
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.alongside
    ? { ...options.alongside.database, drop: async () => undefined }
    : await cloneTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ruche-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_APP_URL: database.appUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    AUTH_THROTTLE_PER_MINUTE: '100000',
    // Tests act fast, from one IP: limits out of the way (test/rate-limits.e2e-spec.ts sets low ones).
    ...Object.fromEntries(RATE_LIMIT_BUCKETS.map((b) => [`RATE_LIMIT_${b.toUpperCase()}`, '100000/100000'])),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '5',
    // Tests run the digest job by hand.
    DIGEST_INTERVAL_MINUTES: '0',
    // Most tests send no job: pg-boss never starts for them.
    JOBS: 'off',
    ...env,
  });
  const served = { ...config, database: { ...config.database, url: database.url, appUrl: database.appUrl } };
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(served), ...(options.imports ?? [])],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .overrideProvider(JobsTiming)
    .useValue(FAST_JOBS)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureApp(app, served, createLogger(config.logLevel));
  await app.init();
  const sql = new Pool({ connectionString: database.url, max: 2 });
  // An idle client dropped by the server (a restart, another run's cleanup) must not crash the test file;
  // the next query reconnects or fails where it is awaited.
  sql.on('error', () => undefined);
  const http = () => request(app.getHttpServer());
  return {
    app,
    config,
    database: { url: database.url, appUrl: database.appUrl },
    clock,
    mailbox: new Mailbox(join(dataDir, 'mail')),
    sql,
    http,
    async gql(query, variables, token) {
      const req = http().post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      const res = await req.send({ query, variables });
      return { status: res.status, data: res.body?.data, errors: res.body?.errors };
    },
    async close() {
      await app.close();
      await sql.end();
      await database.drop();
    },
  };
}
