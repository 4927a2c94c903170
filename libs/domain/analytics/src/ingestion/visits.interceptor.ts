import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import { Clock } from '@ruche/kernel';
import { from, Observable, switchMap } from 'rxjs';

const REMEMBERED = 100_000;

/**
 * Visits: one per person and day, on their first authenticated request of the day. Each process remembers
 * whom it already recorded today, so the cost is one small insert per person, day and process; the table's key
 * keeps it one row across processes. Recorded before the request's own work, in its own transaction (the
 * request's transaction must not be shared with it).
 */
@Injectable()
export class VisitsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Visits');
  private day = '';
  private seen = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const viewer = this.viewerOf(context);
    if (!viewer) return next.handle();
    const day = this.clock.now().toISOString().slice(0, 10);
    if (day !== this.day || this.seen.size > REMEMBERED) {
      this.day = day;
      this.seen = new Set();
    }
    if (this.seen.has(viewer.userId)) return next.handle();
    return from(this.record(viewer.userId, day)).pipe(switchMap(() => next.handle()));
  }

  private async record(userId: string, day: string): Promise<void> {
    try {
      const [{ organizations }] = await this.db.transaction(() =>
        this.db.manager.query('SELECT ruche_analytics_record_visit($1) AS organizations', [day]),
      );
      // Someone in no organization yet (just signed up, accepting an invitation) is asked again next time.
      if (organizations > 0) this.seen.add(userId);
    } catch (error) {
      // A lost visit only lowers a count; the request itself goes on.
      this.logger.warn({ err: error }, 'could not record a visit');
    }
  }

  private viewerOf(context: ExecutionContext): Viewer | null {
    const req =
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext<{ req?: { user?: Viewer } }>().req
        : context.getType() === 'http'
          ? context.switchToHttp().getRequest<{ user?: Viewer }>()
          : undefined;
    return req?.user?.userId ? req.user : null;
  }
}
