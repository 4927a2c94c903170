import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '@ruche/config';
import { createLogger } from '@ruche/observability';
import { migrate, resolveDatabase } from './database';

/**
 * `npm run analytics:rebuild`: recomputes both engagement rollups from the raw events, in one transaction
 * (reports wait for it rather than read half a rebuild). For after a change of rollup rules or a restore.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger);
  try {
    await migrate(config, database.url, logger);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const started = Date.now();
      await client.query('BEGIN');
      const [{ events }] = (await client.query('SELECT ruche_analytics_rebuild() AS events')).rows;
      await client.query('COMMIT');
      logger.info({ events: Number(events), ms: Date.now() - started }, 'engagement rollups rebuilt from raw events');
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `Rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
