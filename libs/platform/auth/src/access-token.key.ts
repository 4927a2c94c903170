import { createSecretKey, type KeyObject } from 'node:crypto';
import type { AppConfig } from '@ruche/config';

export const ACCESS_TOKEN_ALGORITHM = 'HS256';

const keys = new WeakMap<AppConfig, KeyObject>();

/**
 * The signing secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a PEM key
 * and throws, which costs ~0.35 ms per verification (~0.01 ms with the KeyObject).
 */
export function requiredSecret(config: AppConfig): KeyObject {
  if (!config.jwt.secret) throw new Error('JWT secret is not configured');
  let key = keys.get(config);
  if (!key) keys.set(config, (key = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'))));
  return key;
}
