import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig, type AppConfig } from '@ruche/config';

/**
 * Outside production, missing secrets are generated once and kept in `<DATA_DIR>`, so a restart does not
 * sign everyone out: the JWT secret (`jwt-secret`) and the password of the database role the API serves
 * requests with (`db-app-password`). Production refuses to start without a JWT secret (config validation).
 */
export async function withDevelopmentSecrets(config: AppConfig): Promise<AppConfig> {
  const jwtSecret = config.jwt.secret ?? (await keptSecret(config.dataDir, 'jwt-secret', 48));
  const appPassword =
    config.database.appUrl || config.database.appPassword
      ? config.database.appPassword
      : await keptSecret(config.dataDir, 'db-app-password', 24);
  return Object.freeze({
    ...config,
    jwt: { ...config.jwt, secret: jwtSecret },
    database: { ...config.database, appPassword },
  });
}

async function keptSecret(dataDir: string, name: string, bytes: number): Promise<string> {
  const file = join(dataDir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(bytes).toString('base64url');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}

/**
 * The configuration of a command that fills a database with fictitious data (seed:demo, seed:load): quiet unless
 * asked, development secrets, and never against production. Exits with the reason on bad configuration.
 */
export async function fixtureCommandConfig(
  env: Record<string, string | undefined>,
  command: string,
  why: string,
): Promise<AppConfig> {
  let config: AppConfig;
  try {
    config = await withDevelopmentSecrets(loadConfig({ LOG_LEVEL: 'warn', ...env }));
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  if (config.production) {
    process.stderr.write(`${command} does not run with NODE_ENV=production: ${why}\n`);
    process.exit(1);
  }
  return config;
}
