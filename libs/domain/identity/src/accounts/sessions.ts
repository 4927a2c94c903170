import { Injectable } from '@nestjs/common';
import { AccessTokenIssuer, SessionValidator, type AccessTokenClaims, type Viewer } from '@ruche/auth';
import { AuditTrail } from '@ruche/audit';
import { AppConfig } from '@ruche/config';
import { Db } from '@ruche/database';
import { Clock, hashSecretToken, isUuid, newSecretToken } from '@ruche/kernel';
import { RefreshTokenEntity, SessionFamilyEntity, type UserEntity } from './account.entities';

export interface IssuedSession {
  familyId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
}

/** Session families, rotating refresh tokens and access tokens. */
@Injectable()
export class Sessions extends SessionValidator {
  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly audit: AuditTrail,
  ) {
    super();
  }

  /** Starts a new family (one sign-in) and returns its first token pair. */
  async start(user: UserEntity): Promise<IssuedSession> {
    const family = await this.db.manager.getRepository(SessionFamilyEntity).save({ userId: user.id });
    return this.issue(user, family.id);
  }

  /** Issues an access token and the family's next refresh token. */
  async issue(user: UserEntity, familyId: string): Promise<IssuedSession> {
    const refreshToken = newSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.sessions.refreshTtlDays * 86_400_000);
    await this.db.manager
      .getRepository(RefreshTokenEntity)
      .insert({ familyId, tokenHash: hashSecretToken(refreshToken), expiresAt });
    const access = this.accessTokens.issue({ sub: user.id, sid: familyId, tv: user.tokenVersion });
    return { familyId, accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken };
  }

  /**
   * Spends a refresh token. Exactly one of any number of concurrent calls wins (row lock + re-check). A token
   * that was already spent means it leaked: the whole family is revoked. Returns the family and user, or null.
   */
  async consumeRefreshToken(token: string): Promise<{ familyId: string; userId: string } | null> {
    const tokenHash = hashSecretToken(token);
    const now = this.clock.now();
    const [spent]: { family_id: string; user_id: string }[][] = await this.db.manager.query(
      `UPDATE refresh_tokens t SET used_at = $2
       FROM session_families f
       WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2
         AND f.id = t.family_id AND f.revoked_at IS NULL
       RETURNING t.family_id, f.user_id`,
      [tokenHash, now],
    );
    const row = spent[0];
    if (row) return { familyId: row.family_id, userId: row.user_id };

    const reused: { family_id: string; user_id: string }[] = await this.db.manager.query(
      `SELECT t.family_id, f.user_id FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id
       WHERE t.token_hash = $1 AND t.used_at IS NOT NULL`,
      [tokenHash],
    );
    if (reused[0]) {
      await this.revokeFamily(reused[0].family_id, 'REFRESH_TOKEN_REUSE');
      await this.audit.record({
        action: 'auth.refresh_token_reused',
        actorId: reused[0].user_id,
        targetType: 'Session',
        targetId: reused[0].family_id,
      });
    }
    return null;
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.db.manager.query(
      'UPDATE session_families SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL',
      [familyId, this.clock.now(), reason],
    );
  }

  /** Ends every session of the user and invalidates their access tokens at once (token version bump). */
  async revokeAll(userId: string, reason: string): Promise<void> {
    await this.db.manager.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [userId]);
    await this.db.manager.query(
      'UPDATE session_families SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL',
      [userId, this.clock.now(), reason],
    );
  }

  /**
   * The access token still matches a live session, for transports that check it up front (the socket
   * handshake); HTTP requests make the same check in their first transaction (Db.actAs). One rule for both:
   * `ruche_act_for_session`, which fails with SQLSTATE 28000 when the session is not live.
   */
  override async validate(claims: AccessTokenClaims): Promise<Viewer | null> {
    if (!isUuid(claims.sub) || !isUuid(claims.sid) || !Number.isInteger(claims.tv)) return null;
    try {
      await this.db.manager.query('SELECT ruche_act_for_session($1, $2, $3)', [claims.sub, claims.sid, claims.tv]);
    } catch (error) {
      if ((error as { code?: unknown }).code === '28000') return null;
      throw error;
    }
    return { userId: claims.sub, sessionId: claims.sid };
  }
}
