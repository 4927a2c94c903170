import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  /** How long a request waits for a connection (from the pool, or a new one) before SERVICE_UNAVAILABLE. */
  connectTimeoutMs?: number;
  applicationName?: string;
}

/** The one DataSource configuration, shared by the API, the migration CLI and the test harness. */
export function dataSourceOptions(
  db: DatabaseSettings,
  parts: { entities: DataSourceOptions['entities']; migrations: DataSourceOptions['migrations'] },
): DataSourceOptions {
  return {
    type: 'postgres',
    url: db.url,
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    poolSize: db.poolSize,
    applicationName: db.applicationName ?? 'ruche',
    connectTimeoutMS: db.connectTimeoutMs ?? 5000,
    // Never let `findOneBy({ id: undefined })` silently match the first row.
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    extra: {
      statement_timeout: db.statementTimeoutMs,
      idle_in_transaction_session_timeout: db.statementTimeoutMs * 4,
      idleTimeoutMillis: 30_000,
    },
  };
}
