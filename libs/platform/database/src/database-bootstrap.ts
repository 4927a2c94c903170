import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** Creates `database` on the server behind `adminUrl` if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** Applies pending migrations; returns the names of those it ran. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const owned = !dataSource.isInitialized;
  if (owned) await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    if (owned) await dataSource.destroy();
  }
}
