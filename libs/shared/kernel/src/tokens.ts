import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit random secret, base64url, for links and refresh tokens. Only its hash is ever stored. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
