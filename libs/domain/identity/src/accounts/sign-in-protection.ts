import { Injectable } from '@nestjs/common';
import { AppConfig } from '@ruche/config';
import { Db } from '@ruche/database';
import { Clock, hashSecretToken, normalizeEmail, rateLimited } from '@ruche/kernel';

/**
 * Per-account lockout keyed by the e-mail typed (hashed), so unknown addresses behave exactly like real ones:
 * after LOCKOUT_THRESHOLD failures within the window the address is locked, for 1, 2, 4… minutes (capped).
 */
@Injectable()
export class SignInProtection {
  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private key(email: string): string {
    return hashSecretToken(`sign-in:${normalizeEmail(email)}`);
  }

  /** Throws RATE_LIMITED while the address is locked. */
  async assertNotLocked(email: string): Promise<void> {
    const rows: { locked_until: Date | null }[] = await this.db.manager.query(
      'SELECT locked_until FROM sign_in_attempts WHERE email_hash = $1',
      [this.key(email)],
    );
    const lockedUntil = rows[0]?.locked_until;
    const now = this.clock.now();
    if (lockedUntil && lockedUntil > now) {
      throw rateLimited(Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
    }
  }

  /** Counts a failure atomically (concurrent attempts cannot skip the lock). */
  async recordFailure(email: string): Promise<void> {
    const p = this.config.signInProtection;
    await this.db.manager.query(
      `INSERT INTO sign_in_attempts AS a (email_hash, failures, window_started_at, locked_until, lock_count)
       VALUES ($1, 1, $2::timestamptz, NULL, 0)
       ON CONFLICT (email_hash) DO UPDATE SET
         failures = CASE WHEN a.window_started_at < $2::timestamptz - make_interval(mins => $3::int) THEN 1 ELSE a.failures + 1 END,
         window_started_at = CASE WHEN a.window_started_at < $2::timestamptz - make_interval(mins => $3::int) THEN $2 ELSE a.window_started_at END`,
      [this.key(email), this.clock.now(), p.lockoutWindowMinutes],
    );
    await this.db.manager.query(
      `UPDATE sign_in_attempts SET
         locked_until = $2::timestamptz + make_interval(mins => LEAST($4::int, $3::int * (2 ^ LEAST(lock_count, 16))::int)),
         lock_count = lock_count + 1,
         failures = 0
       WHERE email_hash = $1 AND failures >= $5`,
      [this.key(email), this.clock.now(), p.lockoutBaseMinutes, p.lockoutMaxMinutes, p.lockoutThreshold],
    );
  }

  async recordSuccess(email: string): Promise<void> {
    await this.db.manager.query('DELETE FROM sign_in_attempts WHERE email_hash = $1', [this.key(email)]);
  }
}
