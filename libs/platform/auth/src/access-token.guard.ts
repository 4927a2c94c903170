import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { unauthenticated } from '@ruche/kernel';
import { IS_PUBLIC, requestOf } from './decorators';

/**
 * Global guard, deny by default: every operation needs a valid access token unless marked @Public().
 * On public operations a valid token is still read (so a signed-in visitor is recognised) but not required.
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard('access-token') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override getRequest(context: ExecutionContext) {
    return requestOf(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) {
      if (!requestOf(context).headers.authorization) return true;
      try {
        await super.canActivate(context);
      } catch {
        // A bad token on a public operation is treated as anonymous.
      }
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) throw unauthenticated('Authentication required: missing, invalid or expired access token');
    return user;
  }
}
