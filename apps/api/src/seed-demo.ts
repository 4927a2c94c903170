import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@ruche/config';
import { createLogger, PinoNestLogger } from '@ruche/observability';
import { AppModule } from './app.module';
import { appDatabaseUrl, migrate, resolveDatabase } from './database';
import { describeDemo, seedDemo } from './demo/seed-demo';
import { fixtureCommandConfig } from './dev-secrets';

/**
 * `npm run seed:demo`: the demo organization, in the database `npm start` uses (DATABASE_URL, or the embedded
 * PostgreSQL in <DATA_DIR>/postgres), built through the domain services. Run it before `npm start`, or with
 * the server stopped when the database is the embedded one (one PostgreSQL process per data folder).
 */
async function main(): Promise<void> {
  const started = Date.now();
  // Quiet unless asked: the credentials are what this prints.
  const config = await fixtureCommandConfig(
    process.env,
    'npm run seed:demo',
    'fictitious people sharing a published password have no place in a production database.',
  );
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger);
  try {
    await migrate(config, database.url, logger);
    const appUrl = await appDatabaseUrl(config, database.url);
    // No HTTP server, no realtime relay and no jobs run here (so no digest e-mails): the running API publishes the
    // outbox and runs the jobs later.
    const seeding: AppConfig & { database: { url: string; appUrl: string } } = {
      ...config,
      digestIntervalMinutes: 0,
      jobs: { mode: 'off' },
      realtime: { relay: false },
      database: { ...config.database, url: database.url, appUrl },
    };
    const app = await NestFactory.createApplicationContext(AppModule.register(seeding, { api: false }), {
      logger: new PinoNestLogger(logger),
    });
    try {
      process.stdout.write('Seeding the demo organization...\n');
      const result = await seedDemo(app, { log: (message) => logger.info(message) });
      process.stdout.write(describeDemo(result, config.http.publicUrl));
      process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `The demo could not be seeded: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
