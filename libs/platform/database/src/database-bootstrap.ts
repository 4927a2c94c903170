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

/** The role the API serves requests with: owns no table, no BYPASSRLS (created by the migrations). */
export const APP_ROLE = 'ruche_app';

/**
 * Lets `ruche_app` log in with `password` and returns its URL on the same server and database as
 * `ownerUrl`. Needs the owner to be allowed to alter roles; otherwise give DATABASE_APP_URL instead.
 */
export async function enableAppRole(ownerUrl: string, password: string): Promise<string> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    if (role.rowCount === 0)
      throw new Error(`The ${APP_ROLE} role does not exist: run the migrations first (npm run db:migrate)`);
    await client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}
