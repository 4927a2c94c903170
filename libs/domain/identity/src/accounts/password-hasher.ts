import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { AppConfig } from '@ruche/config';

/** Argon2id with the configured cost (OWASP minimum in production, enforced by config validation). */
@Injectable()
export class PasswordHasher {
  private decoy: Promise<string> | null = null;

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    const { memoryKib, timeCost, parallelism } = this.config.argon2;
    return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: memoryKib, timeCost, parallelism });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same work as a real check, for e-mails with no account, so timing does not reveal accounts. */
  async verifyDecoy(password: string): Promise<false> {
    this.decoy ??= this.hash('decoy password that matches nothing');
    await this.verify(await this.decoy, password);
    return false;
  }
}
