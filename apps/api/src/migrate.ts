import 'reflect-metadata';
import { loadConfig } from '@ruche/config';
import { createLogger } from '@ruche/observability';
import { migrate, resolveDatabase } from './database';

/** `npm run db:migrate`: applies pending migrations (against DATABASE_URL, or the embedded database). */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger);
  try {
    await migrate(config, database.url, logger);
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `Migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
