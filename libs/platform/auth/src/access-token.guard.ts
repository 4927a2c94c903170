import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Db } from '@ruche/database';
import { unauthenticated } from '@ruche/kernel';
import { bearerToken, AccessTokenVerifier } from './access-token.verifier';
import { IS_PUBLIC, requestOf } from './decorators';
import type { TokenViewer } from './viewer';

/**
 * Global guard, deny by default: every operation needs a valid access token unless marked @Public().
 * On public operations a valid token is still read (so a signed-in visitor is recognised) but not required.
 * The token's session is checked by the request's first transaction (Db.actAs), not here.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: Db,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Realtime messages ride on a socket whose access token was verified at the handshake (RealtimeGateway).
    if (context.getType() === 'ws') return true;
    const request = requestOf(context);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const header = request.headers.authorization;
    if (isPublic && !header) return true;
    const claims = this.verifier.claims(bearerToken(header));
    if (!claims) {
      if (!isPublic) throw unauthenticated('Authentication required: missing, invalid or expired access token');
      request.user = undefined;
      return true; // a bad token on a public operation is treated as anonymous
    }
    const viewer: TokenViewer = {
      userId: claims.userId,
      sessionId: claims.sessionId,
      tokenVersion: claims.tokenVersion,
    };
    request.user = viewer;
    await this.db.actAs(viewer.userId, { id: viewer.sessionId, tokenVersion: viewer.tokenVersion });
    if (isPublic) {
      try {
        await this.db.ensureSession();
      } catch {
        // An ended session on a public operation is treated as anonymous.
        request.user = undefined;
        await this.db.actAs(null);
      }
    }
    return true;
  }
}
