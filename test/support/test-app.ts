import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Pool } from 'pg';
import request from 'supertest';
import { loadConfig, type AppConfig } from '@ruche/config';
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

/**
 * Boots the real AppModule against a fresh clone of the migrated template database, exactly as `main.ts`
 * serves it, with a movable clock and the file mail transport in a temp folder.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await cloneTestDatabase();
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
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '5',
    // Tests run the digest job by hand.
    DIGEST_INTERVAL_MINUTES: '0',
    ...env,
  });
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ ...config, database: { ...config.database, appUrl: database.appUrl } })],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureApp(
    app,
    { ...config, database: { ...config.database, appUrl: database.appUrl } },
    createLogger(config.logLevel),
  );
  await app.init();
  const sql = new Pool({ connectionString: database.url, max: 2 });
  // An idle client dropped by the server (a restart, another run's cleanup) must not crash the test file;
  // the next query reconnects or fails where it is awaited.
  sql.on('error', () => undefined);
  const http = () => request(app.getHttpServer());
  return {
    app,
    config,
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
