import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit random secret, base64url, for links and refresh tokens. Only its hash is ever stored. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256, hex: how secret tokens are stored, and how texts (consent) and IPs (audit) are fingerprinted. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export const hashSecretToken = sha256Hex;
