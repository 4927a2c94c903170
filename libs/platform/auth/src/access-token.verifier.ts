import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { AppConfig } from '@ruche/config';
import { ACCESS_TOKEN_ALGORITHM, requiredSecret } from './access-token.strategy';
import { SessionValidator, type AccessTokenClaims, type Viewer } from './viewer';

/**
 * The same checks as the HTTP guard, for transports without an Authorization header (the realtime
 * handshake): signature, algorithm allowlist, issuer, audience, expiry, then a live session.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionValidator,
  ) {}

  async verify(token: unknown): Promise<{ viewer: Viewer; expiresAt: Date } | null> {
    if (typeof token !== 'string' || token.length > 4096) return null;
    let claims: Partial<AccessTokenClaims> & { exp?: number };
    try {
      claims = jwt.verify(token, requiredSecret(this.config), {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        clockTolerance: 5,
      }) as typeof claims;
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.tv !== 'number') return null;
    const viewer = await this.sessions.validate({ sub: claims.sub, sid: claims.sid, tv: claims.tv });
    return viewer && claims.exp ? { viewer, expiresAt: new Date(claims.exp * 1000) } : null;
  }
}
