import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Db } from '@ruche/database';
import { unauthenticated } from '@ruche/kernel';
import { IS_PUBLIC, requestOf } from './decorators';
import type { Viewer } from './viewer';

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
      if (!requestOf(context).headers.authorization) return true;
      try {
        await super.canActivate(context);
        await this.actAsViewer(context);
      } catch {
        // A bad token on a public operation is treated as anonymous.
      }
      return true;
    }
    const allowed = (await super.canActivate(context)) as boolean;
    await this.actAsViewer(context);
    return allowed;
  }

  /** Row-level security sees the same person as the resolvers. */
  private async actAsViewer(context: ExecutionContext): Promise<void> {
    const viewer = requestOf(context).user as Viewer | undefined;
    if (viewer) await this.db.actAs(viewer.userId);
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) throw unauthenticated('Authentication required: missing, invalid or expired access token');
    return user;
  }
}
