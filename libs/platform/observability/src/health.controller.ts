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

  /** Ready to serve: the database answers and the process is not shutting down. */
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
