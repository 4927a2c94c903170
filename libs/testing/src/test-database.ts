import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { DataSource } from 'typeorm';
import {
  APP_ROLE,
  dataSourceOptions,
  enableAppRole,
  runMigrations,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '@ruche/database';
import { migrations } from '@ruche/migrations';

/** Set by the global setup, read by every worker. */
export const ADMIN_URL_ENV = 'RUCHE_TEST_ADMIN_URL';
export const TEMPLATE_ENV = 'RUCHE_TEST_TEMPLATE_DB';
/** Password the test run gives the (cluster-wide) application role. */
const TEST_APP_PASSWORD = 'ruche-test-app-role';

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A TCP port nobody listens on right now, for servers started by tests. It is drawn below Linux's ephemeral
 * range (32768–60999): a port the kernel handed out (listen on port 0) can be taken, before the test's server
 * binds it, as the local end of any outgoing connection (a browser, a database pool), which made servers fail
 * with EADDRINUSE now and then.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free TCP port found in 20000–31999');
}

async function admin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabaseServer {
  adminUrl: string;
  template: string;
  stop(): Promise<void>;
}

/**
 * Once per test run: a PostgreSQL server (DATABASE_URL's, or an embedded one in a temp folder) and a template
 * database built by the real migrations. Each test file then clones the template (sub-second).
 */
export async function startTestDatabaseServer(externalUrl: string | undefined): Promise<TestDatabaseServer> {
  let embedded: EmbeddedPostgresHandle | null = null;
  let adminUrl: string;
  if (externalUrl) {
    adminUrl = externalUrl;
  } else {
    embedded = await startEmbeddedPostgres({
      dir: mkdtempSync(join(tmpdir(), 'ruche-test-pg-')),
      port: await freePort(),
      persistent: false,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' },
    });
    adminUrl = embedded.adminUrl;
  }
  const template = `ruche_tpl_${process.pid}`;
  await admin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template}`);
    await c.query(`CREATE DATABASE ${template}`);
  });
  await runMigrations(
    new DataSource(
      dataSourceOptions(
        { url: withDatabase(adminUrl, template), poolSize: 1, statementTimeoutMs: 0 },
        { entities: [], migrations },
      ),
    ),
  );
  await enableAppRole(withDatabase(adminUrl, template), TEST_APP_PASSWORD);
  return {
    adminUrl,
    template,
    stop: async () => {
      await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)).catch(() => undefined);
      await embedded?.stop();
    },
  };
}

let counter = 0;

/**
 * A fresh, migrated database for one test file: `url` as its owner (migrations, assertions), `appUrl` as the
 * unprivileged role the API uses; `drop` removes it.
 */
export async function cloneTestDatabase(): Promise<{
  url: string;
  appUrl: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const adminUrl = process.env[ADMIN_URL_ENV];
  const template = process.env[TEMPLATE_ENV];
  if (!adminUrl || !template) throw new Error('The Jest global setup did not run (no test database server)');
  const name = `${template}_w${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${counter++}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const appUrl = new URL(withDatabase(adminUrl, name));
  appUrl.username = APP_ROLE;
  appUrl.password = TEST_APP_PASSWORD;
  return {
    url: withDatabase(adminUrl, name),
    appUrl: appUrl.toString(),
    name,
    drop: () => admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
