import { ADMIN_URL_ENV, startTestDatabaseServer, TEMPLATE_ENV } from './test-database';

/** Jest global setup: one database server and migrated template for the whole run. */
export default async function globalSetup(): Promise<void> {
  const server = await startTestDatabaseServer(process.env.DATABASE_URL || undefined);
  process.env[ADMIN_URL_ENV] = server.adminUrl;
  process.env[TEMPLATE_ENV] = server.template;
  (globalThis as { __rucheTestDb?: typeof server }).__rucheTestDb = server;
}
