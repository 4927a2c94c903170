import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { concatMap, type Observable } from 'rxjs';
import { Db } from '@ruche/database';

/**
 * The session check of a request that opened no transaction (which is where it happens otherwise, in the
 * same round trip as BEGIN): before its answer leaves, so a signed-out session never gets one.
 */
@Injectable()
export class SessionCheckInterceptor implements NestInterceptor {
  constructor(private readonly db: Db) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'ws') return next.handle();
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await this.db.ensureSession();
        return value;
      }),
    );
  }
}
