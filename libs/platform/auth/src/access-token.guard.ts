import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Db } from '@ruche/database';
import { unauthenticated } from '@ruche/kernel';
import { IS_PUBLIC, requestOf } from './decorators';
import type { TokenViewer } from './viewer';

/**
 * Global guard, deny by default: every operation needs a valid access token unless marked @Public().
 * On public operations a valid token is still read (so a signed-in visitor is recognised) but not required.
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard('access-token') {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: Db,
  ) {
    super();
  }

  override getRequest(context: ExecutionContext) {
    return requestOf(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Realtime messages ride on a socket whose access token was verified at the handshake (RealtimeGateway).
    if (context.getType() === 'ws') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) {
      const request = requestOf(context);
      if (!request.headers.authorization) return true;
      try {
        await super.canActivate(context);
        await this.actAsViewer(context);
        await this.db.ensureSession();
      } catch {
        // A bad token (or an ended session) on a public operation is treated as anonymous.
        request.user = undefined;
        await this.db.actAs(null);
      }
      return true;
    }
    const allowed = (await super.canActivate(context)) as boolean;
    await this.actAsViewer(context);
    return allowed;
  }

  /** Row-level security sees the same person as the resolvers, once their session is found live. */
  private async actAsViewer(context: ExecutionContext): Promise<void> {
    const viewer = requestOf(context).user as TokenViewer | undefined;
    if (viewer) await this.db.actAs(viewer.userId, { id: viewer.sessionId, tokenVersion: viewer.tokenVersion });
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) throw unauthenticated('Authentication required: missing, invalid or expired access token');
    return user;
  }
}
