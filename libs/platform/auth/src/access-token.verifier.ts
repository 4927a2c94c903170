import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { AppConfig } from '@ruche/config';
import { isUuid } from '@ruche/kernel';
import { ACCESS_TOKEN_ALGORITHM, requiredSecret } from './access-token.key';
import { SessionValidator, type AccessTokenClaims, type TokenViewer, type Viewer } from './viewer';

/** Tokens longer than this are refused unread (ours are about 300 characters). */
const MAX_TOKEN_LENGTH = 4096;

/** Verifies access tokens: signature, allowlisted algorithm, issuer, audience, expiry, claims' shape. */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionValidator,
  ) {}

  /**
   * The token's claims only, or null: whether its session is still live is checked by the request's first
   * transaction (Db.actAs with the session), in the same round trip as BEGIN.
   */
  claims(token: unknown): (TokenViewer & { expiresAt: Date }) | null {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
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
    const { sub, sid, tv, exp } = claims;
    if (!isUuid(sub) || !isUuid(sid) || typeof tv !== 'number' || !Number.isInteger(tv)) return null;
    if (typeof exp !== 'number') return null;
    return { userId: sub, sessionId: sid, tokenVersion: tv, expiresAt: new Date(exp * 1000) };
  }

  /** The claims, then a live session: for transports that check once per connection (the realtime handshake). */
  async verify(token: unknown): Promise<{ viewer: Viewer; expiresAt: Date } | null> {
    const claims = this.claims(token);
    if (!claims) return null;
    const viewer = await this.sessions.validate({ sub: claims.userId, sid: claims.sessionId, tv: claims.tokenVersion });
    return viewer ? { viewer, expiresAt: claims.expiresAt } : null;
  }
}

/** The token of `Authorization: Bearer <token>` (the scheme in any case), or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = header ? /^\s*bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}
