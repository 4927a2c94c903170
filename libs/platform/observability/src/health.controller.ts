import { BeforeApplicationShutdown, Controller, Get, Injectable } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '@ruche/auth';

/** Flips readiness off as soon as shutdown starts, so load balancers stop sending traffic first. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  shuttingDown = false;
  beforeApplicationShutdown() {
    this.shuttingDown = true;
  }
}

/** What node-postgres's pool tells about itself. */
interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly state: ShutdownState,
  ) {}

  /** The process is up and its event loop answers. */
  @Public()
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([async () => this.indicators.check('process').up()]);
  }

  /**
   * Ready to serve: not shutting down, not saturated (as many requests waiting for a database connection as
   * the pool holds: new ones would wait past their deadline), and the database answers.
   */
  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('lifecycle');
        return this.state.shuttingDown ? indicator.down({ state: 'shutting down' }) : indicator.up();
      },
      async () => {
        const indicator = this.indicators.check('pool');
        const pool = (this.dataSource.driver as unknown as { master?: PoolStats }).master;
        if (!pool) return indicator.up();
        const state = { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
        const size = (this.dataSource.options as { poolSize?: number }).poolSize ?? 10;
        return pool.waitingCount >= size ? indicator.down({ state: 'saturated', ...state }) : indicator.up(state);
      },
      async () => {
        const indicator = this.indicators.check('database');
        try {
          await this.dataSource.query('SELECT 1');
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
    ]);
  }
}
