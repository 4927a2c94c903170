import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '@ruche/config';

/**
 * Outside production a missing JWT_SECRET is generated once and kept in `<DATA_DIR>/jwt-secret`, so a
 * restart does not sign everyone out. Production refuses to start without one (config validation).
 */
export async function withDevelopmentSecrets(config: AppConfig): Promise<AppConfig> {
  if (config.jwt.secret) return config;
  const file = join(config.dataDir, 'jwt-secret');
  let secret: string;
  try {
    secret = (await readFile(file, 'utf8')).trim();
  } catch {
    secret = randomBytes(48).toString('base64url');
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, secret, { mode: 0o600 });
  }
  return Object.freeze({ ...config, jwt: { ...config.jwt, secret } });
}
